package app

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"safeinvoice/auth"
	"safeinvoice/backup"
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

// update runs fn in a vault transaction on behalf of the logged-in user.
// Alerts raised in fn (raiseAlert) are handed to OnAlert once it commits,
// and forgotten if it does not. The session's updates take turns (the
// vault serialises writers anyway), which keeps each one's alerts apart.
func (s *Session) update(fn func(tx *storage.Tx) error) error {
	s.updateMu.Lock()
	defer s.updateMu.Unlock()
	s.alertMu.Lock()
	s.raised = nil
	s.alertMu.Unlock()
	err := s.vault.Update(s.user.Name, func(tx *storage.Tx) error {
		s.alertMu.Lock()
		s.raised = nil // a retried transaction starts over
		s.alertMu.Unlock()
		return fn(tx)
	})
	s.alertMu.Lock()
	raised, notify := s.raised, s.onAlert
	s.raised = nil
	s.alertMu.Unlock()
	if err == nil && notify != nil && s.user.Role == auth.RoleAdministrator {
		for _, a := range raised {
			notify(a)
		}
	}
	return err
}

// raiseAlert stores an alert inside tx, so that it is written together with
// what caused it, and, once tx commits, tells the window (OnAlert) so that
// it can show a desktop notification to an administrator. Only for use
// inside update.
func (s *Session) raiseAlert(tx *storage.Tx, kind, message string) error {
	a, err := tx.AddAlert(kind, message)
	if err != nil {
		return err
	}
	s.alertMu.Lock()
	s.raised = append(s.raised, a)
	s.alertMu.Unlock()
	return nil
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
