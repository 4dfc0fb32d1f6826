package storage

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// A staged change is a change too large for one transaction (an import of
// 50,000 invoices) that must still be all or nothing. It is written in
// ordinary transactions, and each of them also writes a log of what it
// did: the keys it created and, for keys it overwrote (the numbering
// sequences), the value before. A marker, stage/ID, is written before the
// first of them and deleted by the transaction that commits the change.
// While a marker exists its change is unfinished: Discard, or the next
// Unlock after a crash, undoes it log by log, newest first, in
// transactions small enough to commit.
//
// An undo never takes away what someone else wrote in the meantime: a key
// is deleted or put back only while it still holds the value the staged
// change left in it (compared by hash). So a numbering sequence that
// another writer advanced after the import stays where it is, and no
// number can be handed out twice; the numbers only the import used are
// free again.
//
// The audit trail, alerts, counters and delete marks are never undone:
// the trail keeps the entries of the undone writes, followed by the
// entries of the undo. Staged transactions cannot delete records.
const (
	prefixStage    = "stage/"
	prefixStageLog = "stagelog/"
)

// ErrStagedDelete is returned by a delete inside a staged transaction,
// which could not be undone.
var ErrStagedDelete = errors.New("a staged change cannot delete records")

// Staged is an unfinished staged change; see Vault.Stage.
type Staged struct {
	v     *Vault
	id    string
	actor string
	logs  int // logs written so far
	ended bool
}

// stageMarker is the value of stage/ID.
type stageMarker struct {
	ID      string    `json:"id"`
	Actor   string    `json:"actor"`
	Kind    string    `json:"kind"`
	What    string    `json:"what"`
	Started time.Time `json:"started"`
}

// stageLog is the value of stagelog/ID/N: what one transaction did.
type stageLog struct {
	Created []stagedKey `json:"created,omitempty"`
	Changed []stagedKey `json:"changed,omitempty"`
}

// stagedKey is one key a staged transaction wrote: After is the hash of
// the value it left, Before (Changed only) the whole value it replaced.
type stagedKey struct {
	Key    string `json:"k"`
	After  []byte `json:"h"`
	Before []byte `json:"b,omitempty"`
}

// txStage is what one staged transaction has written so far.
type txStage struct {
	s     *Staged
	index map[string]int // key → position in created (>= 0) or changed (< 0: -1-i)
	log   stageLog
}

// Discarded tells what an undo removed.
type Discarded struct {
	What    string    // as given to Stage
	Actor   string    // who started it
	Started time.Time // when
	Removed int       // records deleted or put back
	// Kept counts records left as they were because they changed after
	// the staged change wrote them.
	Kept int
}

func (d Discarded) String() string {
	s := fmt.Sprintf("the unfinished %s started by %s at %s was undone: %d records removed",
		d.What, d.Actor, d.Started.UTC().Format("2006-01-02 15:04 MST"), d.Removed)
	if d.Kept > 0 {
		s += fmt.Sprintf(", %d kept because they changed since", d.Kept)
	}
	return s
}

func stageKey(id string) string           { return prefixStage + id }
func stageLogKey(id string, n int) string { return fmt.Sprintf("%s%s/%08d", prefixStageLog, id, n) }

// neverStaged reports whether writes to key are outside any staged change:
// the trail, alerts and the vault's bookkeeping.
func neverStaged(key string) bool {
	return isBookkeeping(key) || strings.HasPrefix(key, prefixAudit) || key == keyAuditHead ||
		strings.HasPrefix(key, prefixAlert) || key == prefixSeq+"alert" ||
		strings.HasPrefix(key, prefixStage) || strings.HasPrefix(key, prefixStageLog)
}

// Stage begins a staged change on behalf of actor. kind names it in the
// trail ("import": its entries are import.begin and, for an undo,
// import.rollback); what describes it for the trail and for the notice an
// undo leaves ("import of 20000 invoices"). Nothing of it is final before
// Commit.
func (v *Vault) Stage(actor, kind, what string) (*Staged, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("stage: %w", err)
	}
	s := &Staged{v: v, id: hex.EncodeToString(b[:]), actor: actor}
	m := stageMarker{ID: s.id, Actor: actor, Kind: kind, What: what, Started: v.opts.now().UTC()}
	err := v.Update(actor, func(tx *Tx) error {
		if err := putJSON(tx, stageKey(s.id), m); err != nil {
			return err
		}
		return tx.Audit(kind+".begin", "", what)
	})
	if err != nil {
		return nil, fmt.Errorf("stage %s: %w", what, err)
	}
	return s, nil
}

// Update runs fn as Vault.Update does, as one part of the staged change.
func (s *Staged) Update(fn func(tx *Tx) error) error {
	if s.ended {
		return errors.New("update of a staged change that was committed or discarded")
	}
	err := s.v.updateRetried(s.actor, s, fn)
	if err == nil {
		s.logs++
	}
	return err
}

// Commit makes the staged change final: fn (which may be nil) runs in the
// transaction that deletes the marker, so it commits with it, and must
// write an audit entry. An error means the change is not final (Discard
// it). The logs are removed after it; should that fail, Options.Logf is
// told and the next Unlock removes them.
func (s *Staged) Commit(fn func(tx *Tx) error) error {
	if s.ended {
		return errors.New("commit of a staged change that was committed or discarded")
	}
	err := s.v.Update(s.actor, func(tx *Tx) error {
		if err := tx.del(stageKey(s.id)); err != nil {
			return err
		}
		if fn == nil {
			return tx.Audit("stage.commit", "", s.id)
		}
		return fn(tx)
	})
	if err != nil {
		return err
	}
	s.ended = true
	if err := s.v.dropStageLogs(s.actor, s.id); err != nil && s.v.opts.Logf != nil {
		s.v.opts.Logf("storage: %v (the next unlock removes them)", err)
	}
	return nil
}

// Discard undoes the staged change; see the comment at the top of this
// file. cause is written into the trail. An error leaves the marker, so the
// next Unlock finishes the undo.
func (s *Staged) Discard(cause string) (Discarded, error) {
	if s.ended {
		return Discarded{}, errors.New("discard of a staged change that was committed or discarded")
	}
	d, err := s.v.undoStage(s.actor, s.id, cause)
	if err == nil {
		s.ended = true
	}
	return d, err
}

// Discarded returns what Unlock undid: staged changes that a crash or a
// failed undo left unfinished.
func (v *Vault) Discarded() []Discarded { return v.discarded }

// undoUnfinished undoes every staged change whose marker is still there
// and removes logs left without one, on behalf of actor (the user who
// unlocks).
func (v *Vault) undoUnfinished(actor string) error {
	var ids, orphans []string
	err := v.View(func(tx *Tx) error {
		if err := tx.eachRaw(prefixStage, func(key, _ []byte) error {
			ids = append(ids, strings.TrimPrefix(string(key), prefixStage))
			return nil
		}); err != nil {
			return err
		}
		seen := map[string]bool{}
		return tx.eachRaw(prefixStageLog, func(key, _ []byte) error {
			id, _, _ := strings.Cut(strings.TrimPrefix(string(key), prefixStageLog), "/")
			if !seen[id] {
				seen[id] = true
				if _, err := tx.getOptional(stageKey(id)); errors.Is(err, ErrNotFound) {
					orphans = append(orphans, id)
				} else if err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("read the unfinished changes: %w", err)
	}
	for _, id := range ids {
		d, err := v.undoStage(actor, id, "it was interrupted (SafeInvoice stopped before it finished)")
		if err != nil {
			return err
		}
		v.discarded = append(v.discarded, d)
	}
	for _, id := range orphans {
		if err := v.dropStageLogs(actor, id); err != nil {
			return err
		}
	}
	return nil
}

// undoBatch is how many logged keys one undo transaction handles at first;
// it halves when the transaction is too big.
const undoBatch = 1000

// undoStage undoes the staged change id, newest log first.
func (v *Vault) undoStage(actor, id, cause string) (Discarded, error) {
	var m stageMarker
	err := v.View(func(tx *Tx) error {
		var err error
		m, err = getJSON[stageMarker](tx, stageKey(id))
		return err
	})
	if err != nil {
		return Discarded{}, fmt.Errorf("undo an unfinished change: %w", err)
	}
	d := Discarded{What: m.What, Actor: m.Actor, Started: m.Started}
	fail := func(err error) (Discarded, error) {
		return d, fmt.Errorf("undo the unfinished %s: %w", m.What, err)
	}
	size := undoBatch
	for {
		var key string
		var log stageLog
		found := false
		err := v.View(func(tx *Tx) error {
			return tx.eachRawReverse(prefixStageLog+id+"/", func(k, val []byte) error {
				key, found = string(k), true
				if err := json.Unmarshal(val, &log); err != nil {
					return fmt.Errorf("decode the log of an unfinished change: %w", err)
				}
				return errStop
			})
		})
		if err != nil && !errors.Is(err, errStop) {
			return fail(err)
		}
		if !found {
			break
		}
		var removed, kept int
		err = v.Update(actor, func(tx *Tx) error {
			removed, kept = 0, 0
			rest := log
			n := 0
			// Newest first within the log too: changed keys, then created.
			for len(rest.Changed) > 0 && n < size {
				k := rest.Changed[len(rest.Changed)-1]
				ok, err := tx.holds(k)
				if err != nil {
					return err
				}
				if ok {
					if err := tx.set(k.Key, k.Before); err != nil {
						return err
					}
					removed++
				} else {
					kept++
				}
				rest.Changed = rest.Changed[:len(rest.Changed)-1]
				n++
			}
			for len(rest.Changed) == 0 && len(rest.Created) > 0 && n < size {
				k := rest.Created[len(rest.Created)-1]
				ok, err := tx.holds(k)
				if err != nil {
					return err
				}
				if ok {
					if err := tx.del(k.Key); err != nil {
						return err
					}
					removed++
				} else if _, err := tx.getOptional(k.Key); err == nil {
					kept++
				} else if !errors.Is(err, ErrNotFound) {
					return err
				}
				rest.Created = rest.Created[:len(rest.Created)-1]
				n++
			}
			if len(rest.Changed)+len(rest.Created) == 0 {
				if err := tx.del(key); err != nil {
					return err
				}
			} else if err := putJSON(tx, key, rest); err != nil {
				return err
			}
			return tx.Audit(m.Kind+".rollback", "", fmt.Sprintf("%d records of the unfinished %s undone because %s", removed, m.What, cause))
		})
		if errors.Is(err, ErrTooBig) && size > 1 {
			size /= 2
			continue
		}
		if err != nil {
			return fail(err)
		}
		d.Removed += removed
		d.Kept += kept
	}
	err = v.Update(actor, func(tx *Tx) error {
		if err := tx.del(stageKey(id)); err != nil {
			return err
		}
		return tx.Audit(m.Kind+".rollback", "", sentenceStart(d.String()))
	})
	if err != nil {
		return fail(err)
	}
	return d, nil
}

// dropStageLogs deletes the logs of a committed staged change.
func (v *Vault) dropStageLogs(actor, id string) error {
	for {
		var keys []string
		err := v.View(func(tx *Tx) error {
			return tx.eachRaw(prefixStageLog+id+"/", func(k, _ []byte) error {
				keys = append(keys, string(k))
				if len(keys) == undoBatch {
					return errStop
				}
				return nil
			})
		})
		if err != nil && !errors.Is(err, errStop) {
			return fmt.Errorf("remove the logs of a finished change: %w", err)
		}
		if len(keys) == 0 {
			return nil
		}
		err = v.Update(actor, func(tx *Tx) error {
			for _, k := range keys {
				if err := tx.del(k); err != nil {
					return err
				}
			}
			return tx.Audit("stage.cleanup", "", fmt.Sprintf("staging logs of a finished change removed: %d", len(keys)))
		})
		if err != nil {
			return fmt.Errorf("remove the logs of a finished change: %w", err)
		}
	}
}

func sentenceStart(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// errStop ends a walk early.
var errStop = errors.New("stop")

// holds reports whether key still holds the value a staged change left.
func (tx *Tx) holds(k stagedKey) (bool, error) {
	val, err := tx.getOptional(k.Key)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return bytes.Equal(stageHash(val), k.After), nil
}

func stageHash(val []byte) []byte {
	h := sha256.Sum256(val)
	return h[:16]
}

// stageWrite logs a write of key with value in a staged transaction.
func (tx *Tx) stageWrite(key string, value []byte) error {
	st := tx.stage
	if st == nil || neverStaged(key) {
		return nil
	}
	if i, ok := st.index[key]; ok {
		if i >= 0 {
			st.log.Created[i].After = stageHash(value)
		} else {
			st.log.Changed[-1-i].After = stageHash(value)
		}
		return nil
	}
	before, err := tx.getOptional(key)
	switch {
	case errors.Is(err, ErrNotFound):
		st.index[key] = len(st.log.Created)
		st.log.Created = append(st.log.Created, stagedKey{Key: key, After: stageHash(value)})
	case err != nil:
		return err
	default:
		st.index[key] = -1 - len(st.log.Changed)
		st.log.Changed = append(st.log.Changed, stagedKey{Key: key, After: stageHash(value), Before: before})
	}
	return nil
}

// writeStageLog writes the transaction's log, just before it commits.
func (tx *Tx) writeStageLog() error {
	st := tx.stage
	if st == nil || len(st.log.Created)+len(st.log.Changed) == 0 {
		return nil
	}
	return putJSON(tx, stageLogKey(st.s.id, st.s.logs), st.log)
}

// eachRawReverse is eachRaw in reverse key order.
func (tx *Tx) eachRawReverse(prefix string, fn func(key, val []byte) error) error {
	opts := badgerIterOpts(prefix)
	opts.Reverse = true
	it := tx.txn.NewIterator(opts)
	defer it.Close()
	it.Seek(append([]byte(prefix), 0xff))
	_, err := tx.walk(it, fn)
	return err
}
