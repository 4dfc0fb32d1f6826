package app

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"safeinvoice/auth"
	"safeinvoice/storage"
)

// update runs fn in a vault transaction on behalf of the logged-in user.
// Alerts raised in fn (raiseAlert) are handed to OnAlert once it commits,
// and forgotten if it does not. The session's updates take turns (the
// vault serialises writers anyway), which keeps each one's alerts apart.
func (s *Session) update(fn func(tx *storage.Tx) error) error {
	return s.reportDamage(s.updateLocked(fn))
}

// updateLocked is update without the damage report, which writes an
// alert of its own and so must run after the turn is given up.
func (s *Session) updateLocked(fn func(tx *storage.Tx) error) error {
	return s.updateIn(nil, fn)
}

// updateStaged is update as a part of the staged change st.
func (s *Session) updateStaged(st *storage.Staged, fn func(tx *storage.Tx) error) error {
	return s.reportDamage(s.updateIn(st, fn))
}

// updateIn is updateLocked, as a part of st if that is not nil.
func (s *Session) updateIn(st *storage.Staged, fn func(tx *storage.Tx) error) error {
	s.updateMu.Lock()
	defer s.updateMu.Unlock()
	s.alertMu.Lock()
	s.raised = nil
	s.alertMu.Unlock()
	run := func(tx *storage.Tx) error {
		s.alertMu.Lock()
		s.raised = nil // a retried transaction starts over
		s.alertMu.Unlock()
		return fn(tx)
	}
	var err error
	if st != nil {
		err = st.Update(run)
	} else {
		err = s.vault.Update(s.user.Name, run)
	}
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

// newID returns a random record id.
func newID() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// today is the session clock's calendar date, "YYYY-MM-DD".
func (s *Session) today() string { return s.cfg.now().Format("2006-01-02") }

// Today is the session's date, YYYY-MM-DD, on its clock.
func (s *Session) Today() string { return s.today() }

// read runs get in a read-only transaction and returns its value.
func read[T any](s *Session, get func(tx *storage.Tx) (T, error)) (T, error) {
	var v T
	err := s.view(func(tx *storage.Tx) error {
		var err error
		v, err = get(tx)
		return err
	})
	return v, err
}

// view runs fn in a read-only vault transaction; damage it meets is
// reported (reportDamage).
func (s *Session) view(fn func(tx *storage.Tx) error) error {
	return s.reportDamage(s.vault.View(fn))
}

// require returns an error naming the missing permission unless the
// session's role has it; it is how every use case starts. A refusal is
// audited ("access.denied": who tried what), and the refusalsAlerted-th
// refusal of a user within an hour raises an AlertRefused. It must not be
// called inside an update (it writes one of its own); use can for a
// silent test of what to offer.
func (s *Session) require(p auth.Permission) error {
	err := auth.Check(s.user.Role, p)
	if err != nil {
		s.recordRefusal(p)
	}
	return err
}

// can reports whether the session's role has p, without auditing a no.
func (s *Session) can(p auth.Permission) bool { return s.user.Role.Can(p) }

// refusalsAlerted is how many refusals of one user within refusalWindow
// raise an alert: someone is trying what their role does not allow.
const (
	refusalsAlerted = 5
	refusalWindow   = time.Hour
	// refusalLookBack bounds how many of the newest audit entries are read
	// to count a user's refusals.
	refusalLookBack = 1000
)

// recordRefusal audits a refused use of p. The refusal stands whether or not
// its entry could be written; a failure to write it is logged.
func (s *Session) recordRefusal(p auth.Permission) {
	now := s.cfg.now()
	err := s.update(func(tx *storage.Tx) error {
		head, err := tx.AuditCheckpoint()
		if err != nil {
			return err
		}
		n := 1 // this one
		from := uint64(1)
		if head.Seq > refusalLookBack {
			from = head.Seq - refusalLookBack
		}
		err = tx.EachAudit(from, func(e storage.AuditEntry) error {
			if e.Action == "access.denied" && e.User == s.user.Name && now.Sub(e.Time) < refusalWindow {
				n++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if n == refusalsAlerted {
			if err := s.raiseAlert(tx, AlertRefused, fmt.Sprintf("%s %s was refused %d actions within an hour, the last: %s",
				s.user.Role, s.user.Name, n, p)); err != nil {
				return err
			}
		}
		return tx.Audit("access.denied", string(p), fmt.Sprintf("%s %s may not %s", s.user.Role, s.user.Name, p))
	})
	if err != nil {
		s.cfg.logf("app: audit a refusal: %v", err)
	}
}
