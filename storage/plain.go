package storage

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"
)

// RestorePlain loads backup streams, a full one followed by its
// incremental ones in order, into a plain Badger database in dir/db (dir
// must not exist or be empty), and returns its records per kind: by hand,
// `age -d` and `badger restore` give the same. It is how one of a backup's
// extra recipients, who may read the books but holds none of SafeInvoice's
// keys, gets at them. The database is not encrypted and is no vault: no
// marker, no key slots, no secrets; each value is the record's payload
// (JSON for most kinds) followed by the 16-byte MAC that only the vault's
// record secret verifies. Records deleted before the backup are deleted
// again, as Restore does.
func RestorePlain(dir string, streams ...io.Reader) (map[string]int, error) {
	if len(streams) == 0 {
		return nil, errors.New("restore: no backup stream")
	}
	if err := ensureEmptyDir(dir); err != nil {
		return nil, err
	}
	dbdir := filepath.Join(dir, dbDir)
	db, err := badger.Open(badger.DefaultOptions(dbdir).WithLogger(nil))
	if err != nil {
		return nil, fmt.Errorf("restore: create the database: %w", err)
	}
	closeDB := func(err error) error {
		cerr := db.Close()
		if err == nil && cerr != nil {
			err = fmt.Errorf("restore: close the database: %w", cerr)
		}
		if err == nil {
			err = privateFiles(dbdir)
		}
		return err
	}
	for i, r := range streams {
		if err := db.Load(r, 256); err != nil {
			return nil, closeDB(fmt.Errorf("restore: load backup stream %d: %w", i+1, err))
		}
	}
	if _, err := applyGone(db); err != nil {
		return nil, closeDB(fmt.Errorf("restore: %w", err))
	}
	counts := map[string]int{}
	err = db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if k := string(it.Item().Key()); !isBookkeeping(k) {
				counts[kindOf(k)]++
			}
		}
		return nil
	})
	return counts, closeDB(err)
}
