package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"

	"safeinvoice/app"
	"safeinvoice/internal/fsutil"
	"safeinvoice/invoice"
)

func runReport(c *ctx, args []string) error {
	if len(args) == 0 || (args[0] != "aging" && args[0] != "tax" && args[0] != "revenue") {
		return usagef("report: aging [--as-of DATE], tax --from DATE --to DATE or revenue --from DATE --to DATE")
	}
	name := args[0]
	fs := c.flags("report " + name)
	asOf := fs.String("as-of", "", "with aging: the `date` the balances are as of (default: today)")
	from := fs.String("from", "", "with tax and revenue: the period's first `date`, YYYY-MM-DD")
	to := fs.String("to", "", "with tax and revenue: the period's last `date`, YYYY-MM-DD")
	csvOut := fs.String("csv", "", "also write the report as CSV to `file` (an existing file is not replaced)")
	pdfOut := fs.String("pdf", "", "also write the report as PDF, with its charts, to `file` (an existing file is not replaced)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := c.parse(fs, args[1:], 0); err != nil {
		return err
	}
	switch {
	case name == "aging" && (*from != "" || *to != ""):
		return usagef("report aging: takes --as-of, not --from and --to")
	case name != "aging" && (*from == "" || *to == ""):
		return usagef("report %s: --from DATE and --to DATE are required", name)
	case name != "aging" && *asOf != "":
		return usagef("report %s: takes --from and --to, not --as-of", name)
	}
	// The dates are checked before the vault is unlocked, each by its
	// flag's name; days as YYYY-MM-DD order as their strings do.
	for _, f := range []struct{ flag, value string }{{"as-of", *asOf}, {"from", *from}, {"to", *to}} {
		if f.value == "" {
			continue
		}
		if _, err := invoice.ParseDate(f.value); err != nil {
			return usagef("report %s: --%s %q: %v", name, f.flag, f.value, err)
		}
	}
	if name != "aging" && *to < *from {
		return usagef("report %s: --to %s is before --from %s", name, *to, *from)
	}
	// Neither file is written when either exists.
	for _, out := range []string{*csvOut, *pdfOut} {
		if out == "" {
			continue
		}
		if _, err := os.Lstat(out); err == nil {
			return fmt.Errorf("%s: %w", out, fsutil.ErrExists)
		}
	}
	return c.withSession(func(s *app.Session) error {
		r, err := s.Report(app.ReportQuery{Kind: name, AsOf: *asOf, From: *from, To: *to})
		if err != nil {
			return err
		}
		if *csvOut != "" {
			if err := s.WriteReportCSV(*csvOut, r); err != nil {
				return err
			}
		}
		if *pdfOut != "" {
			if err := s.WriteReportPDF(*pdfOut, r); err != nil {
				return err
			}
		}
		rows := r.Rows()
		if *asJSON {
			enc := json.NewEncoder(c.env.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(rows)
		}
		tw := tabwriter.NewWriter(c.env.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		switch rs := rows.(type) {
		case []app.AgingRow:
			fmt.Fprintln(tw, "CLIENT\tCURRENCY\tCURRENT\t1-30\t31-60\t61-90\tOVER-90\tTOTAL\t")
			for _, r := range rs {
				client := oneLine(r.Client)
				if r.ClientID == "" {
					client = "TOTAL"
				}
				b := r.Buckets
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", client, r.Currency, b[0], b[1], b[2], b[3], b[4], r.Total)
			}
		case []app.TaxRow:
			fmt.Fprintln(tw, "CURRENCY\tCATEGORY\tRATE\tNET\tTAX\t")
			for _, r := range rs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", r.Currency, r.Category, r.Rate, r.Net, r.Tax)
			}
		case []app.RevenueRow:
			fmt.Fprintln(tw, "MONTH\tCURRENCY\tINVOICED_NET\tINVOICED_GROSS\tRECEIVED\t")
			for _, r := range rs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", r.Month, r.Currency, r.Net, r.Gross, r.Received)
			}
		}
		return tw.Flush()
	})
}
