package app

import (
	"fmt"
	"path/filepath"
	"time"

	"safeinvoice/backup"
)

// RestorePreview describes what a backup would restore, read from its
// decrypted manifests without writing anything.
type RestorePreview struct {
	// Backup is the path of the backup that would be restored (the newest
	// of a folder) and Created its time.
	Backup  string
	Created time.Time
	// Kind is the backup's kind; Files is the length of its chain (the full
	// backup and the incremental ones it builds on, 1 for a full backup).
	Kind  backup.Kind
	Files int
	// VaultID identifies the vault the backup was made of.
	VaultID string
	// Invoices, Clients, Users and AuditEntries are the record counts at
	// backup time; Records is the number of live records of every kind.
	Invoices     int
	Clients      int
	Users        int
	AuditEntries int
	Records      int
	// TargetHasVault reports whether cfg's data directory already holds a
	// vault, which a restore would move aside.
	TargetHasVault bool
}

// PreviewRestore resolves the backup at from (a backup's data or manifest
// file, or a folder for its newest backup), decrypts its manifest and those
// of the backups it builds on with recoveryKey (the content of the recovery
// key file), checks the links of the chain, and says what a restore into
// cfg.DataDir would bring back. Nothing is written. A key that does not
// open the backup is ErrBackupWrongKey; a foreign or damaged file, or a gap
// in the chain, is one of the backup package's other sentinel errors. The
// data files themselves are checked only by Restore.
func PreviewRestore(cfg Config, from string, recoveryKey []byte) (RestorePreview, error) {
	key, err := backup.ParseKeyFile(recoveryKey)
	if err != nil {
		return RestorePreview{}, err
	}
	chain, err := backup.Resolve(from, key)
	if err != nil {
		return RestorePreview{}, err
	}
	if len(chain) == 0 {
		return RestorePreview{}, fmt.Errorf("%s: %w", from, backup.ErrNoBackup)
	}
	for i := range chain {
		clear(chain[i].Manifest.Kit.Key) // the preview needs no secret
	}
	last := chain[len(chain)-1]
	m := last.Manifest.Public()
	p := RestorePreview{
		Backup:         last.Path,
		Created:        m.Created,
		Kind:           m.Kind,
		Files:          len(chain),
		VaultID:        m.VaultID,
		Invoices:       m.Counts["invoice"],
		Clients:        m.Counts["client"],
		Users:          m.Counts["user"],
		AuditEntries:   m.Counts["audit"],
		Records:        m.Records(),
		TargetHasVault: cfg.VaultExists(),
	}
	if abs, err := filepath.Abs(p.Backup); err == nil {
		p.Backup = abs
	}
	return p, nil
}
