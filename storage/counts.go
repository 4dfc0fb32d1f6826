package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Record counts per kind are kept up to date in every transaction, so that
// an incremental backup's manifest needs no scan of the whole vault. The
// counters live under count/KIND; count/ keys themselves are not counted.
// Vault.Counts still scans, which is how a restore checks the counters.
const (
	prefixCount  = "count/"
	keyCountDone = "count/.ready"
)

func isCounter(key string) bool { return strings.HasPrefix(key, prefixCount) }

// noteWrite records how a set (created) or delete (!created) of key changes
// its kind's count: only when the key's existence changes.
func (tx *Tx) noteWrite(key string, created bool) error {
	if isBookkeeping(key) {
		return nil
	}
	_, err := tx.txn.Get([]byte(key))
	existed := err == nil
	if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
		return fmt.Errorf("read %s: %w", kindOf(key), err)
	}
	if existed == created {
		return nil
	}
	if tx.countDelta == nil {
		tx.countDelta = map[string]int{}
	}
	if created {
		tx.countDelta[kindOf(key)]++
	} else {
		tx.countDelta[kindOf(key)]--
	}
	return nil
}

// applyCounts adds the transaction's deltas to the stored counters; update
// calls it just before committing.
func (tx *Tx) applyCounts() error {
	for kind, d := range tx.countDelta {
		if d == 0 {
			continue
		}
		n, err := tx.counter(kind)
		if err != nil {
			return err
		}
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(int64(n)+int64(d)))
		if err := tx.txn.Set([]byte(prefixCount+kind), tx.v.macs.seal(prefixCount+kind, b[:])); err != nil {
			return fmt.Errorf("write count of %s: %w", kind, err)
		}
	}
	return nil
}

func (tx *Tx) counter(kind string) (int, error) {
	raw, err := tx.getOptional(prefixCount + kind)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if len(raw) != 8 {
		return 0, fmt.Errorf("count of %s is damaged", kind)
	}
	return int(int64(binary.BigEndian.Uint64(raw))), nil
}

// counters returns the kept counts of every kind with records.
func (tx *Tx) counters() (map[string]int, error) {
	c := map[string]int{}
	err := tx.eachRaw(prefixCount, func(key, val []byte) error {
		k := string(key)
		if k == keyCountDone {
			return nil
		}
		if len(val) != 8 {
			return fmt.Errorf("count %s is damaged", k)
		}
		if n := int(int64(binary.BigEndian.Uint64(val))); n != 0 {
			c[strings.TrimPrefix(k, prefixCount)] = n
		}
		return nil
	})
	return c, err
}

// ensureCounters fills the counters by one scan in a vault that predates
// them (or whose counters were lost), then marks them ready. It is
// bookkeeping, not a change of records, so it is not audited.
func (v *Vault) ensureCounters() error {
	ready := false
	if err := v.View(func(tx *Tx) error {
		_, err := tx.getRaw(keyCountDone)
		ready = err == nil
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	}); err != nil || ready {
		return err
	}
	v.writeMu.Lock()
	defer v.writeMu.Unlock()
	v.dbMu.RLock()
	defer v.dbMu.RUnlock()
	return v.db.Update(func(txn *badger.Txn) error {
		tx := &Tx{v: v, txn: txn, write: true}
		c, err := tx.counts()
		if err != nil {
			return err
		}
		for kind, n := range c {
			var b [8]byte
			binary.BigEndian.PutUint64(b[:], uint64(n))
			if err := txn.Set([]byte(prefixCount+kind), v.macs.seal(prefixCount+kind, b[:])); err != nil {
				return err
			}
		}
		return txn.Set([]byte(keyCountDone), v.macs.seal(keyCountDone, []byte{1}))
	})
}

// Counters returns the number of live records of each kind with records
// ("invoice", "client", "user", "audit", …), from the counters every write
// keeps: no scan.
func (tx *Tx) Counters() (map[string]int, error) { return tx.counters() }
