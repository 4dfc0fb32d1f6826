package app

import (
	"fmt"

	"safeinvoice/auth"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// Quotes are drafted with SaveDraft (Kind invoice.KindQuote) and numbered
// when sent with IssueInvoice, from their own sequence
// (Settings.QuotePattern, DefaultQuotePattern): the same permissions as
// invoices, so a clerk drafts them and a bookkeeper sends them. The
// client's answer and the conversion are below.

// AcceptQuote records that the client accepted the sent quote. An expired
// one is refused (invoice.ErrQuoteExpired).
func (s *Session) AcceptQuote(id string) (invoice.Invoice, error) {
	if err := s.require(auth.PermIssueInvoice); err != nil {
		return invoice.Invoice{}, err
	}
	return s.changeIssued(id, "quote.accept", func(q *invoice.Invoice) (string, error) {
		return q.Number, q.Accept(s.cfg.now())
	})
}

// DeclineQuote records that the client declined the sent quote.
func (s *Session) DeclineQuote(id string) (invoice.Invoice, error) {
	if err := s.require(auth.PermIssueInvoice); err != nil {
		return invoice.Invoice{}, err
	}
	return s.changeIssued(id, "quote.decline", func(q *invoice.Invoice) (string, error) {
		return q.Number, q.Decline(s.cfg.now())
	})
}

// QuoteToInvoice makes the accepted quote id into a draft invoice dated
// today, due after the settings' payment days, with the quote's lines
// exactly; the quote records the invoice it became, in the same
// transaction. A quote becomes an invoice once.
func (s *Session) QuoteToInvoice(id string) (invoice.Invoice, error) {
	if err := s.require(auth.PermCreateDraft); err != nil {
		return invoice.Invoice{}, err
	}
	newID, err := newID()
	if err != nil {
		return invoice.Invoice{}, err
	}
	now := s.cfg.now()
	var q invoice.Invoice
	var inv *invoice.Invoice
	err = s.update(func(tx *storage.Tx) error {
		var err error
		if q, err = s.invoiceIn(tx, id); err != nil {
			return err
		}
		set, err := tx.Settings()
		if err != nil {
			return err
		}
		if inv, err = q.ToInvoice(newID, s.today(), set.PaymentDays, now); err != nil {
			return err
		}
		if _, err := tx.Client(inv.ClientID); err != nil {
			return fmt.Errorf("the quote's client: %w", err)
		}
		if err := tx.PutInvoice(q); err != nil {
			return err
		}
		if err := tx.PutInvoice(*inv); err != nil {
			return err
		}
		return tx.Audit("quote.invoice", newID, "from quote "+q.Number)
	})
	if err != nil {
		return invoice.Invoice{}, err
	}
	s.indexInvoice(&q)
	s.indexInvoice(inv)
	return *inv, nil
}
