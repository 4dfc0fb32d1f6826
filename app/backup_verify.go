package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"safeinvoice/auth"
	"safeinvoice/backup"
	"safeinvoice/internal/fsutil"
	"safeinvoice/storage"
)

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
	// Pinned are kept whatever the policy says: they hold audit entries
	// the vault does not have (it was put back from an older copy), so
	// they may be the only copy of newer books.
	Pinned []string
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
	var pinned []string
	for _, r := range rep.Results {
		it := backup.Item{Name: r.Name, Created: r.Created, Kind: r.Kind,
			Parent: r.Manifest.Parent, Verified: r.Err == nil, Pinned: s.holdsMore(r.Manifest)}
		if it.Pinned {
			pinned = append(pinned, r.Name)
		}
		items = append(items, it)
		paths[r.Name] = r.Entry
	}
	keep, remove := backup.Plan(items, bs.Retention, time.Local)
	res := PruneResult{Kept: keep, Pinned: pinned}
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
		return tx.Audit("backup.prune", "", fmt.Sprintf("kept %d (%d holding books newer than these), removed %d backups", len(keep), len(pinned), len(res.Removed)))
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("record the pruning: %w", err))
	}
	return res, errors.Join(errs...)
}

// holdsMore reports whether the backup of manifest m holds audit entries
// that this vault lacks or that differ from its own: the vault is behind
// it, so the backup may be the only copy of newer books.
func (s *Session) holdsMore(m backup.Manifest) bool {
	if m.VaultID != s.vault.ID() || m.Audit.Seq == 0 {
		return false
	}
	pos, err := s.vault.CompareAnchor(storage.Anchor{VaultID: m.VaultID, Seq: m.Audit.Seq, Hash: m.Audit.Hash}, false)
	return err == nil && pos.Behind()
}
