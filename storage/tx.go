package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"safeinvoice/internal/fsutil"

	"github.com/dgraph-io/badger/v4"
)

// maxConflictRetries bounds how often Update re-runs a transaction that lost
// a race with a concurrent one (only possible with writers outside Update).
const maxConflictRetries = 20

// Tx is a transaction on the vault, valid only inside the function given to
// View or Update. Reads see one consistent snapshot. Writes become visible,
// durably and together with their audit entries, only when that function
// returns nil.
type Tx struct {
	v      *Vault
	txn    *badger.Txn
	actor  string
	write  bool
	writes int
	audits int
	head   *AuditCheckpoint // loaded on the first Audit call
	// countDelta is how this transaction changes each kind's count.
	countDelta map[string]int
	// stage logs the writes of a transaction of a staged change.
	stage *txStage
}

// View runs fn in a read-only transaction.
func (v *Vault) View(fn func(tx *Tx) error) (err error) {
	defer recoverDamage(&err)
	if err := v.checkOpen(); err != nil {
		return err
	}
	v.dbMu.RLock()
	defer v.dbMu.RUnlock()
	if err := v.checkOpen(); err != nil {
		return err
	}
	return v.db.View(func(txn *badger.Txn) error {
		return fn(&Tx{v: v, txn: txn})
	})
}

// Update runs fn in a read-write transaction on behalf of actor (the user
// name written into audit entries) and commits it durably. A transaction that
// changes anything must append at least one audit entry with Tx.Audit, or it
// is refused with ErrUnaudited and nothing is written. When a concurrent
// transaction wrote what fn read, fn is run again on fresh data, so fn must
// have no effects outside the transaction.
func (v *Vault) Update(actor string, fn func(tx *Tx) error) error {
	return v.updateRetried(actor, nil, fn)
}

// updateRetried is Update, as a part of staged if that is not nil.
func (v *Vault) updateRetried(actor string, staged *Staged, fn func(tx *Tx) error) error {
	if err := v.checkOpen(); err != nil {
		return err
	}
	if actor == "" {
		return errors.New("update without an acting user")
	}
	// Every change appends to the one audit chain, so writers would always
	// conflict; they take turns instead. Readers are never blocked.
	v.writeMu.Lock()
	defer v.writeMu.Unlock()
	for range maxConflictRetries {
		err := v.update(actor, staged, fn)
		if !errors.Is(err, badger.ErrConflict) {
			return tooBig(err)
		}
	}
	return fmt.Errorf("gave up after %d conflicting transactions: %w", maxConflictRetries, badger.ErrConflict)
}

func (v *Vault) update(actor string, staged *Staged, fn func(tx *Tx) error) (err error) {
	defer recoverDamage(&err)
	v.dbMu.RLock()
	defer v.dbMu.RUnlock()
	if err := v.checkOpen(); err != nil {
		return err
	}
	txn := v.db.NewTransaction(true)
	defer txn.Discard()
	tx := &Tx{v: v, txn: txn, actor: actor, write: true}
	if staged != nil {
		tx.stage = &txStage{s: staged, index: map[string]int{}}
	}
	if err := fn(tx); err != nil {
		return err
	}
	if tx.writes > 0 && tx.audits == 0 {
		return ErrUnaudited
	}
	if err := tx.writeStageLog(); err != nil {
		return err
	}
	if err := tx.applyCounts(); err != nil {
		return err
	}
	if err := txn.Commit(); err != nil {
		if errors.Is(err, badger.ErrConflict) {
			return err
		}
		return fsutil.DiskFull(v.dir, fmt.Errorf("commit: %w", err))
	}
	return nil
}

// tooBig maps Badger's transaction size error to ErrTooBig.
func tooBig(err error) error {
	if errors.Is(err, badger.ErrTxnTooBig) {
		return fmt.Errorf("%w: %v", ErrTooBig, err)
	}
	return err
}

func (v *Vault) checkOpen() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed || v.broken {
		return ErrClosed
	}
	return nil
}

// Actor is the user on whose behalf the transaction writes ("" in View).
func (tx *Tx) Actor() string { return tx.actor }

// Now is the vault clock.
func (tx *Tx) Now() time.Time { return tx.v.opts.now() }

func (tx *Tx) set(key string, value []byte) error {
	if !tx.write {
		return errors.New("write in a read-only transaction")
	}
	if err := tx.noteWrite(key, true); err != nil {
		return err
	}
	if err := tx.stageWrite(key, value); err != nil {
		return err
	}
	if err := tx.txn.Set([]byte(key), tx.v.macs.seal(key, value)); err != nil {
		return fmt.Errorf("write %s: %w", kindOf(key), err)
	}
	tx.writes++
	return nil
}

func (tx *Tx) del(key string) error {
	if !tx.write {
		return errors.New("delete in a read-only transaction")
	}
	if tx.stage != nil && !neverStaged(key) {
		return fmt.Errorf("delete %s: %w", kindOf(key), ErrStagedDelete)
	}
	if err := tx.noteWrite(key, false); err != nil {
		return err
	}
	if err := tx.txn.Delete([]byte(key)); err != nil {
		return fmt.Errorf("delete %s: %w", kindOf(key), err)
	}
	tx.writes++
	return tx.markGone(key)
}

// getRaw returns a copy of the payload at key, checked (see
// recordmac.go), or ErrNotFound. Before it says a record is not found, the
// database files are verified (once per open vault: FileCheck), because a
// lookup that meets a damaged block reports the key missing.
func (tx *Tx) getRaw(key string) ([]byte, error) {
	val, err := tx.getOptional(key)
	if errors.Is(err, ErrNotFound) {
		// A lookup that meets a damaged block reports the key missing:
		// only a verified database says so truly.
		if ferr := tx.v.FileCheck(); ferr != nil {
			return nil, ferr
		}
	}
	return val, err
}

// getOptional is getRaw for records whose absence is ordinary (a counter
// not yet used, a number not yet claimed, a backup state before the first
// backup): it does not wait for the file check, which the app runs soon
// after login anyway.
func (tx *Tx) getOptional(key string) ([]byte, error) {
	val, err := getStored(tx.txn, key)
	if err != nil {
		return nil, err
	}
	return tx.v.macs.open(key, val)
}

func getJSON[T any](tx *Tx, key string) (T, error) {
	var v T
	raw, err := tx.getRaw(key)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("decode %s: %w", kindOf(key), err)
	}
	return v, nil
}

func putJSON(tx *Tx, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", kindOf(key), err)
	}
	return tx.set(key, raw)
}

// eachRaw calls fn for every key with prefix, in key order, with its
// checked payload, until fn returns an error. Values are only valid during
// the call. A damaged value stops the walk with its *DamagedError.
func (tx *Tx) eachRaw(prefix string, fn func(key, val []byte) error) error {
	_, err := tx.eachStored(prefix, "", fn)
	return err
}

// eachStored is eachRaw from the first key at or after from, returning how
// many records it walked.
func (tx *Tx) eachStored(prefix, from string, fn func(key, val []byte) error) (int, error) {
	it := tx.txn.NewIterator(badgerIterOpts(prefix))
	defer it.Close()
	if from == "" {
		it.Rewind()
	} else {
		it.Seek([]byte(from))
	}
	return tx.walk(it, fn)
}

// walk calls fn for every item from it's position on, with its checked
// payload, and returns how many it walked.
func (tx *Tx) walk(it *badger.Iterator, fn func(key, val []byte) error) (int, error) {
	return tx.walkUntil(it, nil, nil, fn)
}

// walkUntil is walk that ends before the key end (nil: no end) or as soon
// as stop is set (nil: never).
func (tx *Tx) walkUntil(it *badger.Iterator, end []byte, stop *atomic.Bool, fn func(key, val []byte) error) (int, error) {
	n := 0
	for ; it.Valid(); it.Next() {
		item := it.Item()
		if end != nil && bytes.Compare(item.Key(), end) >= 0 {
			break
		}
		if stop != nil && stop.Load() {
			return n, errStopped
		}
		err := item.Value(func(val []byte) error {
			payload, err := tx.v.macs.open(string(item.Key()), val)
			if err != nil {
				return err
			}
			return fn(item.Key(), payload)
		})
		if err != nil {
			if isChecksumError(err) {
				return n, readError(string(item.Key()), err)
			}
			return n, err
		}
		n++
	}
	return n, nil
}

// errStopped ends a walk whose sibling failed; the sibling's error is the
// one returned.
var errStopped = errors.New("walk stopped")

// eachCounted is eachRaw over all the records of one kind (prefix is
// kind + "/"), which then checks that it walked as many as the kind's
// counter says: a record lost from the database files is reported as
// damage rather than left out.
func (tx *Tx) eachCounted(prefix string, fn func(key, val []byte) error) error {
	n, err := tx.eachStored(prefix, "", fn)
	if err != nil {
		return err
	}
	return tx.checkCount(prefix, n)
}

// checkCount reports as damage a walk of the records under prefix that
// found n where the kind's counter says otherwise.
func (tx *Tx) checkCount(prefix string, n int) error {
	kind := strings.TrimSuffix(prefix, "/")
	want, err := tx.counter(kind)
	if err != nil {
		return err
	}
	want += tx.countDelta[kind] // this transaction's own, not yet counted
	if n != want {
		return recordDamaged(prefix+"…", fmt.Sprintf("%d %s records found where %d were written", n, kind, want))
	}
	return nil
}

func eachJSON[T any](tx *Tx, prefix string, fn func(T) error) error {
	return tx.eachCounted(prefix, func(key, val []byte) error {
		var v T
		if err := json.Unmarshal(val, &v); err != nil {
			return fmt.Errorf("decode %s: %w", kindOf(string(key)), err)
		}
		return fn(v)
	})
}

// kindOf names a key's record kind for error messages without echoing ids.
func kindOf(key string) string {
	for i := range len(key) {
		if key[i] == '/' {
			return key[:i]
		}
	}
	return key
}

func badgerIterOpts(prefix string) badger.IteratorOptions {
	return badger.IteratorOptions{Prefix: []byte(prefix), PrefetchValues: true, PrefetchSize: 100}
}
