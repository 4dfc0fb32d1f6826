package storage

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"filippo.io/age"
	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

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
	// BackgroundFileCheck leaves the verification of the tables'
	// checksums (see verifyFiles), which opening does otherwise, to the
	// first FileCheck: the window's first screen does not wait for it.
	// A record that is not found calls FileCheck first, so damage is still
	// reported as damage; walks are counted anyway.
	BackgroundFileCheck bool
	// migrateHook, when set (tests), is called after every chunk of
	// migrateRecords with the records done so far; an error stops the
	// migration there, as a crash would.
	migrateHook func(done int) error
	// legacyRecords (tests) creates a vault as it was before records
	// were authenticated.
	legacyRecords bool
	// bulkLoad, set by Restore only, opens the database without a sync
	// after every write: a restore loads a staging folder that is used
	// only once Close has made every write durable.
	bulkLoad bool
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
	// macs authenticates record values (nil in a vault that predates
	// authenticated records, until its first unlock).
	macs *recordMAC
	// The tables' checksums are verified once (FileCheck): fileCheck
	// when the vault was opened with open, fileChecked once done, with
	// filesErr what that found. fileMu guards them.
	fileMu      sync.Mutex
	fileCheck   bool
	fileChecked bool
	filesErr    error
	// user and identity are who unlocked the vault (none after Open with
	// a key), so that a password change rewrites just their .slot.
	user     string
	identity *age.X25519Identity
	// signer is the administrators' signing key, when the .slot that
	// unlocked the vault holds it.
	signer ed25519.PrivateKey
	// sealStatus is how the last session left the vault (Unlock only);
	// sealHead the audit head it left when that was SealOK.
	sealStatus SealStatus
	sealHead   AuditCheckpoint
	// discarded is what Unlock undid (undoUnfinished).
	discarded []Discarded

	stopGC  chan struct{}
	gcDone  chan struct{}
	mu      sync.Mutex // guards closed and broken
	closed  bool
	broken  bool         // a failed key rotation left no database open
	writeMu sync.Mutex   // serialises Update
	dbMu    sync.RWMutex // held for writing while RotateKey swaps db
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
func Create(dir, user, password string, signer ed25519.PrivateKey, opts Options) (*Vault, error) {
	if err := checkSlotName(user); err != nil {
		return nil, err
	}
	if err := fsutil.NeedSpace(dir, MinFreeSpace, "creating the books"); err != nil {
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
	ident, err := newUserSlot(dir, id, user, key, signer, password, opts.workFactor(), opts.now())
	if err != nil {
		_ = v.Close()
		return nil, err
	}
	v.user, v.identity, v.signer = user, ident, cloneKey(signer)
	if err := v.writeSeal(sealState{State: "open"}); err != nil {
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
// ErrSlotDamaged (wrapped) as the case may be. An interrupted master-key
// rotation is finished here. The caller must Close the vault.
func Unlock(dir, user, password string, opts Options) (*Vault, error) {
	var ident *age.X25519Identity
	var signer ed25519.PrivateKey
	nextOpened := false
	v, err := open(dir, opts, func(vaultID string) ([][]byte, error) {
		var err error
		if ident, signer, err = readSlot(dir, vaultID, user, password); err != nil {
			if errors.Is(err, ErrNoSlot) {
				spendSlotTime(dir, vaultID, password)
			}
			return nil, err
		}
		var keys [][]byte
		key, err := readUserKey(keyPath(dir, user), vaultID, user, ident)
		if key != nil {
			keys = append(keys, key)
		}
		// A rotation that stopped after rewriting Badger's key registry
		// left the new key in .key.new.
		if pending, perr := readUserKey(keyPath(dir, user)+".new", vaultID, user, ident); perr == nil {
			keys = append(keys, pending)
		}
		// A password change that stopped after writing the new .slot left
		// the .key of its new identity in .key.next.
		if next, perr := readUserKey(keyPath(dir, user)+nextKeyExt, vaultID, user, ident); perr == nil {
			keys = append(keys, next)
			nextOpened = true
		}
		if len(keys) == 0 {
			if errors.Is(err, ErrNoSlot) { // the .slot opened: no .key
				return nil, fmt.Errorf("user %q: %w", user, ErrSuspended)
			}
			return nil, err
		}
		return keys, nil
	})
	if err != nil {
		return nil, err
	}
	if err := settlePasswordChange(dir, user, nextOpened); err != nil {
		_ = v.Close()
		return nil, err
	}
	v.user, v.identity, v.signer = user, ident, signer
	if v.sealStatus, err = v.checkSeal(); err != nil {
		_ = v.Close()
		return nil, err
	}
	// After the seal is read: the migration rewrites every record, which
	// would otherwise look like a change made while the vault was closed.
	if _, err := v.migrateRecords(user); err != nil {
		_ = v.Close()
		return nil, err
	}
	if err := v.ensureCounters(); err != nil {
		_ = v.Close()
		return nil, err
	}
	if err := v.ensureSummaries(); err != nil {
		_ = v.Close()
		return nil, err
	}
	if err := v.undoUnfinished(user); err != nil {
		_ = v.Close()
		return nil, err
	}
	return v, nil
}

// SpendSlotTime spends the time that opening a key slot with password
// takes, for a name that has none, by trying it on another user's slot and
// forgetting the outcome: how long a failed login takes says nothing about
// whether the name has an account.
func SpendSlotTime(dir, password string) {
	m, err := readMarker(dir)
	if err != nil {
		return
	}
	spendSlotTime(dir, m.VaultID, password)
}

func spendSlotTime(dir, vaultID, password string) {
	users, err := SlotUsers(dir)
	if err != nil || len(users) == 0 {
		return
	}
	_, _, _ = readSlot(dir, vaultID, users[0], password) // only the time counts
}

// Open opens the vault in dir with its master key, as a restore or a
// recovery does. The caller must Close the vault.
func Open(dir string, key []byte, opts Options) (*Vault, error) {
	return open(dir, opts, func(string) ([][]byte, error) {
		return [][]byte{append([]byte(nil), key...)}, nil
	})
}

// open locks dir and opens its database with the first of the candidate
// keys that fits, then settles any interrupted key rotation.
func open(dir string, opts Options, getKeys func(vaultID string) ([][]byte, error)) (*Vault, error) {
	m, err := readMarker(dir)
	if err != nil {
		return nil, err
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	keys, err := getKeys(m.VaultID)
	if err != nil {
		_ = lock.unlock()
		return nil, err
	}
	var v *Vault
	used := -1
	for i, key := range keys {
		if v == nil {
			v, err = openDB(dir, m.VaultID, key, lock, opts)
			if err == nil {
				used = i
				continue
			}
			if !errors.Is(err, ErrWrongKey) {
				break
			}
		}
		if i != used {
			clear(key)
		}
	}
	if v == nil {
		_ = lock.unlock()
		return nil, err
	}
	if err := v.startFileCheck(); err != nil {
		_ = v.Close()
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if err := v.loadRecordKey(); err != nil {
		_ = v.Close()
		return nil, err
	}
	if err := v.checkMeta(); err != nil {
		_ = v.Close()
		return nil, err
	}
	if err := v.loadAuditKey(); err != nil {
		_ = v.Close()
		return nil, err
	}
	if err := settleRotation(dir, used > 0); err != nil {
		_ = v.Close()
		return nil, err
	}
	return v, nil
}

// MinFreeSpace is the free disk space the data folder's disk must have for
// the vault to open: Badger writes its memtables (2 × 8 MB) and value log
// (16 MB files) through memory maps of sparse files, and a write through a
// map that the disk cannot back kills the process (SIGBUS) instead of
// failing. With this much free, a full disk shows up as a write error
// (ErrDiskFull) first; the large writes (imports, restores, migrations,
// backups) check for their own size on top of it.
const MinFreeSpace = 64 << 20

// ErrDiskFull is fsutil.ErrDiskFull: too little free space for a write.
var ErrDiskFull = fsutil.ErrDiskFull

// NeedSpace returns an error wrapping ErrDiskFull, naming the data folder,
// unless its disk has extra bytes free beyond MinFreeSpace: what a large
// write (what) checks before it starts.
func (v *Vault) NeedSpace(extra uint64, what string) error {
	return fsutil.NeedSpace(v.dir, MinFreeSpace+extra, what)
}

func badgerOptions(dir string, key []byte, logf func(string, ...any), sync bool) badger.Options {
	mem := int64(8 << 20)
	if !sync {
		// A restore's bulk load: larger memtables flush and compact less
		// often (a 100k-invoice restore 5.2 s → 4.4 s), for 48 MB more
		// while it runs.
		mem = 32 << 20
	}
	return badger.DefaultOptions(filepath.Join(dir, dbDir)).
		WithEncryptionKey(key).
		// Sized for a desktop: 100,000 invoices open in well under 200 MB.
		// The memtable bounds a transaction to about 1.2 MB (15 %), which
		// import chunks respect.
		WithIndexCacheSize(8 << 20).
		WithBlockCacheSize(8 << 20).
		WithMemTableSize(mem).
		WithNumMemtables(2).
		WithSyncWrites(sync).
		WithValueLogFileSize(16 << 20).
		WithNumVersionsToKeep(1).
		WithLogger(badgerLogger{logf: logf}).
		// Block checksums are checked on every read, so that damage on
		// disk is found, not decoded. Not also when a table is opened:
		// Badger v4.9.6 then dereferences a nil block on a mismatch
		// (table.VerifyChecksum) and crashes the process, from one of its
		// own goroutines, where no error can be returned.
		WithChecksumVerificationMode(options.OnBlockRead).
		WithCompactL0OnClose(true)
}

// openBadger opens the database, naming the errors a person can act on.
func openBadger(dir string, key []byte, logf func(string, ...any), sync bool) (*badger.DB, error) {
	if err := removeEmptyLogs(filepath.Join(dir, dbDir), logf); err != nil {
		return nil, err
	}
	db, err := badger.Open(badgerOptions(dir, key, logf, sync))
	if err == nil {
		err = privateFiles(filepath.Join(dir, dbDir))
		if err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("open database: %w", err)
		}
		return db, nil
	}
	{
		switch {
		case strings.Contains(err.Error(), "Cannot acquire directory lock"):
			return nil, fmt.Errorf("%s: %w", dir, ErrAlreadyOpen)
		case errors.Is(err, badger.ErrEncryptionKeyMismatch), strings.Contains(err.Error(), "Encryption key mismatch"):
			return nil, fmt.Errorf("%s: %w", dir, ErrWrongKey)
		case errors.Is(err, fs.ErrPermission), errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EMFILE):
			// The machine, not the books.
		default:
			// Badger checks its manifest, key registry and log headers
			// when it opens them; what it cannot read is damage.
			return nil, fmt.Errorf("open database: %w", recordDamaged("the database files", err.Error()))
		}
		return nil, fmt.Errorf("open database: %w", err)
	}
}

// privateFiles takes the group's and others' permissions off every file in
// the database folder. Badger creates its files with mode 0644 (less the
// umask), and the folder's 0700 protects them only as long as nobody
// copies or re-permits the folder: the books' files are the user's alone.
// It runs when the vault opens, on the garbage-collection timer and when
// it closes, so the files Badger makes meanwhile are tightened too.
// Windows has no permission bits (os.Chmod there only sets the read-only
// attribute, and fails on a file Badger holds open): the files inherit the
// access list of the data folder, which under %LocalAppData% lets in only
// the user, the administrators and the system.
func privateFiles(dbdir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	entries, err := os.ReadDir(dbdir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // compacted away meanwhile
		}
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(filepath.Join(dbdir, e.Name()), info.Mode().Perm()&0o700); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

func openDB(dir, id string, key []byte, lock *dirLock, opts Options) (*Vault, error) {
	need := uint64(MinFreeSpace)
	if opts.bulkLoad {
		need += 2 * (32 - 8) << 20 // a restore's larger memtables
	}
	if err := fsutil.NeedSpace(dir, need, "opening the books"); err != nil {
		return nil, err
	}
	db, err := openBadger(dir, key, opts.Logf, !opts.bulkLoad)
	if err != nil {
		return nil, err
	}
	v := &Vault{
		dir:    dir,
		id:     id,
		opts:   opts,
		db:     db,
		lock:   lock,
		key:    key,
		stopGC: make(chan struct{}),
		gcDone: make(chan struct{}),
	}
	go v.gcLoop()
	return v, nil
}

// markBroken records that no database is open any more.
func (v *Vault) markBroken() {
	v.mu.Lock()
	v.broken = true
	v.mu.Unlock()
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
			if err := privateFiles(filepath.Join(v.dir, dbDir)); err != nil && v.opts.Logf != nil {
				v.opts.Logf("storage: %v", err)
			}
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
// zeroes the keys held in memory. Closing twice is harmless. Writes in
// flight finish first, and none starts between the seal and the close
// (they wait for the write lock Close holds, then find the vault closed),
// so that the seal describes exactly what the next unlock finds.
func (v *Vault) Close() error {
	v.writeMu.Lock()
	defer v.writeMu.Unlock()
	var sealErr error
	if v.checkOpen() == nil {
		// The garbage collector and the file check stop first, so that
		// nothing runs between the seal and the close.
		close(v.stopGC)
		<-v.gcDone
		v.fileMu.Lock() // waits for a check in progress; none starts later
		v.fileChecked = true
		v.fileMu.Unlock()
		if v.auditKey != nil {
			sealErr = v.closeSeal()
		}
	}
	v.dbMu.Lock() // wait for the reads in flight
	defer v.dbMu.Unlock()
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return nil
	}
	v.closed = true
	var err error
	if !v.broken {
		err = v.db.Close()
		if err == nil {
			err = privateFiles(filepath.Join(v.dir, dbDir))
		}
	}
	if lerr := v.lock.unlock(); err == nil && lerr != nil {
		err = lerr
	}
	clear(v.key)
	clear(v.signer)
	clear(v.auditKey)
	if err = errors.Join(err, sealErr); err != nil {
		return fmt.Errorf("close vault: %w", err)
	}
	return nil
}

// AddSlot gives user a fresh key slot (a new identity, its .key and its
// .slot) opened by password, replacing any earlier one. It is how users are
// added and how an administrator resets a password. signer is the
// administrators' signing key for an administrator's slot, nil for others.
func (v *Vault) AddSlot(user, password string, signer ed25519.PrivateKey) error {
	v.writeMu.Lock()
	defer v.writeMu.Unlock()
	_, err := newUserSlot(v.dir, v.id, user, v.key, signer, password, v.opts.workFactor(), v.opts.now())
	return err
}

// AddSuspendedSlot gives user a fresh identity opened by password, as
// AddSlot does, but no .key: a disabled account's password reset. It
// returns the identity's public key for GrantKey.
func (v *Vault) AddSuspendedSlot(user, password string, signer ed25519.PrivateKey) (string, error) {
	if err := checkSlotName(user); err != nil {
		return "", err
	}
	v.writeMu.Lock()
	defer v.writeMu.Unlock()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", fmt.Errorf("generate identity for %s: %w", user, err)
	}
	for _, p := range []string{keyPath(v.dir, user), keyPath(v.dir, user) + nextKeyExt} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("key file of %s: %w", user, err)
		}
	}
	if err := writeSlot(v.dir, v.id, user, id, signer, password, v.opts.workFactor(), v.opts.now()); err != nil {
		return "", err
	}
	return id.Recipient().String(), nil
}

// ChangePassword gives user a new identity opened by password: a copy of
// the old .slot, with the old password, opens nothing afterwards (the .key
// is sealed to the new identity only, and so are the keys of later
// rotations). It is crash-safe: the new .key is written as .key.next, then
// the new .slot replaces the old one (the commit point), then .key.next
// replaces the .key; Unlock settles a change that stopped in between.
func (v *Vault) ChangePassword(user, password string) error {
	if user != v.user || v.identity == nil {
		return v.AddSlot(user, password, nil)
	}
	v.writeMu.Lock()
	defer v.writeMu.Unlock()
	if err := checkSlotName(user); err != nil {
		return err
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return fmt.Errorf("generate identity for %s: %w", user, err)
	}
	next := keyPath(v.dir, user) + nextKeyExt
	if err := writeUserKey(next, v.id, user, id.Recipient().String(), v.key, v.opts.now()); err != nil {
		return err
	}
	if err := writeSlot(v.dir, v.id, user, id, v.signer, password, v.opts.workFactor(), v.opts.now()); err != nil {
		_ = os.Remove(next)
		return err
	}
	v.identity = id
	return settlePasswordChange(v.dir, user, true)
}

// nextKeyExt marks the .key of a password change's new identity until the
// change is settled.
const nextKeyExt = ".next"

// settlePasswordChange finishes (committed: the .slot is the new
// identity's, which opened .key.next) or discards a password change.
func settlePasswordChange(dir, user string, committed bool) error {
	next := keyPath(dir, user) + nextKeyExt
	if _, err := os.Stat(next); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if !committed {
		if err := os.Remove(next); err != nil {
			return fmt.Errorf("discard an unfinished password change: %w", err)
		}
		return fsutil.SyncDir(filepath.Join(dir, slotDir))
	}
	if err := fsutil.Rename(next, keyPath(dir, user)); err != nil {
		return fmt.Errorf("finish the password change of %s: %w", user, err)
	}
	return fsutil.SyncDir(filepath.Join(dir, slotDir))
}

// RemoveSlot deletes the key files of user. The master key they could open
// is still the vault's until RotateKey runs.
func (v *Vault) RemoveSlot(user string) error {
	v.writeMu.Lock()
	defer v.writeMu.Unlock()
	return removeSlot(v.dir, user)
}

// removeEmptyLogs deletes zero-length memtable (.mem) and value-log (.vlog)
// files. Badger creates such a file and only then sizes it; a process killed
// in between leaves an empty file that Badger v4.9.6 refuses at the next
// open ("while opening fid: N err: Create a new file"), locking the user
// out of their books. An empty log holds no data, acknowledged or not, so
// removing it is what Badger itself would do with an empty memtable. Our
// SIGKILL test found this.
func removeEmptyLogs(dbdir string, logf func(string, ...any)) error {
	entries, err := os.ReadDir(dbdir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	removed := false
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || (!strings.HasSuffix(name, ".mem") && !strings.HasSuffix(name, ".vlog")) {
			continue
		}
		info, err := e.Info()
		if err != nil || info.Size() != 0 {
			continue
		}
		if err := os.Remove(filepath.Join(dbdir, name)); err != nil {
			return fmt.Errorf("open database: remove empty log %s: %w", name, err)
		}
		removed = true
		if logf != nil {
			logf("storage: removed empty log file %s left by an interrupted start", name)
		}
	}
	if removed {
		return fsutil.SyncDir(dbdir)
	}
	return nil
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

// CheckPassword returns nil if password opens user's key slot, and
// ErrWrongPassword (wrapped) if not. It costs one key derivation.
func (v *Vault) CheckPassword(user, password string) error {
	_, _, err := readSlot(v.dir, v.id, user, password)
	return err
}
