package cli

import (
	"errors"
	"fmt"

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
