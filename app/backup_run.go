package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"safeinvoice/auth"
	"safeinvoice/backup"
	"safeinvoice/internal/fsutil"
	"safeinvoice/storage"
)

// backupGrace is how long past its schedule a backup may be before an
// administrator's login raises an alert.
func backupGrace(sched backup.Schedule) time.Duration {
	switch sched {
	case backup.Hourly:
		return 24 * time.Hour
	case backup.Daily:
		return 3 * 24 * time.Hour
	case backup.OnClose:
		return 7 * 24 * time.Hour
	}
	return 30 * 24 * time.Hour
}

// alertBackupOverdue raises an alert when the last good backup is older
// than its schedule allows (or there never was one, a week after set-up),
// unless such an alert is still unacknowledged.
func (s *Session) alertBackupOverdue(tx *storage.Tx, now time.Time) error {
	set, err := tx.Settings()
	if err != nil {
		return err
	}
	st, err := tx.BackupState()
	if err != nil {
		return err
	}
	sched, err := backup.ParseSchedule(set.BackupSchedule)
	if err != nil {
		sched = backup.Manual
	}
	var msg string
	switch {
	case st.LastSuccess.IsZero() && now.Sub(s.user.Created) > 7*24*time.Hour:
		msg = "no backup has been made yet; choose a backup folder and run one"
	case !st.LastSuccess.IsZero() && now.Sub(st.LastSuccess) > backupGrace(sched):
		msg = fmt.Sprintf("the last good backup is from %s, older than the %s schedule allows",
			st.LastSuccess.UTC().Format("2006-01-02 15:04 MST"), sched)
	default:
		return nil
	}
	open := false
	if err := tx.EachAlert(func(a storage.Alert) error {
		open = open || (a.Kind == AlertBackup && a.AckBy == "" && strings.HasPrefix(a.Message, msg[:20]))
		return nil
	}); err != nil || open {
		return err
	}
	return s.raiseAlert(tx, AlertBackup, msg)
}

// MaxIncrementals is how many incremental backups follow a full one before
// the next backup is a full one again, which bounds how many files a
// restore needs.
const MaxIncrementals = 30

// backupRetryAfter is how long the timer waits after a failed automatic
// backup (an unplugged drive, a full disk) before it tries again.
const backupRetryAfter = 5 * time.Minute

// BackupInfo describes a backup that was written.
type BackupInfo struct {
	// Path is the new data file; its manifest is beside it.
	Path string
	// Manifest describes it, without the secret restore kit.
	Manifest backup.Manifest
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
	err := s.view(func(tx *storage.Tx) error {
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
	// A full backup (the first, or a new chain) needs about the stream's
	// size free in the folder; a failed write of any backup leaves
	// nothing (see backup.Write) and says the disk is full.
	estimate := int64(-1) // not known yet
	if state.Last == "" {
		if est, eerr := s.fullBackupEstimate(state); eerr == nil {
			estimate = est
			err = fsutil.NeedSpace(dir, uint64(est)+1<<20, "the backup")
		}
	}
	var info BackupInfo
	if err == nil {
		info, err = s.writeBackup(ctx, dir, settings, state, key, estimate, progress)
		err = fsutil.DiskFull(dir, err)
	}
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
		// The first backup's folder becomes the backup folder, but only
		// for someone who may choose it: another user's --to elsewhere
		// never moves where the books are backed up.
		if cur.BackupDir == "" && s.can(auth.PermEditSettings) {
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
		if m.Signed != nil && s.signer != nil {
			if err := tx.PutSignedHead(fromBackupHead(*m.Signed)); err != nil {
				return err
			}
		}
		return tx.Audit("backup.create", m.Data, fmt.Sprintf("%s backup, %d records, %d bytes, audit entry %d", kind, m.Records(), m.StreamSize, m.Audit.Seq))
	})
	if err != nil {
		return info, fmt.Errorf("backup %s was written but not recorded: %w", info.Path, err)
	}
	if err := s.writeAnchor(); err != nil {
		s.cfg.logf("app: %v", err)
	}
	return info, nil
}

// writeBackup writes the backup; estimate is the full backup's
// fullBackupEstimate when the caller has it already, -1 otherwise.
func (s *Session) writeBackup(ctx context.Context, dir string, settings storage.Settings, state storage.BackupState, key backup.RecoveryKey, estimate int64, progress Progress) (BackupInfo, error) {
	abs, err := checkBackupDir(dir)
	if err != nil {
		return BackupInfo{}, err
	}
	parent := s.chainParent(abs, state, key)
	switch {
	case parent != nil:
		estimate = 0 // an incremental backup: no estimate
	case estimate < 0:
		if estimate, err = s.fullBackupEstimate(state); err != nil {
			return BackupInfo{}, err
		}
	}
	rk, err := s.vault.RestoreKit()
	if err != nil {
		return BackupInfo{}, err
	}
	kit := backup.Kit{VaultID: rk.VaultID, Key: rk.Key, Slots: rk.Slots, Secrets: rk.Secrets}
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
	if err := s.view(func(tx *storage.Tx) error {
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
	out := backup.Snapshot{Since: snap.Since, Until: snap.Until, Counts: snap.Counts,
		Audit: backup.Checkpoint{Seq: snap.Audit.Seq, Hash: snap.Audit.Hash}}
	// An administrator signs the head the backup holds; anyone else's
	// backup carries the newest head an administrator signed.
	if s.signer != nil {
		out.Signed = toBackupHead(s.vault.SignCheckpoint(snap.Audit, s.user.Name, s.signer))
	} else {
		var h storage.SignedHead
		ok := false
		if err := s.view(func(tx *storage.Tx) error {
			var err error
			h, ok, err = tx.NewestSignedHead()
			return err
		}); err == nil && ok {
			out.Signed = toBackupHead(h)
		}
	}
	return out, nil
}

// chainParent returns the manifest the next backup in dir can follow, or
// nil when it must be a full one.
func (s *Session) chainParent(dir string, st storage.BackupState, key backup.RecoveryKey) *backup.Manifest {
	if s.rolledBack || st.Last == "" || st.Dir != dir || st.ChainLength >= MaxIncrementals {
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
	// A chain begun before the restore kit was sealed to the recovery key
	// alone (manifest format 1) lets extra recipients read the keys: a
	// new full chain starts, and the old one goes with retention.
	if m.Format < 2 {
		clear(m.Kit.Key)
		return nil
	}
	// A vault put back from an old copy is not on the chain it last
	// backed up: appending to that chain would restore to neither.
	pos, err := s.vault.CompareAnchor(storage.Anchor{VaultID: m.VaultID, Seq: m.Audit.Seq, Hash: m.Audit.Hash}, false)
	if err != nil || pos.Behind() {
		clear(m.Kit.Key)
		return nil
	}
	clear(m.Kit.Key)
	m.Kit = backup.Kit{VaultID: m.VaultID}
	return &m
}

// AutoBackup is the hook the window calls on its timer: it writes a
// backup to the backup folder when the schedule says one is due (see
// DueBackup) and reports whether it ran.
func (s *Session) AutoBackup(ev backup.Event) (BackupInfo, bool, error) {
	dir, due, err := s.DueBackup(ev)
	if err != nil || !due {
		return BackupInfo{}, false, err
	}
	info, err := s.BackupNow(context.Background(), dir, nil)
	return info, true, err
}

// DueBackup reports whether the schedule calls for a backup at ev (see
// backup.Due), and to which folder; the window runs the one due when it
// closes itself (BackupNow), with progress. Without a backup folder, or
// for a user who may not run backups, none is due. After a failure the
// timer retries no sooner than five minutes later; closing always retries.
func (s *Session) DueBackup(ev backup.Event) (dir string, due bool, err error) {
	if !s.can(auth.PermRunBackup) {
		return "", false, nil
	}
	settings, err := s.Settings()
	if err != nil {
		return "", false, err
	}
	bs := backupSettingsOf(settings)
	if bs.Dir == "" {
		return "", false, nil
	}
	st, err := s.BackupState()
	if err != nil {
		return "", false, err
	}
	now := s.cfg.now()
	if !backup.Due(bs.Schedule, st.LastSuccess, now, ev) {
		return "", false, nil
	}
	if ev == backup.Timer && st.LastFailure.After(st.LastSuccess) && now.Sub(st.LastFailure) < backupRetryAfter {
		return "", false, nil
	}
	return bs.Dir, true, nil
}
