package app

import (
	"fmt"

	"safeinvoice/auth"
	"safeinvoice/backup"
	"safeinvoice/pdf"
	"safeinvoice/storage"
)

// recoveryPermission guards the recovery key: whoever holds it can read
// every backup, which is what restoring needs, so the key is given to those
// who may restore (administrators only).
const recoveryPermission = auth.PermRestore

// RecoveryKitPDF returns the recovery kit: a one-page PDF with the vault's
// recovery key as text and as a QR code, the business name, the vault id,
// today's date, and what to do with it (see pdf.RecoveryKit). Only an
// administrator may make it (auth.PermRestore). Making it is audited as
// "recovery.kit"; the PDF is returned only once that entry is written. The
// caller holds the key in memory and should write it only where the user
// chose (mode 0600, never over an existing file).
func (s *Session) RecoveryKitPDF() ([]byte, error) {
	key, settings, err := s.recoveryKeyFor()
	if err != nil {
		return nil, err
	}
	data, err := pdf.RecoveryKit(pdf.KitInfo{
		Business:  settings.BusinessName,
		VaultID:   s.vault.ID(),
		Created:   s.cfg.now(),
		Identity:  key.Identity,
		Recipient: key.Recipient,
	})
	if err != nil {
		return nil, err
	}
	if err := s.update(func(tx *storage.Tx) error {
		return tx.Audit("recovery.kit", "", "recovery kit PDF made")
	}); err != nil {
		return nil, err
	}
	return data, nil
}

// RecoveryKeyFile returns the vault's recovery key as an age identity file
// (backup.RecoveryKey.KeyFile), which `safeinvoice restore --recovery-key`
// and `age -d -i` read. Only an administrator may have it (auth.PermRestore).
// It is audited as "recovery.key"; the file is returned only once that
// entry is written.
func (s *Session) RecoveryKeyFile() ([]byte, error) {
	key, settings, err := s.recoveryKeyFor()
	if err != nil {
		return nil, err
	}
	data := key.KeyFile(s.vault.ID(), settings.BusinessName, s.cfg.now())
	if err := s.update(func(tx *storage.Tx) error {
		return tx.Audit("recovery.key", "", "recovery key file made")
	}); err != nil {
		return nil, err
	}
	return data, nil
}

// recoveryKeyFor checks the permission and reads the recovery key and the
// settings.
func (s *Session) recoveryKeyFor() (backup.RecoveryKey, storage.Settings, error) {
	if err := s.require(recoveryPermission); err != nil {
		return backup.RecoveryKey{}, storage.Settings{}, err
	}
	var key backup.RecoveryKey
	var settings storage.Settings
	err := s.view(func(tx *storage.Tx) error {
		var err error
		if key, err = recoveryKey(tx); err != nil {
			return err
		}
		if settings, err = tx.Settings(); err != nil {
			return fmt.Errorf("settings: %w", err)
		}
		return nil
	})
	return key, settings, err
}
