package storage

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"safeinvoice/internal/fsutil"
)

const (
	markerName   = "safeinvoice.json"
	markerFormat = "safeinvoice-vault/1"
	dbDir        = "db"
)

// Options tune a vault. The zero value is the product's setting.
type Options struct {
	// WorkFactor is the scrypt work factor (log2 N) for new key slots;
	// 0 means ProductWorkFactor. Tests use about 10.
	WorkFactor int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// GCInterval is how often value-log garbage collection runs; 0 means
	// ten minutes, a negative value turns the timer off.
	GCInterval time.Duration
	// Logf receives Badger's errors and warnings (background compaction,
	// for instance); nil drops them. Never given secrets.
	Logf func(format string, args ...any)
}

func (o Options) workFactor() int {
	if o.WorkFactor > 0 {
		return o.WorkFactor
	}
	return ProductWorkFactor
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// marker is the plain file that says "a complete vault lives here". It holds
// no secrets. It is written last at creation, so its absence beside a db
// folder means creation was interrupted.
type marker struct {
	Format  string    `json:"format"`
	VaultID string    `json:"vault_id"`
	Created time.Time `json:"created"`
}

// Vault is an open, unlocked vault. It is safe for concurrent use. The caller
// must Close it.
type Vault struct {
	dir      string
	id       string
	opts     Options
	db       *badger.DB
	lock     *dirLock
	key      []byte
	auditKey []byte

	stopGC  chan struct{}
	gcDone  chan struct{}
	mu      sync.Mutex // guards closed
	closed  bool
	writeMu sync.Mutex // serialises Update
}

// Exists reports whether dir holds a complete vault.
func Exists(dir string) bool {
	_, err := readMarker(dir)
	return err == nil
}

// VaultID returns the id of the vault in dir without unlocking it.
func VaultID(dir string) (string, error) {
	m, err := readMarker(dir)
	if err != nil {
		return "", err
	}
	return m.VaultID, nil
}

func readMarker(dir string) (marker, error) {
	data, err := os.ReadFile(filepath.Join(dir, markerName))
	if errors.Is(err, fs.ErrNotExist) {
		if _, derr := os.Stat(filepath.Join(dir, dbDir)); derr == nil {
			return marker{}, fmt.Errorf("%s: %w", dir, ErrIncomplete)
		}
		return marker{}, fmt.Errorf("%s: %w", dir, ErrNoVault)
	}
	if err != nil {
		return marker{}, fmt.Errorf("read vault marker: %w", err)
	}
	var m marker
	if err := json.Unmarshal(data, &m); err != nil || m.Format != markerFormat || m.VaultID == "" {
		return marker{}, fmt.Errorf("%s: %s is not a SafeInvoice vault marker: %w", dir, markerName, ErrNoVault)
	}
	return m, nil
}

// NewMasterKey returns a fresh random master key.
func NewMasterKey() ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate master key: %w", err)
	}
	return key, nil
}

// Create makes a new vault in dir (created if missing, which must otherwise
// hold no vault) with a fresh random master key and a first key slot for
// user, unlocked by password. The vault is returned open; the caller must
// Close it.
func Create(dir, user, password string, opts Options) (*Vault, error) {
	if err := checkSlotName(user); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			_ = lock.unlock()
		}
	}()
	if _, err := readMarker(dir); !errors.Is(err, ErrNoVault) {
		if err == nil {
			return nil, fmt.Errorf("%s: %w", dir, ErrVaultExists)
		}
		return nil, err
	}
	key, err := NewMasterKey()
	if err != nil {
		return nil, err
	}
	idBytes := make([]byte, 16)
	if _, err := rand.Read(idBytes); err != nil {
		return nil, fmt.Errorf("generate vault id: %w", err)
	}
	id := hex.EncodeToString(idBytes)
	v, err := openDB(dir, id, key, lock, opts)
	if err != nil {
		return nil, err
	}
	if err := v.initMeta(); err != nil {
		_ = v.Close()
		return nil, err
	}
	if err := writeSlot(dir, id, user, key, password, opts.workFactor(), opts.now()); err != nil {
		_ = v.Close()
		return nil, err
	}
	if err := writeMarker(dir, id, opts); err != nil {
		_ = v.Close()
		return nil, err
	}
	ok = true
	return v, nil
}

// writeMarker writes the file that makes dir a complete vault; it is the
// last step of Create and Restore.
func writeMarker(dir, id string, opts Options) error {
	data, err := json.MarshalIndent(marker{Format: markerFormat, VaultID: id, Created: opts.now().UTC()}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode vault marker: %w", err)
	}
	if err := fsutil.WriteBytes(filepath.Join(dir, markerName), append(data, '\n'), 0o600, true); err != nil {
		return fmt.Errorf("write vault marker: %w", err)
	}
	return nil
}

// Unlock opens the vault in dir for user with password. It fails with
// ErrAlreadyOpen before the slow key derivation when another process holds
// the vault, and with ErrNoVault, ErrNoSlot, ErrWrongPassword or
// ErrSlotDamaged (wrapped) as the case may be. The caller must Close the
// vault.
func Unlock(dir, user, password string, opts Options) (*Vault, error) {
	return open(dir, opts, func(id string) ([]byte, error) {
		return readSlot(dir, id, user, password)
	})
}

// Open opens the vault in dir with its master key, as a restore or a
// recovery does. The caller must Close the vault.
func Open(dir string, key []byte, opts Options) (*Vault, error) {
	return open(dir, opts, func(string) ([]byte, error) {
		return append([]byte(nil), key...), nil
	})
}

func open(dir string, opts Options, getKey func(vaultID string) ([]byte, error)) (*Vault, error) {
	m, err := readMarker(dir)
	if err != nil {
		return nil, err
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	key, err := getKey(m.VaultID)
	if err != nil {
		_ = lock.unlock()
		return nil, err
	}
	v, err := openDB(dir, m.VaultID, key, lock, opts)
	if err != nil {
		clear(key)
		_ = lock.unlock()
		return nil, err
	}
	if err := v.checkMeta(); err != nil {
		_ = v.Close()
		return nil, err
	}
	return v, nil
}

func badgerOptions(dir string, key []byte, logf func(string, ...any)) badger.Options {
	return badger.DefaultOptions(filepath.Join(dir, dbDir)).
		WithEncryptionKey(key).
		WithIndexCacheSize(16 << 20).
		WithBlockCacheSize(32 << 20).
		WithMemTableSize(32 << 20).
		WithSyncWrites(true).
		WithValueLogFileSize(16 << 20).
		WithNumVersionsToKeep(1).
		WithLogger(badgerLogger{logf: logf}).
		WithCompactL0OnClose(true)
}

func openDB(dir, id string, key []byte, lock *dirLock, opts Options) (*Vault, error) {
	db, err := badger.Open(badgerOptions(dir, key, opts.Logf))
	if err != nil {
		switch {
		case strings.Contains(err.Error(), "Cannot acquire directory lock"):
			return nil, fmt.Errorf("%s: %w", dir, ErrAlreadyOpen)
		case errors.Is(err, badger.ErrEncryptionKeyMismatch), strings.Contains(err.Error(), "Encryption key mismatch"):
			return nil, fmt.Errorf("%s: %w", dir, ErrWrongKey)
		}
		return nil, fmt.Errorf("open database: %w", err)
	}
	v := &Vault{
		dir:      dir,
		id:       id,
		opts:     opts,
		db:       db,
		lock:     lock,
		key:      key,
		auditKey: deriveAuditKey(key, id),
		stopGC:   make(chan struct{}),
		gcDone:   make(chan struct{}),
	}
	go v.gcLoop()
	return v, nil
}

// gcLoop reclaims value-log space on a timer until Close.
func (v *Vault) gcLoop() {
	defer close(v.gcDone)
	every := v.opts.GCInterval
	if every == 0 {
		every = 10 * time.Minute
	}
	if every < 0 {
		<-v.stopGC
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-v.stopGC:
			return
		case <-t.C:
			_ = v.RunGC()
		}
	}
}

// RunGC runs value-log garbage collection until there is nothing left to
// reclaim. It is also run on a timer while the vault is open.
func (v *Vault) RunGC() error {
	for {
		err := v.db.RunValueLogGC(0.5)
		if errors.Is(err, badger.ErrNoRewrite) || errors.Is(err, badger.ErrRejected) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("value-log garbage collection: %w", err)
		}
	}
}

// ID returns the vault's random identifier.
func (v *Vault) ID() string { return v.id }

// Dir returns the data directory.
func (v *Vault) Dir() string { return v.dir }

// Now returns the vault's clock reading.
func (v *Vault) Now() time.Time { return v.opts.now() }

// Close flushes and closes the database, releases the directory lock and
// zeroes the keys held in memory. Closing twice is harmless.
func (v *Vault) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return nil
	}
	v.closed = true
	close(v.stopGC)
	<-v.gcDone
	err := v.db.Close()
	if lerr := v.lock.unlock(); err == nil && lerr != nil {
		err = lerr
	}
	clear(v.key)
	clear(v.auditKey)
	if err != nil {
		return fmt.Errorf("close vault: %w", err)
	}
	return nil
}

// AddSlot writes (or rewrites) the key slot of user with password, so that
// user can unlock the vault. Changing a password rewrites just that slot.
func (v *Vault) AddSlot(user, password string) error {
	return writeSlot(v.dir, v.id, user, v.key, password, v.opts.workFactor(), v.opts.now())
}

// RemoveSlot deletes the key slot of user.
func (v *Vault) RemoveSlot(user string) error {
	return removeSlot(v.dir, user)
}

// badgerLogger drops Badger's informational chatter and passes its errors
// and warnings to Options.Logf.
type badgerLogger struct{ logf func(string, ...any) }

func (l badgerLogger) Errorf(f string, a ...any) {
	if l.logf != nil {
		l.logf("storage: error: "+f, a...)
	}
}

func (l badgerLogger) Warningf(f string, a ...any) {
	if l.logf != nil {
		l.logf("storage: warning: "+f, a...)
	}
}

func (badgerLogger) Infof(string, ...any)  {}
func (badgerLogger) Debugf(string, ...any) {}
