package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"safeinvoice/internal/fsutil"
)

// Snapshot describes one backup stream written by Vault.Backup: the
// versions it covers, what it holds and the audit position at that moment,
// all taken while writers were held off, so they agree with the stream.
type Snapshot struct {
	// Since is the version the stream starts after (0: a full backup).
	Since uint64
	// Until is the last version included, the since of the next
	// incremental backup. With no changes, Until equals Since.
	Until uint64
	// Counts is the number of live records of each kind ("invoice",
	// "client", "user", "audit", …) in the vault at that moment.
	Counts map[string]int
	// Audit is the audit chain's head at that moment.
	Audit AuditCheckpoint
}

// RestoreKit is what a backup must carry so that a restore rebuilds this
// vault exactly: its id, its master key and every user's key files (Slots
// maps "NAME.slot" and "NAME.key" to their contents), so that each user logs
// in with the password they had at backup time. It is secret: it must only
// ever be stored encrypted.
//
// Secrets holds the stored values of the vault's secret records (the
// recovery key, the audit and record MAC secrets), which backup streams
// leave out: the stream is readable by a backup's extra recipients (an
// accountant's key), who get the books but nothing that opens the vault.
type RestoreKit struct {
	VaultID string            `json:"vault_id"`
	Key     []byte            `json:"key"`
	Slots   map[string][]byte `json:"slots"`
	Secrets map[string][]byte `json:"secrets,omitempty"`
}

// prefixSecret is the prefix of the secret records.
const prefixSecret = "secret/"

func isSecret(key []byte) bool { return bytes.HasPrefix(key, []byte(prefixSecret)) }

// Backup writes a Badger backup stream (writeBackupStream) of every
// version after since to w: the whole vault for since 0, the changes since
// an earlier backup (pass its Until) otherwise, without the vault's secrets
// (secret/…), which the restore kit carries. (Badger's own documentation
// says "since+1"; its iterator in fact skips versions ≤ since, which a test
// pins down.)
// Writers wait while it runs, so the returned Snapshot matches the stream.
func (v *Vault) Backup(w io.Writer, since uint64) (Snapshot, error) {
	if err := v.checkOpen(); err != nil {
		return Snapshot{}, err
	}
	v.writeMu.Lock()
	defer v.writeMu.Unlock()
	snap := Snapshot{Since: since}
	err := v.View(func(tx *Tx) error {
		var err error
		if snap.Audit, err = tx.AuditCheckpoint(); err != nil {
			return err
		}
		snap.Counts, err = tx.counters()
		return err
	})
	if err != nil {
		return Snapshot{}, err
	}
	v.dbMu.RLock()
	// The vault's secrets travel in the restore kit, not in the stream,
	// which a backup's extra recipients can read (see RestoreKit).
	until, err := writeBackupStream(v.db, w, since, func(key []byte) bool { return !isSecret(key) }, streamBatch)
	v.dbMu.RUnlock()
	if err != nil {
		return Snapshot{}, fmt.Errorf("backup stream: %w", err)
	}
	if until < since {
		until = since // nothing changed
	}
	snap.Until = until
	return snap, nil
}

// counts tallies the live records by kind (the part of the key before '/').
func (tx *Tx) counts() (map[string]int, error) {
	c := map[string]int{}
	it := tx.txn.NewIterator(badger.IteratorOptions{PrefetchValues: false})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if k := string(it.Item().Key()); !isBookkeeping(k) {
			c[kindOf(k)]++
		}
	}
	return c, nil
}

// Counts returns the number of live records of each kind, counted by a scan
// of the whole vault (the ground truth a restore checks the backup's kept
// counters against).
func (v *Vault) Counts() (map[string]int, error) {
	var c map[string]int
	err := v.View(func(tx *Tx) error {
		var err error
		c, err = tx.counts()
		return err
	})
	return c, err
}

// StreamEstimate guesses the size of a full backup stream without writing
// one: the keys and values of the live records, read from the key index
// without loading the values, plus Badger's framing per record.
func (v *Vault) StreamEstimate() (int64, error) {
	var n int64
	err := v.View(func(tx *Tx) error {
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false
		it := tx.txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n += it.Item().EstimatedSize() + streamFraming
		}
		return nil
	})
	return n, err
}

// streamFraming is the bytes a backup stream adds per record (version,
// meta, protobuf tags and lengths), measured by the app's estimate test.
const streamFraming = 16

// RestoreKit returns the secrets a backup must carry; see RestoreKit.
func (v *Vault) RestoreKit() (RestoreKit, error) {
	if err := v.checkOpen(); err != nil {
		return RestoreKit{}, err
	}
	users, err := SlotUsers(v.dir)
	if err != nil {
		return RestoreKit{}, err
	}
	v.writeMu.Lock() // no rotation or password change while reading
	defer v.writeMu.Unlock()
	kit := RestoreKit{VaultID: v.id, Key: append([]byte(nil), v.key...), Slots: map[string][]byte{}, Secrets: map[string][]byte{}}
	v.dbMu.RLock()
	err = v.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefixSecret), PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			val, err := it.Item().ValueCopy(nil)
			if err != nil {
				return readError(string(it.Item().Key()), err)
			}
			kit.Secrets[string(it.Item().KeyCopy(nil))] = val
		}
		return nil
	})
	v.dbMu.RUnlock()
	if err != nil {
		return RestoreKit{}, fmt.Errorf("read the secrets for the restore kit: %w", err)
	}
	for _, u := range users {
		for _, p := range []string{slotPath(v.dir, u), keyPath(v.dir, u)} {
			data, err := os.ReadFile(p)
			if err != nil {
				return RestoreKit{}, fmt.Errorf("read key files of %s: %w", u, err)
			}
			kit.Slots[filepath.Base(p)] = data
		}
	}
	return kit, nil
}

// Restore builds a vault in dir, which must not exist or be empty, from a
// full backup stream followed by any incremental ones, in order, and the
// kit saved with them. The marker that makes the vault usable is written
// last: until Restore returns nil, dir is not a vault. The result is opened
// with the kit's key, so its audit chain can be verified before it is put
// in place of anything. The caller must Close the returned vault: until
// then its writes are not synced one by one (a restore loads hundreds of
// megabytes), and Close makes them durable.
func Restore(dir string, kit RestoreKit, opts Options, streams ...io.Reader) (*Vault, error) {
	if len(kit.Key) != KeySize || kit.VaultID == "" {
		return nil, errors.New("restore: the backup's key material is incomplete")
	}
	if len(streams) == 0 {
		return nil, errors.New("restore: no backup stream")
	}
	if err := ensureEmptyDir(dir); err != nil {
		return nil, err
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	key := append([]byte(nil), kit.Key...)
	opts.bulkLoad = true
	v, err := openDB(dir, kit.VaultID, key, lock, opts)
	if err != nil {
		_ = lock.unlock()
		return nil, err
	}
	for i, r := range streams {
		if err := v.db.Load(r, 256); err != nil {
			_ = v.Close()
			return nil, fmt.Errorf("restore: load backup stream %d: %w", i+1, err)
		}
	}
	if _, err := v.applyGone(); err != nil {
		_ = v.Close()
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := v.checkStreamVault(); err != nil {
		_ = v.Close()
		return nil, fmt.Errorf("restore: %w", err)
	}
	if len(kit.Secrets) > 0 {
		err := v.db.Update(func(txn *badger.Txn) error {
			for k, val := range kit.Secrets {
				if !isSecret([]byte(k)) {
					return fmt.Errorf("the backup's kit names %q among the secrets", kindOf(k))
				}
				if err := txn.Set([]byte(k), val); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			_ = v.Close()
			return nil, fmt.Errorf("restore: the secrets: %w", err)
		}
	}
	if err := v.loadRecordKey(); err != nil {
		_ = v.Close()
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := v.checkMeta(); err != nil {
		_ = v.Close()
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := v.loadAuditKey(); err != nil {
		_ = v.Close()
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, slotDir), 0o700); err != nil {
		_ = v.Close()
		return nil, fmt.Errorf("restore: %w", err)
	}
	for name, data := range kit.Slots {
		user, ext := strings.TrimSuffix(name, filepath.Ext(name)), filepath.Ext(name)
		if err := checkSlotName(user); err != nil || (ext != slotExt && ext != keyExt) {
			_ = v.Close()
			return nil, fmt.Errorf("restore: the backup names a key file %q", name)
		}
		if err := fsutil.WriteBytes(filepath.Join(dir, slotDir, name), data, 0o600, true); err != nil {
			_ = v.Close()
			return nil, fmt.Errorf("restore: key file of %s: %w", user, err)
		}
	}
	if err := writeMarker(dir, kit.VaultID, opts); err != nil {
		_ = v.Close()
		return nil, fmt.Errorf("restore: %w", err)
	}
	return v, nil
}

// checkStreamVault refuses streams of another vault than the kit's before
// the kit's secrets are added to them: the record MACs of such a stream
// do not verify under this vault's key, which would read as damage. The
// vault record's id is read without its MAC for this comparison only;
// checkMeta verifies it afterwards.
func (v *Vault) checkStreamVault() error {
	var raw []byte
	err := v.db.View(func(txn *badger.Txn) error {
		var err error
		raw, err = getStored(txn, keyMeta)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return nil // checkMeta says what is missing
	}
	if err != nil {
		return err
	}
	var m vaultMeta
	if json.Unmarshal(raw, &m) != nil && (len(raw) < macSize || json.Unmarshal(raw[:len(raw)-macSize], &m) != nil) {
		return nil // checkMeta reports the damage
	}
	if m.ID != v.id {
		return fmt.Errorf("the backup stream belongs to vault %s, not %s: %w", m.ID, v.id, ErrWrongKey)
	}
	return nil
}

// ensureEmptyDir creates dir, or accepts it if it exists and is empty.
func ensureEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("restore target: %w", err)
	}
	if len(entries) > 0 {
		names := make([]string, 0, 3)
		for _, e := range entries[:min(3, len(entries))] {
			names = append(names, e.Name())
		}
		return fmt.Errorf("restore target %s is not empty (%s…): %w", dir, strings.Join(names, ", "), fs.ErrExist)
	}
	return nil
}
