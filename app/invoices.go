package app

import (
	"cmp"
	"errors"
	"fmt"
	"strings"
	"time"

	"safeinvoice/app/internal/search"
	"safeinvoice/auth"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// DefaultCreditNotePattern numbers credit notes until the user sets one,
// DefaultQuotePattern quotes.
const (
	DefaultCreditNotePattern = "CN-{YYYY}-{SEQ:4}"
	DefaultQuotePattern      = "QUO-{YYYY}-{SEQ:4}"
)

// Sequence names of the gap-free counters.
const (
	seqInvoice    = "invoice"
	seqCreditNote = "credit_note"
	seqQuote      = "quote"
)

// maxNumberSkips bounds how many numbers issuing skips over when they are
// already taken (by imported invoices, or after a pattern change).
const maxNumberSkips = 10000

// withIndex runs fn on the invoice index if it is loaded; writes call it
// after their commit to keep the list current.
func (s *Session) withIndex(fn func(x *search.Index)) {
	s.idxMu.Lock()
	defer s.idxMu.Unlock()
	if s.idx != nil {
		fn(s.idx)
	}
}

// index returns the invoice index, loading it from the vault's summaries
// the first time.
func (s *Session) index() (*search.Index, error) {
	s.idxMu.Lock()
	defer s.idxMu.Unlock()
	if s.idx != nil {
		return s.idx, nil
	}
	x := search.New()
	err := s.view(func(tx *storage.Tx) error {
		counts, err := tx.Counters()
		if err != nil {
			return err
		}
		n := counts["isum"]
		// A running import's records join the list at its commit.
		if err := tx.EachClient(func(c invoice.Client) error {
			if !s.imports.hidden(c.ID) {
				x.PutClient(c)
			}
			return nil
		}); err != nil {
			return err
		}
		// Two goroutines decode a half each (see EachInvoiceSummaryParts).
		var parts [2]search.Batch
		parts[0].Grow(n)
		parts[1].Grow(n/2 + n/8)
		if err := tx.EachInvoiceSummaryParts(func(part int, sum storage.InvoiceSummary) error {
			if !s.imports.hidden(sum.ID) {
				parts[part].Add(sum)
			}
			return nil
		}); err != nil {
			return err
		}
		x.AddBatches(&parts[0], &parts[1])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load invoice list: %w", err)
	}
	x.FinishLoad()
	s.idx = x
	return x, nil
}

// indexInvoice records a saved invoice in the loaded index.
func (s *Session) indexInvoice(inv *invoice.Invoice) {
	sum, err := storage.Summarize(inv)
	if err != nil {
		// Saved invoices always total; if one does not, drop the index so
		// that the next list reloads it from the vault.
		s.dropIndex()
		return
	}
	s.withIndex(func(x *search.Index) { x.Put(sum) })
}

// The invoice list's query, row and page (see package search).
type (
	InvoiceQuery = search.Query
	InvoiceRow   = search.Row
	InvoicePage  = search.Page
)

// ListInvoices returns one page of the invoice list.
func (s *Session) ListInvoices(q InvoiceQuery) (InvoicePage, error) {
	if err := s.require(auth.PermViewInvoices); err != nil {
		return InvoicePage{}, err
	}
	x, err := s.index()
	if err != nil {
		return InvoicePage{}, err
	}
	page := x.Query(q, s.cfg.now())
	sent, err := s.sentDates()
	if err != nil {
		return page, err
	}
	for i := range page.Rows {
		page.Rows[i].Sent = sent[page.Rows[i].ID]
	}
	return page, nil
}

// sentDates maps each invoice e-mailed to the date of its last sent
// message, from one pass over the outbox at the first call after login or
// after a delivery was recorded (sentChanged), kept in between: every
// page of the list needs it. The map is shared: callers only read it.
func (s *Session) sentDates() (map[string]string, error) {
	s.sentMu.Lock()
	dates, gen := s.sent, s.sentGen
	s.sentMu.Unlock()
	if dates != nil {
		return dates, nil
	}
	dates, err := s.readSentDates()
	if err != nil {
		return nil, err
	}
	s.sentMu.Lock()
	if s.sentGen == gen {
		s.sent = dates
	}
	s.sentMu.Unlock()
	return dates, nil
}

// sentChanged drops the kept sent dates after an outbox entry's delivery
// was recorded (committed or not: the next list reads the outbox again).
func (s *Session) sentChanged() {
	s.sentMu.Lock()
	s.sent = nil
	s.sentGen++
	s.sentMu.Unlock()
}

// readSentDates is sentDates from one pass over the outbox.
func (s *Session) readSentDates() (map[string]string, error) {
	dates := map[string]string{}
	err := s.view(func(tx *storage.Tx) error {
		return tx.EachOutboxEntry(func(e storage.OutboxEntry) error {
			if d := e.Sent.Format(invoice.DateLayout); e.State == storage.OutboxSent && e.Reminder == 0 && d > dates[e.InvoiceID] {
				dates[e.InvoiceID] = d
			}
			return nil
		})
	})
	return dates, err
}

// Invoice returns one invoice or credit note.
func (s *Session) Invoice(id string) (invoice.Invoice, error) {
	if err := s.require(auth.PermViewInvoices); err != nil {
		return invoice.Invoice{}, err
	}
	return read(s, func(tx *storage.Tx) (invoice.Invoice, error) { return s.invoiceIn(tx, id) })
}

// InvoiceByNumber returns the invoice carrying number.
func (s *Session) InvoiceByNumber(number string) (invoice.Invoice, error) {
	if err := s.require(auth.PermViewInvoices); err != nil {
		return invoice.Invoice{}, err
	}
	var inv invoice.Invoice
	err := s.view(func(tx *storage.Tx) error {
		id, err := tx.InvoiceByNumber(number)
		if err != nil {
			return err
		}
		inv, err = s.invoiceIn(tx, id)
		return err
	})
	return inv, err
}

func normalizeInvoice(inv *invoice.Invoice) {
	inv.Currency = strings.ToUpper(strings.TrimSpace(inv.Currency))
	inv.IssueDate = strings.TrimSpace(inv.IssueDate)
	inv.DueDate = strings.TrimSpace(inv.DueDate)
	for i := range inv.Lines {
		l := &inv.Lines[i]
		l.Description = strings.TrimSpace(l.Description)
		l.Quantity = strings.TrimSpace(l.Quantity)
		l.UnitPrice = strings.TrimSpace(l.UnitPrice)
		l.TaxRate = strings.TrimSpace(l.TaxRate)
		l.Discount = strings.TrimSpace(l.Discount)
		l.Unit, l.TaxCategory = strings.ToUpper(strings.TrimSpace(l.Unit)), strings.ToUpper(strings.TrimSpace(l.TaxCategory))
		l.ExemptionReason, l.ExemptionCode = strings.TrimSpace(l.ExemptionReason), strings.ToUpper(strings.TrimSpace(l.ExemptionCode))
	}
	inv.BuyerReference, inv.OrderReference = strings.TrimSpace(inv.BuyerReference), strings.TrimSpace(inv.OrderReference)
}

// SaveDraft creates a draft (empty ID) or replaces an existing draft. Issued
// invoices are never edited: that is refused with invoice.ErrImmutable. The
// client must exist. The scanner's findings come back as warnings, or refuse
// the save when the policy blocks.
func (s *Session) SaveDraft(inv invoice.Invoice) (invoice.Invoice, []invoice.Finding, error) {
	creating := inv.ID == ""
	perm := auth.PermEditDraft
	if creating {
		perm = auth.PermCreateDraft
	}
	if err := s.require(perm); err != nil {
		return inv, nil, err
	}
	normalizeInvoice(&inv)
	if inv.Kind == "" {
		inv.Kind = invoice.KindInvoice
	}
	if creating {
		inv.Status = invoice.StatusDraft
	}
	if err := inv.Validate(); err != nil {
		return inv, nil, err
	}
	warnings, err := s.screen(invoice.ScanInvoice(&inv))
	if err != nil {
		return inv, nil, err
	}
	now := s.cfg.now().UTC()
	if creating {
		if inv.ID, err = newID(); err != nil {
			return inv, nil, err
		}
		inv.Created = now
	}
	inv.Updated = now
	err = s.update(func(tx *storage.Tx) error {
		if s.imports.hidden(inv.ClientID) {
			return fmt.Errorf("client: %w", errHidden(inv.ClientID))
		}
		if _, err := tx.Client(inv.ClientID); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		action := "invoice.create"
		if !creating {
			old, err := s.invoiceIn(tx, inv.ID)
			if err != nil {
				return err
			}
			inv.Created = old.Created
			if err := invoice.CheckEdit(&old, &inv); err != nil {
				return err
			}
			action = "invoice.update"
		}
		if err := tx.PutInvoice(inv); err != nil {
			return err
		}
		return tx.Audit(action, inv.ID, "")
	})
	if err != nil {
		return inv, nil, err
	}
	s.indexInvoice(&inv)
	return inv, warnings, nil
}

// DeleteDraft deletes a draft; issued invoices cannot be deleted. A draft
// made from a quote frees the quote to be made into an invoice again.
func (s *Session) DeleteDraft(id string) error {
	if err := s.require(auth.PermDeleteDraft); err != nil {
		return err
	}
	var quote *invoice.Invoice
	err := s.update(func(tx *storage.Tx) error {
		quote = nil
		inv, err := s.invoiceIn(tx, id)
		if err != nil {
			return err
		}
		if err := inv.CheckDeletable(); err != nil {
			return err
		}
		if err := tx.DeleteInvoice(id); err != nil {
			return err
		}
		if inv.FromQuote != "" {
			q, err := s.invoiceIn(tx, inv.FromQuote)
			switch {
			case errors.Is(err, storage.ErrNotFound):
			case err != nil:
				return err
			case q.Invoiced == id:
				q.Invoiced, q.Updated = "", s.cfg.now().UTC()
				if err := tx.PutInvoice(q); err != nil {
					return err
				}
				quote = &q
			}
		}
		return tx.Audit("invoice.delete", id, "draft deleted")
	})
	if err == nil {
		s.withIndex(func(x *search.Index) { x.Remove(id) })
		if quote != nil {
			s.indexInvoice(quote)
		}
	}
	return err
}

// issueIn gives inv, checked as issuable, the next number of its sequence
// inside tx and marks it issued at now (invoice.Invoice.Issue); the caller
// stores it. It returns the number.
func issueIn(tx *storage.Tx, inv *invoice.Invoice, now time.Time) (string, error) {
	set, err := tx.Settings()
	if err != nil {
		return "", err
	}
	number, err := nextNumber(tx, set, inv)
	if err != nil {
		return "", err
	}
	if err := inv.Issue(number, now); err != nil {
		return "", err
	}
	return number, nil
}

// nextNumber takes the next free number of the document's sequence inside
// tx. Numbers already carried by other invoices are skipped, so the numbers
// in the vault stay unique and, for the sequence's own numbers, gap-free.
func nextNumber(tx *storage.Tx, set storage.Settings, inv *invoice.Invoice) (string, error) {
	pattern, seq := set.NumberPattern, seqInvoice
	switch inv.Kind {
	case invoice.KindCreditNote:
		pattern, seq = cmp.Or(set.CreditNotePattern, DefaultCreditNotePattern), seqCreditNote
	case invoice.KindQuote:
		pattern, seq = cmp.Or(set.QuotePattern, DefaultQuotePattern), seqQuote
	}
	if pattern == "" {
		pattern = invoice.DefaultPattern
	}
	p, err := invoice.ParsePattern(pattern)
	if err != nil {
		return "", fmt.Errorf("numbering pattern in settings: %w", err)
	}
	date, err := invoice.ParseDate(inv.IssueDate)
	if err != nil {
		return "", err
	}
	for range maxNumberSkips {
		n, err := tx.NextSeq(seq)
		if err != nil {
			return "", err
		}
		number := p.Format(n, date)
		err = tx.ClaimNumber(number, inv.ID)
		if errors.Is(err, storage.ErrNumberTaken) {
			continue
		}
		return number, err
	}
	return "", fmt.Errorf("no free number after %d tries with pattern %s: %w", maxNumberSkips, pattern, storage.ErrNumberTaken)
}

// IssueInvoice gives a draft its number and makes it immutable. Issuing a
// credit note applies it to the invoice it corrects, in the same
// transaction. The number is taken from the gap-free sequence only once
// everything else has been checked.
func (s *Session) IssueInvoice(id string) (invoice.Invoice, error) {
	if err := s.require(auth.PermIssueInvoice); err != nil {
		return invoice.Invoice{}, err
	}
	var inv, orig invoice.Invoice
	now := s.cfg.now()
	err := s.update(func(tx *storage.Tx) error {
		var err error
		if inv, err = s.invoiceIn(tx, id); err != nil {
			return err
		}
		if err := inv.CheckIssuable(); err != nil {
			return err
		}
		isNote := inv.Kind == invoice.KindCreditNote
		if isNote {
			if err := s.require(auth.PermCreditNote); err != nil {
				return err
			}
			if orig, err = s.invoiceIn(tx, inv.Corrects); err != nil {
				return fmt.Errorf("corrected invoice: %w", err)
			}
			if err := invoice.CheckCreditNote(&orig, &inv); err != nil {
				return err
			}
		}
		number, err := issueIn(tx, &inv, now)
		if err != nil {
			return err
		}
		if err := tx.PutInvoice(inv); err != nil {
			return err
		}
		if isNote {
			if err := invoice.ApplyCreditNote(&orig, &inv, now); err != nil {
				return err
			}
			if err := tx.PutInvoice(orig); err != nil {
				return err
			}
			if err := tx.Audit("creditnote.apply", orig.ID, "credited by "+number); err != nil {
				return err
			}
		}
		action := "invoice.issue"
		if inv.IsQuote() {
			action = "quote.send"
		}
		return tx.Audit(action, inv.ID, number)
	})
	if err != nil {
		return inv, err
	}
	s.indexInvoice(&inv)
	if inv.Kind == invoice.KindCreditNote {
		s.indexInvoice(&orig)
	}
	return inv, nil
}

// changeIssued loads an invoice, applies change and saves it, audited.
func (s *Session) changeIssued(id, action string, change func(inv *invoice.Invoice) (detail string, err error)) (invoice.Invoice, error) {
	var inv invoice.Invoice
	err := s.update(func(tx *storage.Tx) error {
		var err error
		if inv, err = s.invoiceIn(tx, id); err != nil {
			return err
		}
		detail, err := change(&inv)
		if err != nil {
			return err
		}
		if err := tx.PutInvoice(inv); err != nil {
			return err
		}
		return tx.Audit(action, inv.ID, detail)
	})
	if err != nil {
		return inv, err
	}
	s.indexInvoice(&inv)
	return inv, nil
}

// RecordPayment records money received against an issued invoice; the
// status becomes partially paid or paid. Overpayment is refused.
func (s *Session) RecordPayment(id string, p invoice.Payment) (invoice.Invoice, error) {
	if err := s.require(auth.PermRecordPayment); err != nil {
		return invoice.Invoice{}, err
	}
	p.Date, p.Amount = strings.TrimSpace(p.Date), strings.TrimSpace(p.Amount)
	return s.changeIssued(id, "invoice.payment", func(inv *invoice.Invoice) (string, error) {
		if err := inv.RecordPayment(p, s.cfg.now()); err != nil {
			return "", err
		}
		return p.Amount + " " + inv.Currency + " on " + p.Date, nil
	})
}

// VoidInvoice voids an issued invoice without payments or credits; its
// number stays used. reason is required.
func (s *Session) VoidInvoice(id, reason string) (invoice.Invoice, error) {
	if err := s.require(auth.PermVoidInvoice); err != nil {
		return invoice.Invoice{}, err
	}
	return s.changeIssued(id, "invoice.void", func(inv *invoice.Invoice) (string, error) {
		return "", inv.Void(strings.TrimSpace(reason), s.cfg.now())
	})
}

// CreateCreditNote makes a draft credit note correcting the issued invoice
// origID with the given lines (positive amounts: what is credited). Issue
// it with IssueInvoice to apply it.
func (s *Session) CreateCreditNote(origID string, lines []invoice.Line) (invoice.Invoice, error) {
	if err := s.require(auth.PermCreditNote); err != nil {
		return invoice.Invoice{}, err
	}
	return s.createCreditNote(origID, lines, "")
}

// createCreditNote is CreateCreditNote with the note's notes (the reason).
func (s *Session) createCreditNote(origID string, lines []invoice.Line, notes string) (invoice.Invoice, error) {
	id, err := newID()
	if err != nil {
		return invoice.Invoice{}, err
	}
	var note *invoice.Invoice
	err = s.update(func(tx *storage.Tx) error {
		orig, err := s.invoiceIn(tx, origID)
		if err != nil {
			return err
		}
		if note, err = invoice.NewCreditNote(&orig, id, s.today(), lines, s.cfg.now()); err != nil {
			return err
		}
		note.Notes = notes
		if err := tx.PutInvoice(*note); err != nil {
			return err
		}
		return tx.Audit("creditnote.create", id, "corrects "+orig.Number)
	})
	if err != nil {
		return invoice.Invoice{}, err
	}
	s.indexInvoice(note)
	return *note, nil
}

// CreditInFull issues a credit note for the whole of the issued invoice
// numbered number: the same lines, reason (required) as its note, dated
// today, applied at once. An invoice already credited in part is refused
// (invoice.ErrCreditExceedsTotal): credit the rest line by line. The
// issued credit note is returned.
func (s *Session) CreditInFull(number, reason string) (invoice.Invoice, error) {
	if err := s.require(auth.PermCreditNote); err != nil {
		return invoice.Invoice{}, err
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return invoice.Invoice{}, fmt.Errorf("reason: %w", invoice.ErrRequired)
	}
	orig, err := s.InvoiceByNumber(number)
	if err != nil {
		return invoice.Invoice{}, err
	}
	note, err := s.createCreditNote(orig.ID, orig.Lines, reason)
	if err != nil {
		return invoice.Invoice{}, err
	}
	issued, err := s.IssueInvoice(note.ID)
	if err != nil {
		return invoice.Invoice{}, fmt.Errorf("the credit note draft was made but not issued: %w", err)
	}
	return issued, nil
}

// DuplicateInvoice copies any invoice into a new draft dated today.
func (s *Session) DuplicateInvoice(id string) (invoice.Invoice, error) {
	if err := s.require(auth.PermCreateDraft); err != nil {
		return invoice.Invoice{}, err
	}
	newID, err := newID()
	if err != nil {
		return invoice.Invoice{}, err
	}
	var dup *invoice.Invoice
	err = s.update(func(tx *storage.Tx) error {
		src, err := s.invoiceIn(tx, id)
		if err != nil {
			return err
		}
		if dup, err = src.Duplicate(newID, s.today(), s.cfg.now()); err != nil {
			return err
		}
		if err := tx.PutInvoice(*dup); err != nil {
			return err
		}
		return tx.Audit("invoice.duplicate", newID, "copy of "+id)
	})
	if err != nil {
		return invoice.Invoice{}, err
	}
	s.indexInvoice(dup)
	return *dup, nil
}

// dropIndex forgets the loaded index; the next list reloads it.
func (s *Session) dropIndex() {
	s.idxMu.Lock()
	s.idx = nil
	s.idxMu.Unlock()
}

// FindInvoice returns the invoice, credit note or quote numbered ref or,
// for a draft (which has no number yet), with the id ref. Neither gives
// an error wrapping storage.ErrNotFound that names ref.
func (s *Session) FindInvoice(ref string) (invoice.Invoice, error) {
	if err := s.require(auth.PermViewInvoices); err != nil {
		return invoice.Invoice{}, err
	}
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return invoice.Invoice{}, fmt.Errorf("invoice number or id: %w", invoice.ErrRequired)
	}
	var inv invoice.Invoice
	err := s.view(func(tx *storage.Tx) error {
		id, err := tx.InvoiceByNumber(ref)
		if errors.Is(err, storage.ErrNotFound) {
			id = ref
		} else if err != nil {
			return err
		}
		inv, err = s.invoiceIn(tx, id)
		return err
	})
	if errors.Is(err, storage.ErrNotFound) {
		return inv, fmt.Errorf("no invoice is numbered %q or has that id: %w", ref, storage.ErrNotFound)
	}
	return inv, err
}
