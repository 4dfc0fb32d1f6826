package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"filippo.io/age"

	"safeinvoice/internal/fsutil"
)

// File is the part of *os.File that writing a backup uses.
type File interface {
	io.Writer
	Name() string
	Sync() error
	Close() error
}

// FS is the file system a backup is written through. OSFS is the real one;
// tests substitute one that fails (a full disk) to prove that no partial
// backup is left behind.
type FS interface {
	// CreateTemp creates a new temporary file in dir, as os.CreateTemp.
	CreateTemp(dir, pattern string) (File, error)
	// Rename moves a file, replacing one at newpath, as fsutil.Rename.
	Rename(oldpath, newpath string) error
	// Remove and Lstat are those of package os.
	Remove(name string) error
	Lstat(name string) (fs.FileInfo, error)
	// SyncDir flushes a folder's entries to disk.
	SyncDir(dir string) error
}

// OSFS is the operating system's file system.
type OSFS struct{}

// CreateTemp implements FS.
func (OSFS) CreateTemp(dir, pattern string) (File, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Rename implements FS with fsutil.Rename: on Windows the rename is
// written through and waits for a file another program holds for a moment.
func (OSFS) Rename(oldpath, newpath string) error { return fsutil.Rename(oldpath, newpath) }

// Remove implements FS.
func (OSFS) Remove(name string) error { return os.Remove(name) }

// Lstat implements FS.
func (OSFS) Lstat(name string) (fs.FileInfo, error) { return os.Lstat(name) }

// SyncDir implements FS.
func (OSFS) SyncDir(dir string) error { return fsutil.SyncDir(dir) }

// StreamFunc writes the vault's backup stream of every version after since
// to w and describes what it wrote.
type StreamFunc func(w io.Writer, since uint64) (Snapshot, error)

// Params are what Write needs besides the folder and the stream.
type Params struct {
	// Key is the vault's recovery key: the backup is encrypted to its
	// recipient, and its manifest tagged with it.
	Key RecoveryKey
	// Extra are further age X25519 recipients ("age1…") that can decrypt
	// the backup, such as an accountant's or an offline key.
	Extra []string
	// VaultID identifies the vault; Kit is its restore kit.
	VaultID string
	Kit     Kit
	// Parent is the manifest of the backup this one follows; nil makes a
	// full backup.
	Parent *Manifest
	// Now is the creation time; the zero value means time.Now.
	Now time.Time
	// FS is the file system; nil means OSFS.
	FS FS
	// Progress, if set, is told how many bytes of the stream are written,
	// of Estimate (0: unknown), the caller's guess of the stream's size.
	Progress Progress
	Estimate int64
}

// Write makes one backup in dir, which must exist (it is never created, so
// that an unplugged drive's empty mount point is not filled instead): the
// stream, age-encrypted, in a data file and its manifest beside it. Each is
// written to a temporary file in dir, synced, closed and renamed to its
// final name, and the folder is synced; the manifest is published last, so
// the backup is listed only once it is complete. On error nothing is left
// behind under a backup name (a removed drive may prevent removing the
// temporary file; List never shows one) and the error names the folder,
// wrapping ErrFolderFull or ErrFolderMissing where that is the cause.
// Write returns the new backup and its manifest. Once ctx is done the
// stream is stopped, nothing is left behind and the error wraps ctx.Err().
func Write(ctx context.Context, dir string, p Params, stream StreamFunc) (Entry, Manifest, error) {
	meter := newMeter(ctx, p.Progress)
	if err := meter.err(); err != nil {
		return Entry{}, Manifest{}, fmt.Errorf("the backup was cancelled: %w", err)
	}
	fsys := p.FS
	if fsys == nil {
		fsys = OSFS{}
	}
	now := p.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Millisecond)
	if p.VaultID == "" || p.Kit.VaultID != p.VaultID {
		return Entry{}, Manifest{}, errors.New("backup: vault id and restore kit disagree")
	}
	rcpts, rnames, err := recipients(p.Key, p.Extra)
	if err != nil {
		return Entry{}, Manifest{}, err
	}
	if st, err := os.Stat(dir); err != nil {
		return Entry{}, Manifest{}, folderError(dir, err)
	} else if !st.IsDir() {
		return Entry{}, Manifest{}, fmt.Errorf("backup folder %s is not a folder", dir)
	}
	m := Manifest{Format: FormatVersion, VaultID: p.VaultID, Created: now, Kind: Full,
		Recipients: rnames, Kit: p.Kit}
	if p.Parent != nil {
		if p.Parent.VaultID != p.VaultID {
			return Entry{}, Manifest{}, errors.New("backup: the parent backup is of another vault")
		}
		m.Kind, m.Since = Incremental, p.Parent.Until
		m.Parent, m.ParentSHA256 = p.Parent.Data, p.Parent.StreamSHA256
		if !now.After(p.Parent.Created) {
			// The clock went back (or is frozen): a child is always
			// newer than its parent, by name and by time.
			now = p.Parent.Created.Add(time.Millisecond)
		}
	}

	tmp, err := writeTemp(fsys, dir, func(w io.Writer) error {
		enc, err := age.Encrypt(w, rcpts...)
		if err != nil {
			return fmt.Errorf("encrypt: %w", err)
		}
		// The hash sees the stream's batches whole, so that it can
		// hash each while the meter passes it on to be encrypted.
		hw := &hashWriter{w: &meterWriter{w: enc, m: meter}, h: sha256.New()}
		meter.setTotal(p.Estimate)
		snap, err := stream(hw, m.Since)
		if cerr := meter.err(); cerr != nil {
			return cerr
		}
		if err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
		if snap.Since != m.Since || snap.Until < snap.Since {
			return fmt.Errorf("backup: the stream covers versions %d..%d, expected after %d", snap.Since, snap.Until, m.Since)
		}
		m.Until, m.Counts, m.Audit, m.Signed = snap.Until, snap.Counts, snap.Audit, snap.Signed
		m.StreamSHA256, m.StreamSize = hex.EncodeToString(hw.h.Sum(nil)), hw.n
		return nil
	})
	if cerr := meter.err(); err != nil && cerr != nil {
		return Entry{}, Manifest{}, fmt.Errorf("the backup was cancelled; nothing was kept: %w", cerr)
	}
	if err != nil {
		return Entry{}, Manifest{}, err
	}
	// Publish the data file under a name nobody uses yet (two backups in
	// one millisecond get consecutive times).
	var name string
	for i := 0; ; i++ {
		m.Created = now.Add(time.Duration(i) * time.Millisecond)
		name = dataName(m.Created, m.Kind, p.VaultID)
		_, err := fsys.Lstat(filepath.Join(dir, name))
		_, merr := fsys.Lstat(filepath.Join(dir, ManifestName(name)))
		if errors.Is(err, fs.ErrNotExist) && errors.Is(merr, fs.ErrNotExist) {
			break
		}
		if i == 100 {
			_ = fsys.Remove(tmp)
			return Entry{}, Manifest{}, fmt.Errorf("backup folder %s: no free backup name", dir)
		}
	}
	m.Data = name
	path := filepath.Join(dir, name)
	if err := fsys.Rename(tmp, path); err != nil {
		_ = fsys.Remove(tmp)
		return Entry{}, Manifest{}, folderError(dir, err)
	}
	sealed, err := sealManifest(m, p.Key, rcpts)
	if err == nil {
		var mtmp string
		mtmp, err = writeTemp(fsys, dir, func(w io.Writer) error {
			_, err := w.Write(sealed)
			return err
		})
		if err == nil {
			if err = fsys.Rename(mtmp, filepath.Join(dir, ManifestName(name))); err != nil {
				_ = fsys.Remove(mtmp)
				err = folderError(dir, err)
			}
		}
	}
	if err == nil {
		if err = fsys.SyncDir(dir); err != nil {
			err = folderError(dir, err)
			_ = fsys.Remove(filepath.Join(dir, ManifestName(name)))
		}
	}
	if err != nil {
		_ = fsys.Remove(path)
		return Entry{}, Manifest{}, err
	}
	e := Entry{Name: name, Path: path, ManifestPath: filepath.Join(dir, ManifestName(name)),
		Created: m.Created, Kind: m.Kind, Tag: VaultTag(p.VaultID)}
	return e, m, nil
}

// writeTemp writes a temporary file in dir, syncs and closes it and
// returns its path; on error it is removed.
func writeTemp(fsys FS, dir string, write func(io.Writer) error) (string, error) {
	f, err := fsys.CreateTemp(dir, fsutil.TempPrefix+"*")
	if err != nil {
		return "", folderError(dir, err)
	}
	ew := &errWriter{w: f}
	if osf, ok := f.(*os.File); ok {
		ew.f = osf
	}
	// No buffer between: age writes its chunks of 64 KB whole.
	err = write(ew)
	fsErr := ew.err
	if err == nil {
		err = f.Sync()
		fsErr = err
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err, fsErr = cerr, cerr
	}
	if err != nil {
		_ = fsys.Remove(f.Name())
		if fsErr != nil {
			// The file system's own error says more than how the
			// stream's writer wrapped it.
			return "", folderError(dir, fsErr)
		}
		return "", fmt.Errorf("backup: %w", err)
	}
	return f.Name(), nil
}

// errWriter remembers the first write error of the file. When the file is
// an *os.File, it starts the writeback of every writebackChunk written, so
// that the disk writes while the backup is still being made and the final
// Sync waits for the last chunk only.
type errWriter struct {
	w   io.Writer
	err error
	f   *os.File
	// written counts the bytes written, started those whose writeback
	// has been started.
	written, started int64
}

// writebackChunk is how much of a backup is written before its writeback
// is started.
const writebackChunk = 8 << 20

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	e.written += int64(n)
	if e.f != nil && e.written-e.started >= writebackChunk {
		fsutil.StartWriteback(e.f, e.started, e.written-e.started)
		e.started = e.written
	}
	return n, err
}

// hashWriter hashes and counts what passes through to w. A large write is
// hashed on a goroutine of its own while w writes it: hashing and
// encrypting are, after reading the vault, a backup's largest costs, and
// the two cores of a small machine can do them side by side. After an
// error of w the hash may cover more than was written; a failed backup's
// hash is not used.
type hashWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

// parallelHash is the size from which a write is hashed on a goroutine of
// its own; the stream's batches are megabytes.
const parallelHash = 256 << 10

func (h *hashWriter) Write(p []byte) (int, error) {
	if len(p) < parallelHash {
		n, err := h.w.Write(p)
		h.h.Write(p[:n])
		h.n += int64(n)
		return n, err
	}
	hashed := make(chan struct{})
	go func() {
		defer close(hashed)
		h.h.Write(p) // p stays the caller's until Write returns, after this
	}()
	n, err := h.w.Write(p)
	<-hashed
	h.n += int64(n)
	return n, err
}

// folderError turns a file-system error in the backup folder into one that
// names the folder and says, where it can tell, that it is full or gone.
func folderError(dir string, err error) error {
	var fe *folderErr
	if errors.As(err, &fe) {
		return err
	}
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return &folderErr{dir: dir, sentinel: ErrFolderFull, cause: err,
			what: "is full: free some space or choose another folder"}
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.ENXIO),
		errors.Is(err, syscall.EIO), errors.Is(err, syscall.ESTALE):
		return &folderErr{dir: dir, sentinel: ErrFolderMissing, cause: err,
			what: "is not available: is the drive connected and the folder there?"}
	}
	return &folderErr{dir: dir, cause: err}
}

// folderErr is an error of the backup folder; it wraps a sentinel (if
// known) and the cause.
type folderErr struct {
	dir      string
	sentinel error
	cause    error
	what     string
}

func (e *folderErr) Error() string {
	if e.sentinel == nil {
		return fmt.Sprintf("backup folder %s: %v", e.dir, e.cause)
	}
	return fmt.Sprintf("backup folder %s %s (%v)", e.dir, e.what, e.cause)
}

func (e *folderErr) Unwrap() []error {
	if e.sentinel == nil {
		return []error{e.cause}
	}
	return []error{e.sentinel, e.cause}
}
