package cli

import (
	"errors"
	"fmt"
	"strings"

	"safeinvoice/app"
	"safeinvoice/invoice"
)

// The invoice actions of the editor, on the command line: issue, pay,
// void and duplicate (credit is in einvoice.go). Each goes through the
// same Session method as the window, so the roles and the audit trail are
// the same.

func runIssue(c *ctx, args []string) error {
	fs := c.flags("issue")
	refs, err := c.parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(refs) == 0 {
		return usagef("issue: name the drafts to issue by id (or number)")
	}
	return c.withSession(func(s *app.Session) error {
		var failed []error
		for _, ref := range refs {
			inv, err := s.FindInvoice(ref)
			if err == nil {
				inv, err = s.IssueInvoice(inv.ID)
			}
			if err != nil {
				failed = append(failed, fmt.Errorf("%s: %w", ref, err))
				if len(refs) > 1 {
					fmt.Fprintf(c.env.Stderr, "issue %s: %v\n", ref, err)
				}
				continue
			}
			t, err := inv.Totals()
			if err != nil {
				return err
			}
			if inv.IsQuote() {
				fmt.Fprintf(c.env.Stdout, "Issued quote %s (%s): %s %s, valid until %s.\n", inv.Number, inv.ID, t.Total.Number(), inv.Currency, inv.DueDate)
				continue
			}
			fmt.Fprintf(c.env.Stdout, "Issued %s (%s): %s %s, due %s.\n", inv.Number, inv.ID, t.Total.Number(), inv.Currency, inv.DueDate)
		}
		return batchError("issued", len(refs), failed)
	})
}

// batchError is nil when nothing failed, the one error when one thing
// was asked for, and otherwise says how many of how many failed (each was
// printed already, so only the count is).
func batchError(done string, asked int, failed []error) error {
	switch {
	case len(failed) == 0:
		return nil
	case asked == 1:
		return failed[0]
	}
	return fmt.Errorf("%d of %d not %s: %w", len(failed), asked, done, errBatch)
}

// errBatch ends a command that did part of what it was asked.
var errBatch = errors.New("see the lines above")

func runPay(c *ctx, args []string) error {
	fs := c.flags("pay")
	amount := fs.String("amount", "", "the `amount` received, in the invoice's currency (required)")
	date := fs.String("date", "", "the `date` it was received, YYYY-MM-DD (default: today)")
	note := fs.String("note", "", "a `note` kept with the payment (a bank reference)")
	pos, err := c.parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || strings.TrimSpace(*amount) == "" {
		return usagef("pay: one invoice NUMBER and --amount A are required")
	}
	return c.withSession(func(s *app.Session) error {
		inv, err := s.FindInvoice(pos[0])
		if err != nil {
			return err
		}
		p := invoice.Payment{Date: *date, Amount: *amount, Note: strings.TrimSpace(*note)}
		if strings.TrimSpace(p.Date) == "" {
			p.Date = s.Today()
		}
		inv, err = s.RecordPayment(inv.ID, p)
		if err != nil {
			return err
		}
		t, err := inv.Totals()
		if err != nil {
			return err
		}
		fmt.Fprintf(c.env.Stdout, "Recorded %s %s on %s against %s; balance %s %s (%s).\n", strings.TrimSpace(p.Amount), inv.Currency,
			strings.TrimSpace(p.Date), inv.Number, t.Balance.Number(), inv.Currency, strings.ReplaceAll(string(inv.Status), "_", " "))
		return nil
	})
}

func runVoid(c *ctx, args []string) error {
	fs := c.flags("void")
	reason := fs.String("reason", "", "why the invoice is void, kept on it and in the audit log (required)")
	pos, err := c.parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || strings.TrimSpace(*reason) == "" {
		return usagef("void: one invoice NUMBER and --reason TEXT are required")
	}
	return c.withSession(func(s *app.Session) error {
		inv, err := s.FindInvoice(pos[0])
		if err != nil {
			return err
		}
		if inv, err = s.VoidInvoice(inv.ID, *reason); err != nil {
			return err
		}
		fmt.Fprintf(c.env.Stdout, "Voided %s; its number stays used.\n", inv.Number)
		return nil
	})
}

func runDuplicate(c *ctx, args []string) error {
	fs := c.flags("duplicate")
	pos, err := c.parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("duplicate: one invoice NUMBER (or a draft's id) is required")
	}
	return c.withSession(func(s *app.Session) error {
		inv, err := s.FindInvoice(pos[0])
		if err != nil {
			return err
		}
		dup, err := s.DuplicateInvoice(inv.ID)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.env.Stdout, dup.ID)
		return nil
	})
}
