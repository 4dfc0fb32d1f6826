package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"

	"safeinvoice/app"
	"safeinvoice/invoice"
)

func runImport(c *ctx, args []string) error {
	fs := c.flags("import")
	if err := c.parse(fs, args, 1); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("import: expected the file to import: import PATH")
	}
	s, err := c.session()
	if err != nil {
		return err
	}
	work, stop := c.longWork("Importing", records)
	defer stop()
	res, ierr := s.ImportPath(work.ctx, fs.Arg(0), work.progress)
	work.end()
	if err := s.Close(); err != nil {
		return errors.Join(ierr, err)
	}
	if ierr != nil {
		return ierr
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(c.env.Stderr, "warning: %s looks like %s (%s)\n", w.Field, w.Detail, w.Excerpt)
	}
	fmt.Fprintf(c.env.Stdout, "Imported %d invoices and %d new clients (%d clients already known).\n",
		res.Invoices, res.ClientsCreated, res.ClientsReused)
	return nil
}

func runList(c *ctx, args []string) error {
	fs := c.flags("list")
	asJSON := fs.Bool("json", false, "print JSON")
	status := fs.String("status", "", "only invoices with this `status` (draft, issued, partially_paid, paid, void, overdue; for quotes sent, accepted, declined, expired)")
	search := fs.String("search", "", "only invoices matching these `words` (number, client, text)")
	kind := fs.String("kind", "", "only this `kind`: invoice, credit_note or quote (default: invoices and credit notes)")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	q := app.InvoiceQuery{Text: *search, Limit: 1000}
	switch k := invoice.Kind(*kind); k {
	case "":
	case invoice.KindInvoice, invoice.KindCreditNote, invoice.KindQuote:
		q.Kind = k
	default:
		return usagef("list: --kind: unknown kind %q (want invoice, credit_note or quote)", *kind)
	}
	if *status != "" {
		st, err := invoice.ParseStatus(*status)
		if err != nil {
			return usagef("list: --status: %v", err)
		}
		q.Status = st
	}
	s, err := c.session()
	if err != nil {
		return err
	}
	defer s.Close()
	var rows []app.InvoiceRow
	for {
		page, err := s.ListInvoices(q)
		if err != nil {
			return err
		}
		rows = append(rows, page.Rows...)
		q.Offset += len(page.Rows)
		if len(page.Rows) == 0 || q.Offset >= page.Matches {
			break
		}
	}
	if err := s.Close(); err != nil {
		return err
	}
	if *asJSON {
		if rows == nil {
			rows = []app.InvoiceRow{}
		}
		enc := json.NewEncoder(c.env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(c.env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tSTATUS\tCLIENT\tISSUE_DATE\tDUE_DATE\tCURRENCY\tTOTAL\tBALANCE")
	for _, r := range rows {
		number := r.Number
		if number == "" {
			number = "(draft)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", number, r.Status, oneLine(r.ClientName),
			r.IssueDate, r.DueDate, r.Currency, r.Total, r.Balance)
	}
	return tw.Flush()
}

func runExportCSV(c *ctx, args []string) error {
	fs := c.flags("export-csv")
	out := fs.String("out", "", "write to `file` (an existing file is not replaced)")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	if *out == "" {
		return usagef("export-csv: --out FILE is required")
	}
	s, err := c.session()
	if err != nil {
		return err
	}
	n, werr := s.ExportCSVFile(*out, false)
	if err := s.Close(); err != nil {
		return errors.Join(werr, err)
	}
	if werr != nil {
		return werr
	}
	fmt.Fprintf(c.env.Stdout, "Exported %d invoices to %s.\n", n, *out)
	return nil
}

// oneLine keeps a table row on one line whatever a name contains.
func oneLine(s string) string {
	b := []rune(s)
	for i, r := range b {
		if r == '\n' || r == '\r' || r == '\t' {
			b[i] = ' '
		}
	}
	return string(b)
}
