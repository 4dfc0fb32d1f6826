package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"safeinvoice/auth"
	"safeinvoice/backup"
	"safeinvoice/internal/fsutil"
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
	// HeldBy names, for each damaged record (CheckProblem.Record), the
	// newest verified backup whose restored copy holds it intact: its
	// path and, in words, when it was made. Records no backup holds (or
	// that are no single record) are missing.
	HeldBy map[string]HeldBy
}

// HeldBy is a backup that still holds a damaged record.
type HeldBy struct {
	Path, At string
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
	signing, err := s.signingProblems()
	if err != nil && !errors.Is(err, storage.ErrDamaged) {
		return CheckResult{}, fmt.Errorf("check the signatures: %w", err)
	}
	rep.Problems = append(rep.Problems, signing...)
	res := CheckResult{CheckReport: rep}
	if res.OK() {
		return res, s.update(func(tx *storage.Tx) error {
			return tx.Audit("vault.check", "", fmt.Sprintf("%d records, %d audit entries, no problems", rep.RecordCount(), rep.AuditEntries))
		})
	}
	if !s.can(auth.PermVerifyBackups) {
		// Without the permission, no suggestion.
	} else if l, err := s.ListBackups(""); err == nil {
		var verified []BackupItem
		for _, b := range l.Backups { // newest first
			if b.Verified() {
				verified = append(verified, b)
			}
		}
		if len(verified) > 0 {
			res.RestoreFrom, res.RestoreFromAt = verified[0].Path, verified[0].Created.Local().Format("2 Jan 2006 15:04")
		}
		if res.HeldBy, err = s.findInBackups(ctx, damagedRecords(rep.Problems), verified); err != nil {
			return res, err
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
		var seqs [3]*sequence
		for i, k := range []struct{ name, pattern string }{
			{seqInvoice, cmp.Or(set.NumberPattern, invoice.DefaultPattern)},
			{seqCreditNote, cmp.Or(set.CreditNotePattern, DefaultCreditNotePattern)},
			{seqQuote, cmp.Or(set.QuotePattern, DefaultQuotePattern)},
		} {
			p, err := invoice.ParsePattern(k.pattern)
			seqs[i] = &sequence{name: k.name, pattern: p, numbers: map[uint64]string{}, judged: err == nil}
		}
		err = tx.EachInvoiceSummary(func(sum storage.InvoiceSummary) error {
			if sum.Number == "" {
				return nil
			}
			q := seqs[0]
			switch sum.Kind {
			case invoice.KindCreditNote:
				q = seqs[1]
			case invoice.KindQuote:
				q = seqs[2]
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

// maxBackupsSearched bounds the verified backups a check restores, newest
// first, to find the damaged records in.
const maxBackupsSearched = 3

// damagedRecords returns the keys of single records among problems.
func damagedRecords(problems []CheckProblem) []string {
	var keys []string
	for _, p := range problems {
		k := p.Record
		if strings.Contains(k, "/") && !strings.HasSuffix(k, "…") && !strings.HasPrefix(k, "seq/") && !strings.HasPrefix(k, "count/") {
			keys = append(keys, k)
		}
	}
	return slices.Compact(slices.Sorted(slices.Values(keys)))
}

// findInBackups restores the verified backups, newest first and at most
// maxBackupsSearched of them, each into a scratch folder that is removed
// again, until each of keys is found intact in one. A backup that cannot be
// restored is passed over; a cancelled ctx stops the search.
func (s *Session) findInBackups(ctx context.Context, keys []string, verified []BackupItem) (map[string]HeldBy, error) {
	held := map[string]HeldBy{}
	if len(keys) == 0 || len(verified) == 0 {
		return held, nil
	}
	_, _, _, key, err := s.backupFolder("")
	if err != nil {
		return held, nil
	}
	for _, b := range verified[:min(len(verified), maxBackupsSearched)] {
		var wanted []string
		for _, k := range keys {
			if _, ok := held[k]; !ok {
				wanted = append(wanted, k)
			}
		}
		if len(wanted) == 0 {
			break
		}
		found, err := s.restoredHolds(ctx, b.Path, key, wanted)
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return held, err
		}
		if err != nil {
			s.cfg.logf("app: look for damaged records in %s: %v", b.Name, err)
			continue
		}
		for k := range found {
			held[k] = HeldBy{Path: b.Path, At: b.Created.Local().Format("2 Jan 2006 15:04")}
		}
	}
	return held, nil
}

// restoredHolds restores the backup at path into a scratch folder and
// says which of keys it holds intact.
func (s *Session) restoredHolds(ctx context.Context, path string, key backup.RecoveryKey, keys []string) (map[string]bool, error) {
	chain, err := backup.Resolve(path, key)
	if err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp("", "safeinvoice-check-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err := fsutil.RemoveAll(scratch); err != nil {
			s.cfg.logf("app: remove %s: %v", scratch, err)
		}
	}()
	var found map[string]bool
	load := s.cfg.loaderThen(func(v *storage.Vault) (err error) {
		found, err = v.Holds(keys)
		return err
	})
	m, err := backup.RestoreChain(ctx, filepath.Join(scratch, "vault"), chain, key, load, nil)
	clear(m.Kit.Key)
	return found, err
}
