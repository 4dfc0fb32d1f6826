package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"safeinvoice/auth"
	"safeinvoice/backup"
	"safeinvoice/storage"
)

// ParseBackupRecipient checks an extra backup recipient; see
// backup.ParseRecipient.
func ParseBackupRecipient(s string) (string, error) { return backup.ParseRecipient(s) }

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

// BackupState is the vault's record of its backups.
type BackupState = storage.BackupState

// BackupState returns the vault's record of its backups: the last success
// and failure, for the dashboard's "last backup" and alerts.
func (s *Session) BackupState() (BackupState, error) {
	return read(s, (*storage.Tx).BackupState)
}
