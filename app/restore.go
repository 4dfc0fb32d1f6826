package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"safeinvoice/auth"
	"safeinvoice/backup"
	"safeinvoice/internal/fsutil"
	"safeinvoice/storage"
)

// restoreActor is the audit trail's user for a restore, which is done with
// the recovery key, not by a logged-in user.
const restoreActor = "recovery-key"

// loader adapts storage.Restore to backup.Loader: it rebuilds the vault,
// verifies its audit chain and describes it.
func (c Config) loader() backup.Loader { return c.loaderThen(nil) }

// loaderThen is loader, which also runs inspect (if not nil) on the
// restored vault before closing it.
func (c Config) loaderThen(inspect func(v *storage.Vault) error) backup.Loader {
	return func(dir string, kit backup.Kit, streams []io.Reader, seqs []uint64) (backup.Loaded, error) {
		v, err := storage.Restore(dir, storageKit(kit), c.storageOptions(), streams...)
		if err != nil {
			return backup.Loaded{}, err
		}
		l, err := describeVault(v, seqs)
		if err == nil && inspect != nil {
			err = inspect(v)
		}
		if cerr := v.Close(); err == nil && cerr != nil {
			err = cerr
		}
		return l, err
	}
}

// errStop ends a pass early; the caller that returns it ignores it.
var errStop = errors.New("stop")

// storageKit is the restore kit of a backup, as storage takes it.
func storageKit(k backup.Kit) storage.RestoreKit {
	return storage.RestoreKit{VaultID: k.VaultID, Key: k.Key, Slots: k.Slots, Secrets: k.Secrets}
}

func describeVault(v *storage.Vault, seqs []uint64) (backup.Loaded, error) {
	rep, err := v.VerifyAudit()
	if err != nil {
		return backup.Loaded{}, fmt.Errorf("the restored audit chain: %w", err)
	}
	counts, err := v.Counts()
	if err != nil {
		return backup.Loaded{}, err
	}
	l := backup.Loaded{Counts: counts, Audit: backup.Checkpoint{Seq: rep.Head.Seq, Hash: rep.Head.Hash}, AuditAt: map[uint64]string{}}
	err = v.View(func(tx *storage.Tx) error {
		for _, seq := range seqs {
			if seq == rep.Head.Seq {
				l.AuditAt[seq] = rep.Head.Hash
				continue
			}
			err := tx.EachAudit(seq+1, func(e storage.AuditEntry) error {
				if e.Seq == seq+1 {
					l.AuditAt[seq] = e.Prev
				}
				return errStop
			})
			if err != nil && !errors.Is(err, errStop) {
				return err
			}
		}
		return nil
	})
	return l, err
}

// RestoreParams say what to restore.
type RestoreParams struct {
	// From is a backup's data or manifest file, or a folder (its newest
	// backup).
	From string
	// RecoveryKey is the content of the recovery key file.
	RecoveryKey []byte
	// Replace allows replacing an existing data directory; the old one is
	// kept beside it for rollback.
	Replace bool
	// Progress, if set, is told the bytes of backup stream read of all
	// there are.
	Progress Progress
}

// RestoreResult describes a finished restore.
type RestoreResult struct {
	// DataDir is where the restored vault now is.
	DataDir string
	// Backup is the backup restored and Created its time; Files is the
	// number of backup files read (the full one and its incrementals).
	Backup  string
	Created time.Time
	Files   int
	Records int
	// Previous is where the replaced data directory was moved, if any.
	Previous string
}

// Restore rebuilds the books from a backup into cfg.DataDir with the
// recovery key; no login is needed. The vault is built and verified in a
// new directory beside the target (every stream's hash, the chain links,
// the audit chain, the record counts and checkpoints), a "vault.restore"
// entry continues its audit chain, and only then is it moved into place.
// A data directory that is not empty is refused with ErrTargetNotEmpty
// unless p.Replace is set; then it is first renamed to
// DIR.before-restore-<time> in the same folder and kept for rollback. If
// the second rename fails, the first is undone; if even that fails, the
// error says where both directories are. A wrong key, a damaged, truncated
// or foreign file or a gap in the chain fails before anything is moved, and
// the new directory is removed. So is it when ctx is cancelled before the
// restored books are moved into place; the error then wraps
// context.Canceled and nothing was changed.
func Restore(ctx context.Context, cfg Config, p RestoreParams) (RestoreResult, error) {
	key, err := backup.ParseKeyFile(p.RecoveryKey)
	if err != nil {
		return RestoreResult{}, err
	}
	target, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return RestoreResult{}, fmt.Errorf("data directory: %w", err)
	}
	parent := filepath.Dir(target)
	exists, empty, err := dirState(target)
	if err != nil {
		return RestoreResult{}, err
	}
	if exists && !empty && !p.Replace {
		return RestoreResult{}, fmt.Errorf("%s: %w: use --replace to put the restored books in its place (the current ones are kept beside it), or choose another --data-dir", target, ErrTargetNotEmpty)
	}
	if exists && !empty && storage.Exists(target) {
		// Hold the vault's lock, so no SafeInvoice opens it while it
		// is moved aside.
		release, err := storage.LockDataDir(target)
		if err != nil {
			return RestoreResult{}, err
		}
		defer func() { _ = release() }()
	}
	chain, err := backup.Resolve(p.From, key)
	if err != nil {
		return RestoreResult{}, err
	}
	// The restored database takes about its streams' size, twice while
	// the loaded tables are compacted, beside the larger memtables a
	// restore opens with.
	var streams uint64
	for _, b := range chain {
		streams += uint64(max(b.Manifest.StreamSize, 0))
	}
	if err := fsutil.NeedSpace(parent, 2*streams+storage.MinFreeSpace+64<<20, "the restore"); err != nil {
		return RestoreResult{}, err
	}
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return RestoreResult{}, fmt.Errorf("create %s: %w", parent, err)
	}
	now := cfg.now().UTC()
	stamp := now.Format("20060102T150405Z")
	staging, err := os.MkdirTemp(parent, "."+filepath.Base(target)+".restoring-"+stamp+"-")
	if err != nil {
		return RestoreResult{}, fmt.Errorf("create the restore directory: %w", err)
	}
	done := false
	defer func() {
		if !done {
			_ = fsutil.RemoveAll(staging)
		}
	}()
	m, err := backup.RestoreChain(ctx, staging, chain, key, cfg.loader(), backup.Progress(p.Progress))
	if err != nil {
		return RestoreResult{}, err
	}
	defer clear(m.Kit.Key)
	last := chain[len(chain)-1]
	if err := continueRestoredChain(cfg, staging, target, m, last, len(chain)); err != nil {
		return RestoreResult{}, err
	}
	res := RestoreResult{DataDir: target, Backup: last.Path, Created: m.Created, Files: len(chain), Records: m.Records()}
	if err := ctx.Err(); err != nil { // the last moment to change one's mind
		return RestoreResult{}, fmt.Errorf("the restore was cancelled; nothing was changed: %w", err)
	}
	if exists && !empty {
		aside, err := freeName(target + ".before-restore-" + stamp)
		if err != nil {
			return RestoreResult{}, err
		}
		if err := fsutil.RenameFolder(target, aside); err != nil {
			return RestoreResult{}, fmt.Errorf("move the current data directory aside: %w (nothing was changed)", err)
		}
		if err := fsutil.RenameFolder(staging, target); err != nil {
			if rerr := fsutil.RenameFolder(aside, target); rerr != nil {
				done = true // keep the restored books for the person to move
				return RestoreResult{}, fmt.Errorf("put the restored books in place: %w; moving the previous data directory back also failed (%v): the previous books are in %s and the restored ones in %s", err, rerr, aside, staging)
			}
			return RestoreResult{}, fmt.Errorf("put the restored books in place: %w (the previous data directory is back in place)", err)
		}
		res.Previous = aside
	} else {
		if exists {
			if err := os.Remove(target); err != nil { // empty
				return RestoreResult{}, fmt.Errorf("replace the empty %s: %w", target, err)
			}
		}
		if err := fsutil.RenameFolder(staging, target); err != nil {
			return RestoreResult{}, fmt.Errorf("put the restored books in place: %w", err)
		}
	}
	done = true
	if err := fsutil.SyncDir(parent); err != nil {
		return res, err
	}
	return res, nil
}

// continueRestoredChain opens the restored vault with its key, appends the
// "vault.restore" audit entry and clears the backup state (the next backup
// is a full one). The chain it extends was verified by the loader; the
// round-trip test logs in and verifies it again.
// The restored books become the anchor of target, the data directory they
// are going to: a restore puts back an older state on purpose.
func continueRestoredChain(cfg Config, dir, target string, m backup.Manifest, last backup.Backup, files int) error {
	v, err := storage.Open(dir, m.Kit.Key, cfg.storageOptions())
	if err != nil {
		return fmt.Errorf("open the restored vault: %w", err)
	}
	// The failed-login journal starts over with the restored books, and
	// is anchored in them (see lockout.go).
	fresh := journal{Format: journalFormat, Base: journalBase{Users: map[string]auth.Lockout{}, Restored: cfg.now().UTC()}}
	err = v.Update(restoreActor, func(tx *storage.Tx) error {
		if err := tx.PutBackupState(storage.BackupState{}); err != nil {
			return err
		}
		if err := tx.PutLockoutAnchor(fresh.baseHash()); err != nil {
			return err
		}
		if _, err := tx.AddAlert(AlertRestore, fmt.Sprintf("the books were restored from a backup of %s (%s)",
			m.Created.UTC().Format("2006-01-02 15:04 MST"), last.Name)); err != nil {
			return err
		}
		return tx.Audit("vault.restore", last.Name, fmt.Sprintf("restored from a backup of %s (%d files, audit entry %d)",
			m.Created.UTC().Format(time.RFC3339), files, m.Audit.Seq))
	})
	if err == nil {
		// A safeguard on top of the books: a configuration folder that
		// cannot be written does not fail the restore.
		if aerr := writeAnchorOf(cfg, v, target, false); aerr != nil {
			cfg.logf("app: %v", aerr)
		}
	}
	if cerr := v.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("continue the restored audit chain: %w", err)
	}
	return writeJournal(dir, fresh)
}

// dirState reports whether dir exists and whether it is empty.
func dirState(dir string) (exists, empty bool, err error) {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, true, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("data directory: %w", err)
	}
	if !st.IsDir() {
		return false, false, fmt.Errorf("data directory %s is not a folder", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, false, fmt.Errorf("data directory: %w", err)
	}
	return true, len(entries) == 0, nil
}

// freeName returns path, or path-2, path-3 … whichever does not exist.
func freeName(path string) (string, error) {
	for i := 1; i < 1000; i++ {
		p := path
		if i > 1 {
			p = fmt.Sprintf("%s-%d", path, i)
		}
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
	}
	return "", fmt.Errorf("no free name beside %s", path)
}
