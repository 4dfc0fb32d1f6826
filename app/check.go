package app

import (
	"context"
	"errors"
	"fmt"

	"safeinvoice/auth"
	"safeinvoice/storage"
)

// CheckProblem is one thing the check found wrong (see storage.Check).
type CheckProblem = storage.CheckProblem

// CheckResult is what CheckBooks read and found.
type CheckResult struct {
	storage.CheckReport
	// RestoreFrom is, when there are problems, the newest backup in the
	// backup folder that its last verification found good: what to
	// restore the books from. Empty when there is none, or no folder.
	RestoreFrom string
	// RestoreFromAt says when that backup was made, in words.
	RestoreFromAt string
}

// OK reports whether the books are intact.
func (r CheckResult) OK() bool { return len(r.Problems) == 0 }

// CheckBooks reads every record of the vault and checks it (see
// storage.Vault.Check): integrity tags, decoding, the links between
// invoices, clients, summaries and numbers, the kept counts, and the audit
// chain. Problems raise an administrator alert and are written in the
// trail; with problems, the result names the newest verified backup to
// restore from. It needs the verify-audit permission. progress counts
// records.
func (s *Session) CheckBooks(ctx context.Context, progress Progress) (CheckResult, error) {
	if err := s.require(auth.PermVerifyAudit); err != nil {
		return CheckResult{}, err
	}
	rep, err := s.vault.Check(ctx, progress.report)
	if err != nil {
		return CheckResult{}, fmt.Errorf("check the books: %w", err)
	}
	res := CheckResult{CheckReport: rep}
	if res.OK() {
		return res, s.update(func(tx *storage.Tx) error {
			return tx.Audit("vault.check", "", fmt.Sprintf("%d records, %d audit entries, no problems", rep.RecordCount(), rep.AuditEntries))
		})
	}
	if l, err := s.ListBackups(""); err == nil { // without the permission, no suggestion
		for _, b := range l.Backups {
			if b.Verified() {
				res.RestoreFrom, res.RestoreFromAt = b.Path, b.Created.Local().Format("2 Jan 2006 15:04")
				break
			}
		}
	}
	msg := fmt.Sprintf("A check of the books found %d problems, the first: %s.", len(rep.Problems), rep.Problems[0])
	if res.RestoreFrom != "" {
		msg += fmt.Sprintf(" Restore them from the backup of %s (%s).", res.RestoreFromAt, res.RestoreFrom)
	} else {
		msg += " No verified backup was found to restore them from."
	}
	err = s.update(func(tx *storage.Tx) error {
		if err := s.raiseAlert(tx, AlertDamaged, msg); err != nil {
			return err
		}
		return tx.Audit("vault.check", "", fmt.Sprintf("%d problems", len(rep.Problems)))
	})
	if err != nil && !errors.Is(err, storage.ErrDamaged) {
		return res, err
	}
	return res, nil
}
