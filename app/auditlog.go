package app

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"safeinvoice/auth"
	"safeinvoice/interchange"
	"safeinvoice/storage"
)

// AuditEntry is one event of the audit trail.
type AuditEntry = storage.AuditEntry

// AuditFilter selects audit entries; zero fields match everything.
type AuditFilter struct {
	User   string
	Action string // a prefix: "invoice." matches every invoice action
	From   string // "YYYY-MM-DD", inclusive
	To     string
	// Limit caps the result (newest first); 0 means 500.
	Limit int
}

// AuditLog returns audit entries matching f, newest first.
func (s *Session) AuditLog(f AuditFilter) ([]AuditEntry, error) {
	if err := s.require(auth.PermViewAuditLog); err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	var out []AuditEntry
	err := s.view(func(tx *storage.Tx) error {
		return tx.EachAudit(1, func(e storage.AuditEntry) error {
			day := e.Time.UTC().Format("2006-01-02")
			if (f.User != "" && e.User != f.User) || !strings.HasPrefix(e.Action, f.Action) ||
				(f.From != "" && day < f.From) || (f.To != "" && day > f.To) {
				return nil
			}
			out = append(out, e)
			if len(out) > limit {
				out = out[1:]
			}
			return nil
		})
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

// ExportAuditCSV writes the audit entries matching f (all of them when
// f.Limit is 0), oldest first, as CSV (formula-injection safe, UTF-8 with a
// byte-order mark), and records the export in the trail itself.
func (s *Session) ExportAuditCSV(w io.Writer, f AuditFilter) (int, error) {
	if err := s.require(auth.PermExportAudit); err != nil {
		return 0, err
	}
	if f.Limit <= 0 {
		f.Limit = math.MaxInt
	}
	entries, err := s.AuditLog(f)
	if err != nil {
		return 0, err
	}
	if err := s.exportStarted("export.audit", "", len(entries), "entries", ""); err != nil {
		return 0, fmt.Errorf("export audit log: %w", err)
	}
	if _, err := w.Write(interchange.BOM); err != nil {
		return 0, fmt.Errorf("export audit log: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"seq", "time", "user", "action", "object", "detail"}); err != nil {
		return 0, fmt.Errorf("export audit log: %w", err)
	}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if err := cw.Write([]string{strconv.FormatUint(e.Seq, 10), e.Time.UTC().Format(time.RFC3339),
			interchange.Neutralize(e.User), interchange.Neutralize(e.Action), interchange.Neutralize(e.Object), interchange.Neutralize(e.Detail)}); err != nil {
			return 0, fmt.Errorf("export audit log: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return 0, fmt.Errorf("export audit log: %w", err)
	}
	err = s.update(func(tx *storage.Tx) error {
		return tx.Audit("export.audit", "", fmt.Sprintf("%d entries", len(entries)))
	})
	return len(entries), err
}

// startAuditCheck verifies the audit chain in the background: from where
// the last session verified and closed it when the vault was left cleanly
// and unchanged, in full otherwise. found, if not nil, is a problem already
// known.
// fileCheckAfter is how long after login the database files' checksums
// are verified, when the window leaves that to after login
// (Config.BackgroundFileCheck): long enough for the first screen.
const fileCheckAfter = 3 * time.Second

func (s *Session) startAuditCheck(found error) {
	ctx, cancel := context.WithCancel(context.Background())
	s.auditDone, s.auditCancel = make(chan struct{}), cancel
	status, head := s.vault.Seal()
	go func() {
		defer close(s.auditDone)
		var err error
		if status == storage.SealOK {
			_, err = s.vault.VerifyAuditSince(ctx, head)
		} else {
			_, err = s.vault.VerifyAuditContext(ctx)
		}
		if errors.Is(err, context.Canceled) {
			err = nil
		}
		s.auditErr = cmp.Or(found, err)
		if s.auditErr != nil && ctx.Err() == nil {
			s.alertAuditBroken(s.auditErr)
		}
	}()
	// The database files' checksums, once the first screen is up (at
	// once, and already done, unless Config.BackgroundFileCheck).
	s.filesDone = make(chan struct{})
	go func() {
		defer close(s.filesDone)
		if s.cfg.BackgroundFileCheck {
			select {
			case <-ctx.Done():
				return
			case <-time.After(fileCheckAfter):
			}
		}
		if ferr := s.vault.FileCheck(); ferr != nil && ctx.Err() == nil {
			_ = s.reportDamage(ferr)
		}
	}()
}

// alertAuditBroken raises an alert for a broken chain, unless one is still
// unacknowledged. Appending fails when the chain's head itself is broken;
// then the window's notice is all there is.
func (s *Session) alertAuditBroken(problem error) {
	_ = s.update(func(tx *storage.Tx) error {
		open := false
		if err := tx.EachAlert(func(a storage.Alert) error {
			open = open || (a.Kind == AlertAuditBroken && a.AckBy == "")
			return nil
		}); err != nil || open {
			return err
		}
		if err := s.raiseAlert(tx, AlertAuditBroken, "the audit trail failed verification: "+problem.Error()); err != nil {
			return err
		}
		return tx.Audit("audit.broken", "", problem.Error())
	})
}

// AuditProblem waits for the audit verification started at login and
// returns what it found (an *storage.AuditError), or nil if the chain is
// intact.
func (s *Session) AuditProblem() error {
	if s.auditDone == nil {
		return nil // a session from Init: the chain was just created
	}
	<-s.auditDone
	return s.auditErr
}

// AuditChecked reports whether the verification started at login has
// finished, without waiting.
func (s *Session) AuditChecked() bool {
	if s.auditDone == nil {
		return true
	}
	select {
	case <-s.auditDone:
		return true
	default:
		return false
	}
}

// VerifyAudit verifies the whole audit chain now, then holds it against
// every head administrators signed (SignedHeadProblems): a chain that is
// consistent in itself but shorter than, or off, a signed head fails with
// a *SignedHeadError.
func (s *Session) VerifyAudit() (storage.AuditReport, error) {
	if err := s.require(auth.PermVerifyAudit); err != nil {
		return storage.AuditReport{}, err
	}
	rep, err := s.vault.VerifyAudit()
	if err != nil {
		return rep, err
	}
	problems, err := s.signedHeadProblems(true)
	if err != nil {
		return rep, err
	}
	if len(problems) > 0 {
		return rep, &SignedHeadError{Problems: problems}
	}
	return rep, nil
}

// SignedHeadError is an audit chain that verifies in itself but does not
// hold what administrators signed: it was cut or rewritten by someone
// with the vault's keys but not the administrators'.
type SignedHeadError struct {
	Problems []string
}

func (e *SignedHeadError) Error() string {
	return "the audit trail does not match what administrators signed: " + strings.Join(e.Problems, "; ")
}

// Unwrap makes errors.Is(err, storage.ErrAuditBroken) true.
func (e *SignedHeadError) Unwrap() error { return storage.ErrAuditBroken }
