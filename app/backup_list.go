package app

import (
	"slices"
	"time"

	"safeinvoice/auth"
	"safeinvoice/backup"
)

// BackupItem is one backup of this vault in a backup folder.
type BackupItem struct {
	// Name is the data file's name and Path its path.
	Name string
	Path string
	// Created and Kind are read from the file name; the manifest, when it
	// can be read, says the same.
	Created time.Time
	Kind    backup.Kind
	// Manifest is the decrypted manifest, without the secret restore kit;
	// the zero value when it could not be read.
	Manifest backup.Manifest
	// Unreadable says why the manifest could not be read (nil when it
	// could): such a backup cannot be restored.
	Unreadable error
	// Checked is when the last "Verify all" looked at this backup (zero:
	// never) and Problem what it found wrong ("" for a good backup).
	Checked time.Time
	Problem string
}

// Verified reports whether the last verification found the backup good.
func (b BackupItem) Verified() bool {
	return !b.Checked.IsZero() && b.Problem == "" && b.Unreadable == nil
}

// BackupListing is what ListBackups found in a folder.
type BackupListing struct {
	Dir string
	// Backups are this vault's backups, newest first.
	Backups []BackupItem
	// Others counts the backups of other vaults and the files that are
	// not backups (a half-written backup, an orphan manifest).
	Others int
}

// ListBackups lists this vault's backups in dir ("" means the backup
// folder) without verifying them: each manifest is decrypted (small files)
// and paired with the outcome of the last VerifyBackups, so the Backups
// screen can show every backup and its verification status at once. It
// needs the verify-backups permission.
func (s *Session) ListBackups(dir string) (BackupListing, error) {
	if err := s.require(auth.PermVerifyBackups); err != nil {
		return BackupListing{}, err
	}
	dir, _, state, key, err := s.backupFolder(dir)
	if err != nil {
		return BackupListing{}, err
	}
	abs, err := checkBackupDir(dir)
	if err != nil {
		return BackupListing{}, err
	}
	l, err := backup.List(abs)
	if err != nil {
		return BackupListing{}, err
	}
	out := BackupListing{Dir: abs, Others: len(l.Ignored)}
	tag := backup.VaultTag(s.vault.ID())
	for _, e := range l.Backups {
		if e.Tag != tag {
			out.Others++
			continue
		}
		item := BackupItem{Name: e.Name, Path: e.Path, Created: e.Created, Kind: e.Kind}
		if m, err := backup.ReadManifest(e, key); err != nil {
			item.Unreadable = err
		} else {
			item.Manifest = m.Public()
			clear(m.Kit.Key)
		}
		if c, ok := state.Checked[e.Name]; ok {
			item.Checked, item.Problem = c.At, c.Problem
		}
		out.Backups = append(out.Backups, item)
	}
	slices.Reverse(out.Backups) // List is oldest first
	return out, nil
}
