package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"safeinvoice/auth"
	"safeinvoice/invoice"
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
// invoices, clients, summaries and numbers, the kept counts, the audit
// chain, and the numbering (numberingGaps). Problems raise an administrator alert and are written in the
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
	gaps, err := s.numberingGaps()
	if err != nil && !errors.Is(err, storage.ErrDamaged) {
		return CheckResult{}, fmt.Errorf("check the numbering: %w", err)
	}
	rep.Problems = append(rep.Problems, gaps...)
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

// maxGapsReported bounds the numbering problems one check lists.
const maxGapsReported = 20

// numberingGaps reports each value of the invoice and credit-note
// sequences, up to the sequence's current value, that no invoice's number
// carries: an invoice that was issued and then lost. It judges a sequence
// only when every numbered invoice of its kind is written in the current
// pattern; after a change of pattern the old numbers' values are not
// known, and nothing is reported for that kind.
func (s *Session) numberingGaps() ([]CheckProblem, error) {
	var problems []CheckProblem
	err := s.view(func(tx *storage.Tx) error {
		set, err := tx.Settings()
		if err != nil {
			return err
		}
		type sequence struct {
			name    string
			pattern invoice.Pattern
			numbers map[uint64]string
			judged  bool
		}
		var seqs [2]*sequence
		for i, k := range []struct{ name, pattern string }{
			{seqInvoice, cmp.Or(set.NumberPattern, invoice.DefaultPattern)},
			{seqCreditNote, cmp.Or(set.CreditNotePattern, DefaultCreditNotePattern)},
		} {
			p, err := invoice.ParsePattern(k.pattern)
			seqs[i] = &sequence{name: k.name, pattern: p, numbers: map[uint64]string{}, judged: err == nil}
		}
		err = tx.EachInvoiceSummary(func(sum storage.InvoiceSummary) error {
			if sum.Number == "" {
				return nil
			}
			q := seqs[0]
			if sum.Kind == invoice.KindCreditNote {
				q = seqs[1]
			}
			if n, ok := q.pattern.Seq(sum.Number); ok {
				q.numbers[n] = sum.Number
			} else {
				q.judged = false
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, q := range seqs {
			if !q.judged {
				continue
			}
			top, err := tx.Seq(q.name)
			if err != nil {
				return err
			}
			var missing []uint64
			for n := uint64(1); n <= top; n++ {
				if _, ok := q.numbers[n]; !ok {
					missing = append(missing, n)
				}
			}
			for i, n := range missing {
				if i == maxGapsReported {
					problems = append(problems, CheckProblem{Record: "seq/" + q.name,
						Problem: fmt.Sprintf("and %d more numbers of the sequence that no invoice carries", len(missing)-i)})
					break
				}
				where := ""
				if before, ok := q.numbers[n-1]; ok {
					where = " after " + before
				} else if after, ok := q.numbers[n+1]; ok {
					where = " before " + after
				}
				problems = append(problems, CheckProblem{Record: "seq/" + q.name,
					Problem: fmt.Sprintf("number %d of the sequence%s was given out, and no invoice carries it (a gap in the numbering)", n, where)})
			}
		}
		return nil
	})
	return problems, err
}
