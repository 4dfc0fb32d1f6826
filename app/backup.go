package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"safeinvoice/auth"
	"safeinvoice/backup"
	"safeinvoice/internal/fsutil"
	"safeinvoice/storage"
)

// Errors of the backup use cases, checked with errors.Is. The backup
// package's sentinels (backup.ErrCorrupt, backup.ErrWrongKey,
// backup.ErrChainGap, backup.ErrForeign, backup.ErrFolderFull,
// backup.ErrFolderMissing, …) pass through wrapped.
var (
	// ErrNoBackupFolder means no folder was given and none is set.
	ErrNoBackupFolder = errors.New("no backup folder is set")
	// ErrTargetNotEmpty means a restore would overwrite a data directory
	// and was not told to replace it.
	ErrTargetNotEmpty = errors.New("the data directory is not empty")
)

// The backup package's types and values that front ends need, so that they
// import only app.
type (
	BackupReport   = backup.Report
	BackupManifest = backup.Manifest
	BackupSchedule = backup.Schedule
	BackupPolicy   = backup.Policy
	BackupEvent    = backup.Event
)

// Kinds of backup, and the events AutoBackup is called on.
const (
	BackupFull        = backup.Full
	BackupIncremental = backup.Incremental
	BackupOnTimer     = backup.Timer
	BackupOnClose     = backup.Closing
)

// The backup package's sentinel errors, for front ends.
var (
	ErrNoBackup         = backup.ErrNoBackup
	ErrBackupCorrupt    = backup.ErrCorrupt
	ErrBackupWrongKey   = backup.ErrWrongKey
	ErrBackupChainGap   = backup.ErrChainGap
	ErrBackupForeign    = backup.ErrForeign
	ErrBadRecipient     = backup.ErrBadRecipient
	ErrBackupFolderGone = backup.ErrFolderMissing
	ErrBackupFolderFull = backup.ErrFolderFull
)

// ParseBackupRecipient checks an extra backup recipient; see
// backup.ParseRecipient.
func ParseBackupRecipient(s string) (string, error) { return backup.ParseRecipient(s) }

// MaxIncrementals is how many incremental backups follow a full one before
// the next backup is a full one again, which bounds how many files a
// restore needs.
const MaxIncrementals = 30

// backupRetryAfter is how long the timer waits after a failed automatic
// backup (an unplugged drive, a full disk) before it tries again.
const backupRetryAfter = 5 * time.Minute

// restoreActor is the audit trail's user for a restore, which is done with
// the recovery key, not by a logged-in user.
const restoreActor = "recovery-key"

// BackupInfo describes a backup that was written.
type BackupInfo struct {
	// Path is the new data file; its manifest is beside it.
	Path string
	// Manifest describes it, without the secret restore kit.
	Manifest backup.Manifest
}

// BackupSettings are the backup choices kept in the vault's settings.
type BackupSettings struct {
	// Dir is the backup folder ("" if none is chosen yet).
	Dir string
	// Recipients are extra age X25519 public keys backups are encrypted
	// to besides the recovery key.
	Recipients []string
	Schedule   backup.Schedule
	// Retention is the policy PruneBackups applies.
	Retention backup.Policy
}

func backupSettingsOf(st storage.Settings) BackupSettings {
	sched, err := backup.ParseSchedule(st.BackupSchedule)
	if err != nil {
		sched = backup.Manual
	}
	p := backup.Policy{Last: st.BackupKeepLast, Daily: st.BackupKeepDaily, Weekly: st.BackupKeepWeekly, Monthly: st.BackupKeepMonthly}
	if p.IsZero() {
		p = backup.DefaultPolicy
	}
	return BackupSettings{Dir: st.BackupDir, Recipients: st.BackupRecipients, Schedule: sched, Retention: p}
}

// BackupSettings returns the backup folder, extra recipients, schedule and
// retention policy.
func (s *Session) BackupSettings() (BackupSettings, error) {
	st, err := s.Settings()
	if err != nil {
		return BackupSettings{}, err
	}
	return backupSettingsOf(st), nil
}

// SetBackupSettings replaces the backup settings. The folder must exist;
// each recipient must be an age X25519 public key; a zero Retention means
// the default policy. It needs the edit-settings permission, because an
// extra recipient can read every later backup.
func (s *Session) SetBackupSettings(b BackupSettings) error {
	if err := s.require(auth.PermEditSettings); err != nil {
		return err
	}
	if b.Dir != "" {
		abs, err := checkBackupDir(b.Dir)
		if err != nil {
			return err
		}
		b.Dir = abs
	}
	var rcpts []string
	for _, r := range b.Recipients {
		c, err := backup.ParseRecipient(r)
		if err != nil {
			return err
		}
		rcpts = append(rcpts, c)
	}
	sched, err := backup.ParseSchedule(string(b.Schedule))
	if err != nil {
		return err
	}
	p := b.Retention
	if p.Last < 0 || p.Daily < 0 || p.Weekly < 0 || p.Monthly < 0 {
		return errors.New("retention numbers cannot be negative")
	}
	return s.update(func(tx *storage.Tx) error {
		st, err := tx.Settings()
		if err != nil {
			return err
		}
		for _, r := range rcpts {
			if !slices.Contains(st.BackupRecipients, r) {
				if err := s.raiseAlert(tx, AlertBackup, fmt.Sprintf("%s added an extra backup recipient, who can read every later backup: %s", s.user.Name, r)); err != nil {
					return err
				}
			}
		}
		st.BackupDir, st.BackupRecipients, st.BackupSchedule = b.Dir, rcpts, string(sched)
		st.BackupKeepLast, st.BackupKeepDaily, st.BackupKeepWeekly, st.BackupKeepMonthly = p.Last, p.Daily, p.Weekly, p.Monthly
		if err := tx.PutSettings(st); err != nil {
			return err
		}
		return tx.Audit("settings.backup", "", fmt.Sprintf("folder set: %t, %d extra recipients, schedule %s, keep %d/%d/%d/%d",
			b.Dir != "", len(rcpts), sched, p.Last, p.Daily, p.Weekly, p.Monthly))
	})
}

// checkBackupDir makes dir absolute and checks that it is an existing
// folder. Backup folders are never created: an unplugged drive's mount
// point must not fill up instead.
func checkBackupDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("backup folder %s: %w", dir, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("backup folder %s does not exist (is the drive connected?): %w", abs, backup.ErrFolderMissing)
		}
		return "", fmt.Errorf("backup folder %s: %w", abs, err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("backup folder %s is not a folder", abs)
	}
	return abs, nil
}

// BackupState returns the vault's record of its backups: the last success
// and failure, for the dashboard's "last backup" and alerts.
func (s *Session) BackupState() (storage.BackupState, error) {
	return read(s, (*storage.Tx).BackupState)
}

// backupFolder reads what the backup use cases start from: the folder (dir,
// or the settings' backup folder when dir is ""), the settings, the backup
// state and the recovery key. No folder at all is ErrNoBackupFolder.
func (s *Session) backupFolder(dir string) (string, storage.Settings, storage.BackupState, backup.RecoveryKey, error) {
	var (
		settings storage.Settings
		state    storage.BackupState
		key      backup.RecoveryKey
	)
	err := s.vault.View(func(tx *storage.Tx) error {
		var err error
		if settings, err = tx.Settings(); err != nil {
			return err
		}
		if state, err = tx.BackupState(); err != nil {
			return err
		}
		key, err = recoveryKey(tx)
		return err
	})
	if err != nil {
		return "", settings, state, key, err
	}
	if dir == "" {
		dir = settings.BackupDir
	}
	if dir == "" {
		return "", settings, state, key, ErrNoBackupFolder
	}
	return dir, settings, state, key, nil
}

// recoveryKey returns the vault's recovery key.
func recoveryKey(tx *storage.Tx) (backup.RecoveryKey, error) {
	id, err := tx.RecoveryIdentity()
	if err != nil {
		return backup.RecoveryKey{}, fmt.Errorf("the vault's recovery key: %w", err)
	}
	return backup.ParseRecoveryKey(id)
}

// BackupNow writes a backup of the vault to dir ("" means the backup folder
// of the settings). It continues the chain of incremental backups recorded
// in the vault when the chain's last backup is in dir and intact and the
// chain is shorter than MaxIncrementals; otherwise it writes a full backup.
// Success and failure are both audited and recorded in the backup state;
// the first folder backed up to becomes the backup folder when none is set.
// Concurrent calls are safe: each writes a complete backup, though two may
// follow the same parent. Progress is told the bytes of stream written of
// an estimate (0 for an incremental backup, whose size is not known before
// it is written). Cancelling ctx stops the backup, leaves no file behind,
// and is audited but recorded as neither a success nor a failure.
func (s *Session) BackupNow(ctx context.Context, dir string, progress Progress) (BackupInfo, error) {
	if err := s.require(auth.PermRunBackup); err != nil {
		return BackupInfo{}, err
	}
	dir, settings, state, key, err := s.backupFolder(dir)
	if err != nil {
		return BackupInfo{}, err
	}
	info, err := s.writeBackup(ctx, dir, settings, state, key, progress)
	now := s.cfg.now().UTC()
	if err != nil && ctx.Err() != nil {
		if aerr := s.update(func(tx *storage.Tx) error { return tx.Audit("backup.cancel", "", "cancelled by the user") }); aerr != nil {
			return BackupInfo{}, errors.Join(err, fmt.Errorf("record the cancelled backup: %w", aerr))
		}
		return BackupInfo{}, err
	}
	if err != nil {
		msg := strings.Join(strings.Fields(err.Error()), " ")
		rerr := s.update(func(tx *storage.Tx) error {
			st, err := tx.BackupState()
			if err != nil {
				return err
			}
			first := st.LastError == ""
			st.LastFailure, st.LastError = now, msg
			if err := tx.PutBackupState(st); err != nil {
				return err
			}
			if first { // retries of the same failure do not alert again
				if err := s.raiseAlert(tx, AlertBackup, "a backup failed: "+msg); err != nil {
					return err
				}
			}
			return tx.Audit("backup.failed", "", msg)
		})
		if rerr != nil {
			return BackupInfo{}, errors.Join(err, fmt.Errorf("record the failed backup: %w", rerr))
		}
		return BackupInfo{}, err
	}
	m := info.Manifest
	err = s.update(func(tx *storage.Tx) error {
		st, err := tx.BackupState()
		if err != nil {
			return err
		}
		chain := 0
		if m.Kind == backup.Incremental {
			chain = st.ChainLength + 1
		}
		next := storage.BackupState{Dir: filepath.Dir(info.Path), Last: m.Data, LastUntil: m.Until, LastSHA256: m.StreamSHA256,
			ChainLength: chain, LastSuccess: now, LastVerified: st.LastVerified, FullSize: st.FullSize, FullRecords: st.FullRecords,
			Checked: st.Checked}
		if m.Kind == backup.Full {
			next.FullSize, next.FullRecords = m.StreamSize, m.Records()
		}
		st = next
		if err := tx.PutBackupState(st); err != nil {
			return err
		}
		cur, err := tx.Settings()
		if err != nil {
			return err
		}
		if cur.BackupDir == "" {
			cur.BackupDir = filepath.Dir(info.Path)
			if err := tx.PutSettings(cur); err != nil {
				return err
			}
			if err := tx.Audit("settings.backup", "", "backup folder set by the first backup"); err != nil {
				return err
			}
		}
		kind := "full"
		if m.Kind == backup.Incremental {
			kind = "incremental"
		}
		return tx.Audit("backup.create", m.Data, fmt.Sprintf("%s backup, %d records, %d bytes, audit entry %d", kind, m.Records(), m.StreamSize, m.Audit.Seq))
	})
	if err != nil {
		return info, fmt.Errorf("backup %s was written but not recorded: %w", info.Path, err)
	}
	return info, nil
}

func (s *Session) writeBackup(ctx context.Context, dir string, settings storage.Settings, state storage.BackupState, key backup.RecoveryKey, progress Progress) (BackupInfo, error) {
	abs, err := checkBackupDir(dir)
	if err != nil {
		return BackupInfo{}, err
	}
	parent := s.chainParent(abs, state, key)
	var estimate int64
	if parent == nil {
		if estimate, err = s.fullBackupEstimate(state); err != nil {
			return BackupInfo{}, err
		}
	}
	rk, err := s.vault.RestoreKit()
	if err != nil {
		return BackupInfo{}, err
	}
	kit := backup.Kit{VaultID: rk.VaultID, Key: rk.Key, Slots: rk.Slots}
	defer clear(kit.Key)
	e, m, err := backup.Write(ctx, abs, backup.Params{
		Key: key, Extra: settings.BackupRecipients, VaultID: s.vault.ID(), Kit: kit,
		Parent: parent, Now: s.cfg.now(), Progress: backup.Progress(progress), Estimate: estimate,
	}, s.stream)
	if err != nil {
		return BackupInfo{}, err
	}
	return BackupInfo{Path: e.Path, Manifest: m.Public()}, nil
}

// fullBackupEstimate guesses the stream size of a full backup: the last
// full one's size per record times today's records, or, before the first
// one, what storage.Vault.StreamEstimate reads off the key index.
func (s *Session) fullBackupEstimate(st storage.BackupState) (int64, error) {
	var counts map[string]int
	if err := s.vault.View(func(tx *storage.Tx) error {
		var err error
		counts, err = tx.Counters()
		return err
	}); err != nil {
		return 0, err
	}
	records := 0
	for _, n := range counts {
		records += n
	}
	if st.FullSize > 0 && st.FullRecords > 0 {
		return st.FullSize * int64(records) / int64(st.FullRecords), nil
	}
	return s.vault.StreamEstimate()
}

// stream adapts the vault's backup stream to the backup package.
func (s *Session) stream(w io.Writer, since uint64) (backup.Snapshot, error) {
	snap, err := s.vault.Backup(w, since)
	if err != nil {
		return backup.Snapshot{}, err
	}
	return backup.Snapshot{Since: snap.Since, Until: snap.Until, Counts: snap.Counts,
		Audit: backup.Checkpoint{Seq: snap.Audit.Seq, Hash: snap.Audit.Hash}}, nil
}

// chainParent returns the manifest the next backup in dir can follow, or
// nil when it must be a full one.
func (s *Session) chainParent(dir string, st storage.BackupState, key backup.RecoveryKey) *backup.Manifest {
	if st.Last == "" || st.Dir != dir || st.ChainLength >= MaxIncrementals {
		return nil
	}
	e, err := backup.EntryFor(filepath.Join(dir, st.Last))
	if err != nil {
		return nil
	}
	m, err := backup.ReadManifest(e, key)
	if err != nil || m.VaultID != s.vault.ID() || m.Until != st.LastUntil || m.StreamSHA256 != st.LastSHA256 {
		return nil
	}
	clear(m.Kit.Key)
	m.Kit = backup.Kit{VaultID: m.VaultID}
	return &m
}

// AutoBackup is the hook the window calls on its timer and when it closes:
// it writes a backup to the backup folder when the schedule says one is due
// (see backup.Due) and reports whether it ran. Without a backup folder, or
// for a user who may not run backups, it does nothing. After a failure the
// timer retries no sooner than five minutes later; closing always retries.
func (s *Session) AutoBackup(ev backup.Event) (BackupInfo, bool, error) {
	if s.require(auth.PermRunBackup) != nil {
		return BackupInfo{}, false, nil
	}
	settings, err := s.Settings()
	if err != nil {
		return BackupInfo{}, false, err
	}
	bs := backupSettingsOf(settings)
	if bs.Dir == "" {
		return BackupInfo{}, false, nil
	}
	st, err := s.BackupState()
	if err != nil {
		return BackupInfo{}, false, err
	}
	now := s.cfg.now()
	if !backup.Due(bs.Schedule, st.LastSuccess, now, ev) {
		return BackupInfo{}, false, nil
	}
	if ev == backup.Timer && st.LastFailure.After(st.LastSuccess) && now.Sub(st.LastFailure) < backupRetryAfter {
		return BackupInfo{}, false, nil
	}
	info, err := s.BackupNow(context.Background(), bs.Dir, nil)
	return info, true, err
}

// VerifyBackups checks every backup of this vault in dir ("" means the
// backup folder) as backup.Verify does, restoring each chain into a scratch
// directory, and audits the outcome; each backup's outcome is kept in the
// backup state for ListBackups. The error is about the folder; bad backups
// are in the report. Progress is told the bytes of stream checked of all
// there are; cancelling ctx stops the verification, records nothing and
// returns an error wrapping context.Canceled.
func (s *Session) VerifyBackups(ctx context.Context, dir string, progress Progress) (backup.Report, error) {
	if err := s.require(auth.PermVerifyBackups); err != nil {
		return backup.Report{}, err
	}
	dir, _, _, key, err := s.backupFolder(dir)
	if err != nil {
		return backup.Report{}, err
	}
	rep, err := backup.Verify(ctx, dir, key, backup.VerifyOptions{VaultID: s.vault.ID(), Load: s.cfg.loader(), Progress: backup.Progress(progress)})
	if err != nil {
		return rep, err
	}
	now := s.cfg.now().UTC()
	problems := rep.Problems()
	err = s.update(func(tx *storage.Tx) error {
		st, err := tx.BackupState()
		if err != nil {
			return err
		}
		if problems == 0 && len(rep.Results) > 0 {
			st.LastVerified = now
		}
		st.Checked = map[string]storage.BackupCheck{} // backups no longer in the folder are forgotten
		for _, r := range rep.Results {
			c := storage.BackupCheck{At: now}
			if r.Err != nil {
				c.Problem = strings.Join(strings.Fields(r.Err.Error()), " ")
			}
			st.Checked[r.Name] = c
		}
		if err := tx.PutBackupState(st); err != nil {
			return err
		}
		return tx.Audit("backup.verify", "", fmt.Sprintf("%d backups, %d problems", len(rep.Results), problems))
	})
	if err != nil {
		return rep, fmt.Errorf("record the verification: %w", err)
	}
	return rep, nil
}

// PruneResult says what PruneBackups kept and removed (file names of the
// data files; their manifests went with them).
type PruneResult struct {
	Kept    []string
	Removed []string
}

// PruneBackups applies the retention policy to this vault's backups in dir
// ("" means the backup folder): it verifies the folder first, so that the
// last good copy is never removed (see backup.Plan), then removes each
// dropped backup's manifest and then its data file. With dryRun nothing is
// removed. It is audited.
func (s *Session) PruneBackups(dir string, dryRun bool) (PruneResult, error) {
	if err := s.require(auth.PermRunBackup); err != nil {
		return PruneResult{}, err
	}
	bs, err := s.BackupSettings()
	if err != nil {
		return PruneResult{}, err
	}
	rep, err := s.VerifyBackups(context.Background(), dir, nil)
	if err != nil {
		return PruneResult{}, err
	}
	items := make([]backup.Item, 0, len(rep.Results))
	paths := map[string]backup.Entry{}
	for _, r := range rep.Results {
		items = append(items, backup.Item{Name: r.Name, Created: r.Created, Kind: r.Kind,
			Parent: r.Manifest.Parent, Verified: r.Err == nil})
		paths[r.Name] = r.Entry
	}
	keep, remove := backup.Plan(items, bs.Retention, time.Local)
	res := PruneResult{Kept: keep}
	if dryRun {
		res.Removed = remove
		return res, nil
	}
	var errs []error
	for _, name := range remove {
		e := paths[name]
		if err := os.Remove(e.ManifestPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		if err := os.Remove(e.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		res.Removed = append(res.Removed, name)
	}
	if err := fsutil.SyncDir(rep.Dir); err != nil {
		errs = append(errs, err)
	}
	err = s.update(func(tx *storage.Tx) error {
		return tx.Audit("backup.prune", "", fmt.Sprintf("kept %d, removed %d backups", len(keep), len(res.Removed)))
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("record the pruning: %w", err))
	}
	return res, errors.Join(errs...)
}

// loader adapts storage.Restore to backup.Loader: it rebuilds the vault,
// verifies its audit chain and describes it.
func (c Config) loader() backup.Loader {
	return func(dir string, kit backup.Kit, streams []io.Reader, seqs []uint64) (backup.Loaded, error) {
		v, err := storage.Restore(dir, storage.RestoreKit{VaultID: kit.VaultID, Key: kit.Key, Slots: kit.Slots}, c.storageOptions(), streams...)
		if err != nil {
			return backup.Loaded{}, err
		}
		l, err := describeVault(v, seqs)
		if cerr := v.Close(); err == nil && cerr != nil {
			err = cerr
		}
		return l, err
	}
}

var errStop = errors.New("stop")

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
			_ = os.RemoveAll(staging)
		}
	}()
	m, err := backup.RestoreChain(ctx, staging, chain, key, cfg.loader(), backup.Progress(p.Progress))
	if err != nil {
		return RestoreResult{}, err
	}
	defer clear(m.Kit.Key)
	last := chain[len(chain)-1]
	if err := continueRestoredChain(cfg, staging, m, last, len(chain)); err != nil {
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
		if err := os.Rename(target, aside); err != nil {
			return RestoreResult{}, fmt.Errorf("move the current data directory aside: %w (nothing was changed)", err)
		}
		if err := os.Rename(staging, target); err != nil {
			if rerr := os.Rename(aside, target); rerr != nil {
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
		if err := os.Rename(staging, target); err != nil {
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
func continueRestoredChain(cfg Config, dir string, m backup.Manifest, last backup.Backup, files int) error {
	v, err := storage.Open(dir, m.Kit.Key, cfg.storageOptions())
	if err != nil {
		return fmt.Errorf("open the restored vault: %w", err)
	}
	err = v.Update(restoreActor, func(tx *storage.Tx) error {
		if err := tx.PutBackupState(storage.BackupState{}); err != nil {
			return err
		}
		if _, err := tx.AddAlert(AlertRestore, fmt.Sprintf("the books were restored from a backup of %s (%s)",
			m.Created.UTC().Format("2006-01-02 15:04 MST"), last.Name)); err != nil {
			return err
		}
		return tx.Audit("vault.restore", last.Name, fmt.Sprintf("restored from a backup of %s (%d files, audit entry %d)",
			m.Created.UTC().Format(time.RFC3339), files, m.Audit.Seq))
	})
	if cerr := v.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("continue the restored audit chain: %w", err)
	}
	return nil
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
