package storage

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Deleting a record also writes a mark under gone/KEY in the same
// transaction. An incremental backup stream carries a delete only as long
// as Badger keeps its tombstone, and compaction may drop a tombstone
// between a full backup and the next incremental one: restoring that chain
// would bring the deleted record back. The mark is an ordinary key, so
// every stream written after the delete carries it, and Restore deletes
// again each record that is older than its mark (see applyGone). A record
// written again under the same key is newer than its mark and stays. Marks
// are bookkeeping: they are neither counted nor listed.
const prefixGone = "gone/"

// isBookkeeping reports whether key is the vault's own bookkeeping (a
// counter, a delete mark, a staged change's marker or log) rather than a
// record.
func isBookkeeping(key string) bool {
	return isCounter(key) || strings.HasPrefix(key, prefixGone) || key == keyRecordSecret || key == keyMACMigration ||
		strings.HasPrefix(key, prefixStage) || strings.HasPrefix(key, prefixStageLog)
}

// markGone writes the delete mark of key.
func (tx *Tx) markGone(key string) error {
	if err := tx.txn.Set([]byte(prefixGone+key), nil); err != nil {
		return fmt.Errorf("mark %s deleted: %w", kindOf(key), err)
	}
	tx.writes++
	return nil
}

// applyGone deletes every record that a delete mark is newer than: a
// record whose tombstone was compacted away before an incremental backup
// and that came back with the streams. It returns how many it deleted.
// The counters need no change: the streams carry their final values.
func (v *Vault) applyGone() (int, error) {
	v.dbMu.RLock()
	defer v.dbMu.RUnlock()
	return applyGone(v.db)
}

// applyGone is Vault.applyGone on a database of its own.
func applyGone(db *badger.DB) (int, error) {
	var stale [][]byte
	err := db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefixGone)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			mark := it.Item()
			key := mark.Key()[len(prefixGone):]
			item, err := txn.Get(key)
			if errors.Is(err, badger.ErrKeyNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if item.Version() < mark.Version() {
				stale = append(stale, append([]byte(nil), key...))
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("read the delete marks: %w", err)
	}
	wb := db.NewWriteBatch()
	defer wb.Cancel()
	for _, k := range stale {
		if err := wb.Delete(k); err != nil {
			return 0, fmt.Errorf("delete a record deleted before the backup: %w", err)
		}
	}
	if err := wb.Flush(); err != nil {
		return 0, fmt.Errorf("delete the records deleted before the backup: %w", err)
	}
	return len(stale), nil
}
