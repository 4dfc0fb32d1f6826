package cli

import (
	"errors"
	"fmt"
	"strings"

	"safeinvoice/app"
)

func runExportEInvoice(c *ctx, args []string) error {
	fs := c.flags("export-einvoice")
	out := fs.String("out", "", "write the e-invoices into `folder` (existing files are never replaced)")
	format := fs.String("format", "", "facturx, xrechnung-cii, xrechnung-ubl or peppol (default: each client's own)")
	numbers, err := c.parseExport(fs, "export-einvoice", args, out)
	if err != nil {
		return err
	}
	var f app.EInvoiceFormat
	if *format != "" {
		if f, err = app.ParseEInvoiceFormat(*format); err != nil {
			return usagef("export-einvoice: %v", err)
		}
	}
	s, err := c.session()
	if err != nil {
		return err
	}
	work, stop := c.longWork("Exporting e-invoices", count)
	defer stop()
	paths, xerr := s.ExportEInvoices(work.ctx, *out, f, numbers, work.progress)
	work.end()
	for _, p := range paths {
		fmt.Fprintln(c.env.Stdout, p)
	}
	return errors.Join(xerr, s.Close())
}

// runCredit is `credit NUMBER --reason TEXT`: a full credit note of an
// issued invoice, issued and applied.
func runCredit(c *ctx, args []string) error {
	fs := c.flags("credit")
	reason := fs.String("reason", "", "why the invoice is credited, printed on the credit note (required)")
	pos, err := c.parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("credit: one invoice NUMBER at a time")
	}
	if len(pos) == 0 || strings.TrimSpace(*reason) == "" {
		return usagef("credit: NUMBER and --reason TEXT are required")
	}
	number := pos[0]
	return c.withSession(func(s *app.Session) error {
		note, err := s.CreditInFull(number, *reason)
		if err != nil {
			return err
		}
		t, err := note.Totals()
		if err != nil {
			return err
		}
		fmt.Fprintf(c.env.Stdout, "Issued credit note %s for %s: %s %s.\n", note.Number, number, t.Total.Number(), note.Currency)
		return nil
	})
}
