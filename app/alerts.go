package app

import (
	"errors"
	"fmt"
	"slices"

	"safeinvoice/auth"
	"safeinvoice/storage"
)

// Alert is a notice for administrators (see storage.Alert).
type Alert = storage.Alert

// Alert kinds.
const (
	AlertFailedLogins  = "failed-logins"
	AlertAuditBroken   = "audit-broken"
	AlertChangedClosed = "changed-while-closed"
	AlertBulkExport    = "bulk-export"
	AlertRestore       = "restore"
	AlertUsers         = "users"
	AlertPolicy        = "policy"
	AlertBackup        = "backup"
	AlertDamaged       = "damaged"
	// AlertRefused: a user was refused several actions their role does
	// not allow within an hour.
	AlertRefused = "refused"
	// AlertLockoutJournal: the failed-login journal was damaged, removed
	// or edited outside SafeInvoice.
	AlertLockoutJournal = "lockout-journal"
)

// ErrDamaged means a record of the vault failed its integrity check (see
// storage.ErrDamaged): the books were changed outside SafeInvoice or
// damaged on disk. Restore them from a backup.
var ErrDamaged = storage.ErrDamaged

// reportDamage raises an AlertDamaged, once per damaged record and
// session, when err says a record is damaged, and returns err. The alert
// is written in a transaction of its own, so it stays when what found the
// damage fails; if the damage keeps even that from being written, the
// error still reaches the user.
func (s *Session) reportDamage(err error) error {
	if !errors.Is(err, storage.ErrDamaged) {
		return err
	}
	record := "the database files"
	var de *storage.DamagedError
	if errors.As(err, &de) {
		record = de.Record
	}
	s.alertMu.Lock()
	seen := s.damageSeen[record]
	if s.damageSeen == nil {
		s.damageSeen = map[string]bool{}
	}
	s.damageSeen[record] = true
	s.alertMu.Unlock()
	if seen {
		return err
	}
	_ = s.update(func(tx *storage.Tx) error {
		msg := fmt.Sprintf("The books are damaged: %v. Restore them from the newest backup that verifies.", err)
		if err := s.raiseAlert(tx, AlertDamaged, msg); err != nil {
			return err
		}
		return tx.Audit("vault.damaged", "", record)
	})
	return err
}

// SetOnAlert registers fn to be called with every alert this session raises,
// when the logged-in user is an administrator (the window turns them into
// desktop notifications). fn runs on the goroutine that made the change.
func (s *Session) SetOnAlert(fn func(Alert)) {
	s.alertMu.Lock()
	s.onAlert = fn
	s.alertMu.Unlock()
}

// Alerts returns the alerts, newest first; with unseenOnly, only those not
// yet acknowledged.
func (s *Session) Alerts(unseenOnly bool) ([]Alert, error) {
	if err := s.require(auth.PermViewAlerts); err != nil {
		return nil, err
	}
	var out []Alert
	err := s.view(func(tx *storage.Tx) error {
		return tx.EachAlert(func(a storage.Alert) error {
			if !unseenOnly || a.AckBy == "" {
				out = append(out, a)
			}
			return nil
		})
	})
	slices.Reverse(out)
	return out, err
}

// AckAlert marks an alert as seen by the logged-in administrator.
func (s *Session) AckAlert(seq uint64) error {
	if err := s.require(auth.PermViewAlerts); err != nil {
		return err
	}
	var kind string
	err := s.update(func(tx *storage.Tx) error {
		a, err := tx.Alert(seq)
		if err != nil {
			return err
		}
		if a.AckBy != "" {
			return nil
		}
		kind = a.Kind
		a.AckBy, a.AckTime = s.user.Name, tx.Now().UTC()
		if err := tx.PutAlert(a); err != nil {
			return err
		}
		return tx.Audit("alert.ack", "", a.Kind)
	})
	if err != nil || (kind != AlertRolledBack && kind != AlertSigning) {
		return err
	}
	// The administrator carries on from these books: they are the
	// anchor from now on, and signed heads they no longer hold are
	// dropped.
	s.rolledBack = false
	if kind == AlertSigning {
		if err := s.dropOffChainHeads(); err != nil {
			return err
		}
	}
	return writeAnchorOf(s.cfg, s.vault, s.cfg.DataDir, false)
}
