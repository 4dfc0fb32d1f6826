package app

import (
	"fmt"
	"strings"

	"github.com/bojanz/currency"

	"safeinvoice/app/internal/search"
	"safeinvoice/auth"
	"safeinvoice/invoice"
)

// Sums are amounts per currency code; currencies are never added together.
type Sums map[string]currency.Amount

// add adds the decimal amount in code to the sums.
func (s Sums) add(amount, code string) error {
	a, err := currency.NewAmount(amount, code)
	if err != nil {
		return err
	}
	if cur, ok := s[code]; ok {
		if a, err = cur.Add(a); err != nil {
			return err
		}
	}
	s[code] = a
	return nil
}

// Dashboard is what the dashboard shows of the books, computed exactly
// from the in-memory index without opening an invoice.
type Dashboard struct {
	// Outstanding is the balance of every issued or partly paid invoice,
	// overdue ones included; OpenCount counts them. Credit notes are not
	// counted: their amount already lowers the balance of the invoice
	// they correct. Void invoices owe nothing.
	Outstanding Sums
	OpenCount   int
	// Overdue is the part of Outstanding whose due date is before today,
	// and OverdueCount the number of those invoices.
	Overdue      Sums
	OverdueCount int
	// PaidThisMonth sums the payments dated in the current calendar month,
	// whatever the invoice's status is now (a payment received is money
	// received, even on an invoice voided later); PaymentsThisMonth counts
	// them.
	PaidThisMonth     Sums
	PaymentsThisMonth int
	// Month is the current month, "YYYY-MM".
	Month string
}

// Dashboard computes the dashboard's figures for today (the session's
// clock) in one pass over the index. It needs the view-invoices
// permission.
func (s *Session) Dashboard() (Dashboard, error) {
	if err := s.require(auth.PermViewInvoices); err != nil {
		return Dashboard{}, err
	}
	x, err := s.index()
	if err != nil {
		return Dashboard{}, err
	}
	now := s.cfg.now()
	d := Dashboard{Outstanding: Sums{}, Overdue: Sums{}, PaidThisMonth: Sums{}, Month: now.Format("2006-01")}
	err = x.Each(func(doc *search.Doc) error {
		if doc.Kind == invoice.KindCreditNote || doc.Kind == invoice.KindQuote {
			return nil
		}
		for _, p := range doc.Payments {
			if !strings.HasPrefix(p.Date, d.Month) {
				continue
			}
			if err := d.PaidThisMonth.add(p.Amount, doc.Currency); err != nil {
				return fmt.Errorf("invoice %s: payment of %s: %w", doc.Number, p.Date, err)
			}
			d.PaymentsThisMonth++
		}
		if doc.Status != invoice.StatusIssued && doc.Status != invoice.StatusPartiallyPaid {
			return nil
		}
		if err := d.Outstanding.add(doc.Balance, doc.Currency); err != nil {
			return fmt.Errorf("invoice %s: balance: %w", doc.Number, err)
		}
		d.OpenCount++
		if doc.EffectiveStatus(now) == invoice.StatusOverdue {
			if err := d.Overdue.add(doc.Balance, doc.Currency); err != nil {
				return fmt.Errorf("invoice %s: balance: %w", doc.Number, err)
			}
			d.OverdueCount++
		}
		return nil
	})
	if err != nil {
		return Dashboard{}, err
	}
	return d, nil
}
