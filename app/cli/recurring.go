package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"text/tabwriter"

	"safeinvoice/app"
	"safeinvoice/invoice"
	"safeinvoice/recurring"
)

func runRecurring(c *ctx, args []string) error {
	if len(args) == 0 {
		return usagef("recurring: add, list or stop (see safeinvoice help)")
	}
	switch args[0] {
	case "add":
		return runRecurringAdd(c, args[1:])
	case "list":
		fs := c.flags("recurring list")
		if err := c.parse(fs, args[1:], 0); err != nil {
			return err
		}
		return c.withSession(func(s *app.Session) error { return printSchedules(c, s) })
	case "stop":
		fs := c.flags("recurring stop")
		pos, err := c.parseArgs(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usagef("recurring stop: one schedule ID is required (recurring list shows them)")
		}
		return c.withSession(func(s *app.Session) error {
			sc, err := s.StopSchedule(pos[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(c.env.Stdout, "Stopped schedule %s after %d invoices; those stay.\n", sc.ID, sc.Generated)
			return nil
		})
	}
	return usagef("recurring: unknown subcommand %q (add, list or stop)", args[0])
}

func runRecurringAdd(c *ctx, args []string) error {
	fs := c.flags("recurring add")
	from := fs.String("from", "", "the invoice `NUMBER` to repeat: its client, lines, currency and terms (required)")
	every := fs.String("every", "", "the `period`: week, month, quarter or year (required)")
	start := fs.String("start", "", "the first invoice's `date`, YYYY-MM-DD (required; a past date catches up)")
	until := fs.String("until", "", "the last `date` an invoice may have")
	count := fs.Int("count", 0, "how many invoices in all (`N`)")
	draft := fs.Bool("draft", false, "leave the invoices made as drafts instead of issuing them")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	if *from == "" || *every == "" || *start == "" {
		return usagef("recurring add: --from NUMBER, --every PERIOD and --start DATE are required")
	}
	if *until != "" && *count != 0 {
		return usagef("recurring add: give --until or --count, not both")
	}
	period, err := recurring.ParsePeriod(*every)
	if err != nil {
		return usagef("recurring add: --every: %v", err)
	}
	return c.withSession(func(s *app.Session) error {
		sc, err := s.AddSchedule(app.ScheduleParams{From: *from, Period: period, Start: *start, Until: *until, Count: *count, Draft: *draft})
		if err != nil {
			return err
		}
		fmt.Fprintf(c.env.Stdout, "Added schedule %s: every %s from %s, %s; run-due makes what is due.\n", sc.ID, sc.Period, sc.Start, sc.Ends())
		return nil
	})
}

func printSchedules(c *ctx, s *app.Session) error {
	list, err := s.Schedules()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFROM\tEVERY\tSTART\tENDS\tMAKES\tMADE\tNEXT")
	for _, sc := range list {
		next, ok, err := sc.Next()
		if err != nil {
			return err
		}
		switch {
		case !sc.Stopped.IsZero():
			next = "stopped " + sc.Stopped.Format(invoice.DateLayout)
		case !ok:
			next = "finished"
		}
		makes := "issued"
		if sc.Draft {
			makes = "drafts"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", sc.ID, sc.From, sc.Period, sc.Start, sc.Ends(), makes, sc.Generated, next)
	}
	return tw.Flush()
}

func runRunDue(c *ctx, args []string) error {
	fs := c.flags("run-due")
	asOf := fs.String("as-of", "", "make what is due up to this `date`, YYYY-MM-DD (default: today)")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	cx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return c.withSession(func(s *app.Session) error {
		rep, err := s.RunDue(cx, *asOf)
		for _, m := range rep.Made {
			if m.Number != "" {
				fmt.Fprintf(c.env.Stdout, "%s\t%s\n", m.Number, m.IssueDate)
			} else {
				fmt.Fprintf(c.env.Stdout, "draft %s\t%s\n", m.InvoiceID, m.IssueDate)
			}
		}
		if err != nil {
			return err
		}
		var failed []error
		for _, f := range rep.Failed {
			if len(rep.Failed) > 1 {
				fmt.Fprintf(c.env.Stderr, "schedule %s: %v\n", f.Schedule, f.Err)
			}
			failed = append(failed, fmt.Errorf("schedule %s: %w", f.Schedule, f.Err))
		}
		switch len(failed) {
		case 0:
			return nil
		case 1:
			return failed[0]
		}
		return fmt.Errorf("%d schedules stopped short: %w", len(failed), errBatch)
	})
}
