package storage

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Authenticated records.
//
// Badger encrypts every file with AES-CTR, which keeps the books secret but
// does not authenticate them: a bit flipped in a data file flips the same
// bit of a value, and a checksum without a key can be recomputed by whoever
// flipped it. So every value the vault stores ends in a MAC that binds it
// to its key:
//
//	value = payload ‖ HMAC-SHA-256(recordKey, uvarint(len(key)) ‖ key ‖ payload)[:16]
//
// and every read checks it. A value that fails is a *DamagedError
// (errors.Is ErrDamaged) naming the record; it is never decoded. A value
// moved to another key fails too.
//
// recordKey is HKDF-SHA-256 of the vault's record secret (32 random bytes
// at secret/record_mac, stored with a SHA-256 check of its own), salted
// with the vault id. Like the audit secret it is independent of the master
// key, so that a master-key rotation leaves every record valid, and it is
// only ever stored inside the encrypted database.
//
// Two kinds of keys carry no MAC: the record secret itself, and the delete
// marks under gone/, whose values are empty and never read (only their
// existence and version count).
//
// A vault made before records were authenticated has no record secret. It
// is read and written as it is (Open, as a restore does) until its first
// Unlock authenticates every record (migrateRecords), in chunks, resumable
// after a crash: meta/mac_migration holds the last key done, and keys up
// to it carry MACs while the rest do not yet.
const (
	keyRecordSecret = "secret/record_mac"
	keyMACMigration = "meta/mac_migration"
	// recordsFormat is vaultMeta.Records of a vault whose records are
	// authenticated.
	recordsFormat = "hmac-sha256-128/1"
	// macSize is the tag's length: HMAC-SHA-256 truncated to 128 bits,
	// as RFC 2104 allows, which no one can forge without the key and
	// which keeps 100,000 invoices' summaries small enough to load fast.
	macSize    = 16
	secretSize = 32
)

// exemptFromMAC reports whether key's value is stored without a MAC.
func exemptFromMAC(key string) bool {
	return key == keyRecordSecret || strings.HasPrefix(key, prefixGone)
}

// recordMAC holds the record key and a pool of HMAC states.
type recordMAC struct {
	pool chan hash.Hash
	key  []byte
	// migrating is set while an interrupted migration is pending: keys up
	// to cursor carry MACs, later ones not yet.
	migrating bool
	cursor    string
}

func newRecordMAC(secret []byte, vaultID string) *recordMAC {
	k, err := hkdf.Key(sha256.New, secret, []byte(vaultID), "safeinvoice record mac v1", 32)
	if err != nil {
		panic(err) // only for lengths beyond HKDF's limit; 32 is fine
	}
	return &recordMAC{key: k, pool: make(chan hash.Hash, 8)}
}

// authenticates reports whether the value at key carries a MAC.
func (m *recordMAC) authenticates(key string) bool {
	if m == nil || exemptFromMAC(key) {
		return false
	}
	return key == keyMACMigration || !m.migrating || key <= m.cursor
}

// tag computes the MAC of payload at key into dst.
func (m *recordMAC) tag(dst []byte, key string, payload []byte) []byte {
	var h hash.Hash
	select {
	case h = <-m.pool:
		h.Reset()
	default:
		h = hmac.New(sha256.New, m.key)
	}
	var n [binary.MaxVarintLen64]byte
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(key)))])
	h.Write([]byte(key))
	h.Write(payload)
	var sum [sha256.Size]byte
	dst = append(dst, h.Sum(sum[:0])[:macSize]...)
	select {
	case m.pool <- h:
	default:
	}
	return dst
}

// sealed returns payload ‖ MAC, in a new slice.
func (m *recordMAC) sealed(key string, payload []byte) []byte {
	out := make([]byte, len(payload), len(payload)+macSize)
	copy(out, payload)
	return m.tag(out, key, payload)
}

// seal returns the value to store for payload at key.
func (m *recordMAC) seal(key string, payload []byte) []byte {
	if !m.authenticates(key) {
		return payload
	}
	return m.sealed(key, payload)
}

// open checks the value stored at key and returns its payload, which
// aliases val.
func (m *recordMAC) open(key string, val []byte) ([]byte, error) {
	if !m.authenticates(key) {
		return val, nil
	}
	if len(val) < macSize {
		return nil, recordDamaged(key, "too short to carry its integrity tag")
	}
	payload, got := val[:len(val)-macSize], val[len(val)-macSize:]
	var buf [macSize]byte
	if !hmac.Equal(got, m.tag(buf[:0], key, payload)) {
		return nil, recordDamaged(key, "its integrity tag does not match")
	}
	return payload, nil
}

// secretValue is how the record secret is stored: the secret and a SHA-256
// check binding it to the vault id, so that a damaged secret is told from
// records that all fail.
func secretValue(secret []byte, vaultID string) []byte {
	sum := sha256.Sum256(append(append([]byte("safeinvoice record secret v1\x00"), vaultID...), secret...))
	return append(append([]byte(nil), secret...), sum[:]...)
}

// newRecordSecret returns a fresh record secret.
func newRecordSecret() ([]byte, error) {
	s := make([]byte, secretSize)
	if _, err := rand.Read(s); err != nil {
		return nil, fmt.Errorf("generate record key: %w", err)
	}
	return s, nil
}

// loadRecordKey reads the record secret and the migration cursor. A vault
// without a secret predates authenticated records and is left as it is
// (v.macs nil).
func (v *Vault) loadRecordKey() error {
	return v.db.View(func(txn *badger.Txn) error {
		val, err := getStored(txn, keyRecordSecret)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if len(val) != 2*secretSize || !bytes.Equal(val, secretValue(val[:secretSize], v.id)) {
			if other := peekVaultID(txn); other != "" && other != v.id {
				return fmt.Errorf("%s: the database belongs to vault %s, not %s: %w", v.dir, other, v.id, ErrWrongKey)
			}
			return recordDamaged(keyRecordSecret, "the record key does not match its check")
		}
		m := newRecordMAC(val[:secretSize], v.id)
		cur, err := getStored(txn, keyMACMigration)
		if err == nil {
			payload, err := m.open(keyMACMigration, cur)
			if err != nil {
				return err
			}
			m.migrating, m.cursor = true, string(payload)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		v.macs = m
		return nil
	})
}

// peekVaultID reads the vault id from the vault record without checking
// its MAC, only to tell a database of another vault from a damaged one;
// nothing else is trusted from it.
func peekVaultID(txn *badger.Txn) string {
	val, err := getStored(txn, keyMeta)
	if err != nil || len(val) < macSize {
		return ""
	}
	var m vaultMeta
	if json.Unmarshal(val[:len(val)-macSize], &m) != nil {
		return ""
	}
	return m.ID
}

// getStored returns a copy of the value stored at key, as stored.
func getStored(txn *badger.Txn, key string) ([]byte, error) {
	item, err := txn.Get([]byte(key))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, readError(key, err)
	}
	val, err := item.ValueCopy(nil)
	if err != nil {
		return nil, readError(key, err)
	}
	return val, nil
}

// migrateChunk bounds one transaction of migrateRecords, in records and
// in bytes (Badger takes about 1.2 MB per transaction here).
const (
	migrateChunk      = 500
	migrateChunkBytes = 512 << 10
)

// migrateRecords gives every record of a vault that predates
// authenticated records its MAC, then records the format and audits it on
// behalf of actor. Crash-safe and resumable: the secret and the cursor are
// written first, every chunk advances the cursor in its own transaction,
// and the last transaction removes the cursor, updates the vault record
// and appends the audit entry together. Writers wait while it runs.
func (v *Vault) migrateRecords(actor string) (migrated int, err error) {
	if v.macs != nil && !v.macs.migrating {
		return 0, nil
	}
	// The migration writes every record again.
	if size, err := dirSize(filepath.Join(v.dir, dbDir)); err == nil {
		if err := v.NeedSpace(uint64(size), "authenticating the records"); err != nil {
			return 0, err
		}
	}
	migrated, err = v.migrateChunks()
	if err != nil {
		return migrated, fmt.Errorf("authenticate the records: %w", err)
	}
	// The last step is an ordinary audited update: every key now carries
	// its MAC. If it fails, the cursor stays and the next unlock ends here.
	v.macs.migrating, v.macs.cursor = false, ""
	err = v.Update(actor, func(tx *Tx) error {
		m, err := getJSON[vaultMeta](tx, keyMeta)
		if err != nil {
			return err
		}
		m.Records = recordsFormat
		if err := putJSON(tx, keyMeta, m); err != nil {
			return err
		}
		if err := tx.txn.Delete([]byte(keyMACMigration)); err != nil {
			return err
		}
		return tx.Audit("vault.authenticate", "", fmt.Sprintf("%d records given an integrity tag", migrated))
	})
	if err != nil {
		return migrated, fmt.Errorf("authenticate the records: %w", err)
	}
	return migrated, nil
}

// migrateChunks writes the record secret and the cursor if they are not
// there yet, then seals every record after the cursor, chunk by chunk,
// holding writers off.
func (v *Vault) migrateChunks() (migrated int, err error) {
	v.writeMu.Lock()
	defer v.writeMu.Unlock()
	v.dbMu.RLock()
	defer v.dbMu.RUnlock()
	if v.macs == nil {
		secret, err := newRecordSecret()
		if err != nil {
			return 0, err
		}
		defer clear(secret)
		m := newRecordMAC(secret, v.id)
		m.migrating = true
		err = v.db.Update(func(txn *badger.Txn) error {
			if err := txn.Set([]byte(keyRecordSecret), secretValue(secret, v.id)); err != nil {
				return err
			}
			return txn.Set([]byte(keyMACMigration), m.sealed(keyMACMigration, nil))
		})
		if err != nil {
			return 0, err
		}
		v.macs = m
	}
	for {
		n, done, err := v.migrateChunk()
		migrated += n
		if err == nil && v.opts.migrateHook != nil {
			err = v.opts.migrateHook(migrated)
		}
		if err != nil || done {
			return migrated, err
		}
	}
}

// migrateChunk seals the next chunk of records after the cursor and moves
// the cursor past them, in one transaction.
func (v *Vault) migrateChunk() (n int, done bool, err error) {
	m := v.macs
	type kv struct {
		key string
		val []byte
	}
	var batch []kv
	size := 0
	err = v.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 100})
		defer it.Close()
		it.Seek([]byte(m.cursor))
		for ; it.Valid(); it.Next() {
			k := string(it.Item().Key())
			if k <= m.cursor || k == keyMACMigration || exemptFromMAC(k) {
				continue
			}
			if len(batch) == migrateChunk || size > migrateChunkBytes {
				return nil
			}
			val, err := it.Item().ValueCopy(nil)
			if err != nil {
				return readError(k, err)
			}
			batch = append(batch, kv{k, val})
			size += len(k) + len(val) + macSize
		}
		done = true
		return nil
	})
	if err != nil || len(batch) == 0 {
		return 0, done, err
	}
	last := batch[len(batch)-1].key
	err = v.db.Update(func(txn *badger.Txn) error {
		for _, r := range batch {
			if err := txn.Set([]byte(r.key), m.sealed(r.key, r.val)); err != nil {
				return err
			}
		}
		return txn.Set([]byte(keyMACMigration), m.sealed(keyMACMigration, []byte(last)))
	})
	if err != nil {
		return 0, false, err
	}
	m.cursor = last
	return len(batch), done, nil
}

// dirSize is the size of the files in dir.
func dirSize(dir string) (int64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
	}
	return n, nil
}
