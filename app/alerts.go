package app

import (
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
)

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
	err := s.vault.View(func(tx *storage.Tx) error {
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
	return s.update(func(tx *storage.Tx) error {
		a, err := tx.Alert(seq)
		if err != nil {
			return err
		}
		if a.AckBy != "" {
			return nil
		}
		a.AckBy, a.AckTime = s.user.Name, tx.Now().UTC()
		if err := tx.PutAlert(a); err != nil {
			return err
		}
		return tx.Audit("alert.ack", "", a.Kind)
	})
}
