package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"safeinvoice/backup"
	"safeinvoice/internal/fsutil"
	"safeinvoice/storage"
)

// Rollback detection. The data directory can be put back from an old copy
// (by a person, a sync tool, a restored disk image) without SafeInvoice
// seeing it close: the copy's own seal is consistent. Two records outside
// the data directory say how far the books had come: an anchor file per
// vault in the user's configuration folder, written when a session closes
// and after every backup, and the audit checkpoint in every backup
// manifest. At login the vault's audit chain is compared with both; a
// vault that lacks anchored entries, or went on from an older state, raises
// an AlertRolledBack, and the next backup starts a new full chain.

// AlertRolledBack: the vault is older than what an anchor or a backup saw.
const AlertRolledBack = "rolled-back"

// anchorDir is where the anchors live.
func (c Config) anchorDir() (string, error) {
	if c.AnchorDir != "" {
		return c.AnchorDir, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("anchors: %w", err)
	}
	return filepath.Join(base, "SafeInvoice", "anchors"), nil
}

// anchorPath is the anchor of the vault in dataDir: one per vault and data
// directory, so that a copy restored elsewhere to look at old books is not
// taken for the original put back.
func (c Config) anchorPath(vaultID, dataDir string) (string, error) {
	dir, err := c.anchorDir()
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return "", fmt.Errorf("anchors: %w", err)
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, vaultID+"-"+hex.EncodeToString(sum[:8])+".json"), nil
}

// readAnchor returns the vault's anchor file, or false when there is none.
func (c Config) readAnchor(vaultID string) (storage.Anchor, bool, error) {
	path, err := c.anchorPath(vaultID, c.DataDir)
	if err != nil {
		// No configuration folder (no home directory): no anchor, which
		// says nothing about the books.
		return storage.Anchor{}, false, nil
	}
	return c.readAnchorAt(path)
}

// readAnchorAt reads the anchor file at path.
func (c Config) readAnchorAt(path string) (storage.Anchor, bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return storage.Anchor{}, false, nil
	}
	if err != nil {
		return storage.Anchor{}, false, fmt.Errorf("read the anchor: %w", err)
	}
	var a storage.Anchor
	if err := json.Unmarshal(data, &a); err != nil {
		return storage.Anchor{}, true, fmt.Errorf("anchor %s: %w", path, storage.ErrBadAnchor)
	}
	return a, true, nil
}

// writeAnchor records the vault's audit head in its anchor file, unless
// the vault is known to be behind its anchors (the anchor then keeps what
// the newer books had, until an administrator acknowledges the alert).
func (s *Session) writeAnchor() error {
	if s.rolledBack {
		return nil
	}
	return writeAnchorOf(s.cfg, s.vault, s.cfg.DataDir, true)
}

// writeAnchorOf writes the anchor of the open vault v for dataDir. With
// carry, a signed head the old anchor has that is newer than the books'
// stays in it; without (after a restore or an acknowledged alert, which
// make these books the reference on purpose), the books' own is taken.
func writeAnchorOf(cfg Config, v *storage.Vault, dataDir string, carry bool) error {
	a, err := v.NewAnchor()
	if err != nil {
		return err
	}
	path, err := cfg.anchorPath(a.VaultID, dataDir)
	if err != nil {
		return err
	}
	// The newest head an administrator signed travels with the anchor:
	// the books' newest, or the one the anchor had, if that is newer (a
	// trail cut off in the books must not take it along).
	if err := v.View(func(tx *storage.Tx) error {
		h, ok, err := tx.NewestSignedHead()
		if ok {
			a.Signed = &h
		}
		return err
	}); err != nil {
		return err
	}
	if old, ok, err := cfg.readAnchorAt(path); carry && err == nil && ok && old.Signed != nil && (a.Signed == nil || old.Signed.Seq > a.Signed.Seq) {
		a.Signed = old.Signed
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("anchors: %w", err)
	}
	data, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return err
	}
	if err := fsutil.WriteBytes(path, append(data, '\n'), 0o600, false); err != nil {
		return fmt.Errorf("write the anchor: %w", err)
	}
	return nil
}

// rollbackAgainst compares the vault with its anchor file and with the
// newest backup in the backup folder (m, when haveManifest), and says, in a
// sentence, how the vault is behind them ("" when it is not).
func (s *Session) rollbackAgainst(m backup.Manifest, haveManifest bool) string {
	var problems []string
	a, ok, err := s.cfg.readAnchor(s.vault.ID())
	switch {
	case errors.Is(err, storage.ErrBadAnchor):
		problems = append(problems, "its anchor file was altered")
	case err != nil:
		// An unreadable file (permissions) is no evidence either way.
		s.cfg.logf("app: %v", err)
	case ok:
		pos, err := s.vault.CompareAnchor(a, true)
		switch {
		case errors.Is(err, storage.ErrBadAnchor):
			problems = append(problems, "its anchor file was altered")
		case err == nil && pos.Behind():
			problems = append(problems, describeBehind(pos, "when it was last closed, "+a.Time.Local().Format("2 Jan 2006 15:04")))
		}
	}
	if haveManifest {
		a := storage.Anchor{VaultID: m.VaultID, Seq: m.Audit.Seq, Hash: m.Audit.Hash}
		if pos, err := s.vault.CompareAnchor(a, false); err == nil && pos.Behind() {
			problems = append(problems, describeBehind(pos, "than its backup of "+m.Created.Local().Format("2 Jan 2006 15:04")))
		}
	}
	if len(problems) == 0 {
		return ""
	}
	msg := "These books do not match what was recorded of them outside the data folder: " + problems[0]
	for _, p := range problems[1:] {
		msg += "; " + p
	}
	return msg + ". It may have been put back from an old copy. Restore the newest backup, or acknowledge this alert to carry on from here; backups start a new full chain."
}

func describeBehind(pos storage.AnchorPosition, than string) string {
	if pos.Missing > 0 {
		return fmt.Sprintf("%d audit entries are missing compared with the books %s", pos.Missing, than)
	}
	return "its audit trail went on from an older state " + than
}

// newestManifest returns the manifest of the newest backup of this vault in
// the backup folder.
func (s *Session) newestManifest() (backup.Manifest, bool) {
	dir, _, _, key, err := s.backupFolder("")
	if err != nil {
		return backup.Manifest{}, false
	}
	l, err := backup.List(dir)
	if err != nil {
		return backup.Manifest{}, false
	}
	tag := backup.VaultTag(s.vault.ID())
	for i := len(l.Backups) - 1; i >= 0; i-- {
		if l.Backups[i].Tag != tag {
			continue
		}
		m, err := backup.ReadManifest(l.Backups[i], key)
		if err != nil {
			continue
		}
		clear(m.Kit.Key)
		return m, true
	}
	return backup.Manifest{}, false
}
