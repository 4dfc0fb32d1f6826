package cli

import (
	"fmt"

	"safeinvoice/app"
)

// runQuote records the client's answer to a sent quote.
func runQuote(c *ctx, args []string) error {
	if len(args) == 0 || (args[0] != "accept" && args[0] != "decline") {
		return usagef("quote: accept NUMBER or decline NUMBER")
	}
	verb := args[0]
	fs := c.flags("quote " + verb)
	pos, err := c.parseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("quote %s: one quote NUMBER is required", verb)
	}
	return c.withSession(func(s *app.Session) error {
		q, err := s.FindInvoice(pos[0])
		if err != nil {
			return err
		}
		if verb == "accept" {
			if q, err = s.AcceptQuote(q.ID); err != nil {
				return err
			}
			fmt.Fprintf(c.env.Stdout, "Quote %s accepted; quote-to-invoice %s makes its invoice.\n", q.Number, q.Number)
			return nil
		}
		if q, err = s.DeclineQuote(q.ID); err != nil {
			return err
		}
		fmt.Fprintf(c.env.Stdout, "Quote %s declined.\n", q.Number)
		return nil
	})
}

// runQuoteToInvoice makes an accepted quote into a draft invoice and
// prints the draft's id, for issue.
func runQuoteToInvoice(c *ctx, args []string) error {
	fs := c.flags("quote-to-invoice")
	pos, err := c.parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("quote-to-invoice: one quote NUMBER is required")
	}
	return c.withSession(func(s *app.Session) error {
		q, err := s.FindInvoice(pos[0])
		if err != nil {
			return err
		}
		inv, err := s.QuoteToInvoice(q.ID)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.env.Stdout, inv.ID)
		return nil
	})
}
