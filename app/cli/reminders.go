package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"text/tabwriter"

	"safeinvoice/app"
	"safeinvoice/invoice"
)

func runReminders(c *ctx, args []string) error {
	fs := c.flags("reminders")
	asOf := fs.String("as-of", "", "what is due as of this `date`, YYYY-MM-DD (default: today)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	return c.withSession(func(s *app.Session) error {
		due, err := s.DueReminders(*asOf)
		if err != nil {
			return err
		}
		if *asJSON {
			if due == nil {
				due = []app.ReminderDue{}
			}
			enc := json.NewEncoder(c.env.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(due)
		}
		tw := tabwriter.NewWriter(c.env.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "NUMBER\tLEVEL\tDAYS_OVERDUE\tDUE_DATE\tCLIENT\tCURRENCY\tBALANCE")
		for _, d := range due {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\n", d.Number, d.Level, d.DaysOverdue, d.DueDate, oneLine(d.Client), d.Currency, d.Balance)
		}
		return tw.Flush()
	})
}

func runRemind(c *ctx, args []string) error {
	fs := c.flags("remind")
	asOf := fs.String("as-of", "", "the reminder's `date`, YYYY-MM-DD (default: today)")
	out := fs.String("pdf", "", "write the reminder to this PDF `file` (an existing file is not replaced)")
	send := fs.Bool("send", false, "e-mail it to the client, with the invoice, through the outbox")
	to := fs.String("to", "", "with --send: these `addresses` (comma-separated) instead of the client's")
	pos, err := c.parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (*out == "") == !*send {
		return usagef("remind: one invoice NUMBER and either --pdf FILE or --send")
	}
	return c.withSession(func(s *app.Session) error {
		if *send {
			var recipients []string
			for _, a := range strings.Split(*to, ",") {
				if a = strings.TrimSpace(a); a != "" {
					recipients = append(recipients, a)
				}
			}
			cx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			defer stop()
			r, e, err := s.SendReminder(cx, pos[0], *asOf, recipients)
			if err != nil && e.State == "queued" {
				fmt.Fprintf(c.env.Stdout, "Reminder %d for %s (%s overdue) waits in the outbox: %v\n", r.Level, pos[0], invoice.Days(r.DaysOverdue), err)
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(c.env.Stdout, "Sent reminder %d for %s (%s overdue, balance %s) to %s.\n", r.Level, pos[0], invoice.Days(r.DaysOverdue), r.Balance, strings.Join(e.To, ", "))
			return nil
		}
		r, err := s.WriteReminder(pos[0], *asOf, *out)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.env.Stdout, "Wrote reminder %d for %s (%s overdue, balance %s) to %s.\n", r.Level, pos[0], invoice.Days(r.DaysOverdue), r.Balance, *out)
		return nil
	})
}

func runReminderLevels(c *ctx, args []string) error {
	if len(args) == 0 {
		return c.withSession(func(s *app.Session) error { return printLevels(c, s) })
	}
	switch args[0] {
	case "set":
		if len(args) < 2 {
			return usagef("reminder-levels set: the days after the due date of each level, e.g. set 7 21 45")
		}
		var days []int
		for _, a := range args[1:] {
			n, err := strconv.Atoi(a)
			if err != nil {
				return usagef("reminder-levels set: %q is not a number of days", a)
			}
			days = append(days, n)
		}
		return c.withSession(func(s *app.Session) error {
			old, err := s.ReminderLevels()
			if err != nil {
				return err
			}
			defaults := invoice.DefaultReminderLevels()
			levels := make([]invoice.ReminderLevel, len(days))
			for i, d := range days {
				levels[i].Days = d
				switch {
				case i < len(old):
					levels[i].Text = old[i].Text
				default:
					levels[i].Text = defaults[min(i, len(defaults)-1)].Text
				}
			}
			if err := s.SetReminderLevels(levels); err != nil {
				return err
			}
			return printLevels(c, s)
		})
	case "text":
		if len(args) != 3 {
			return usagef("reminder-levels text: LEVEL TEXT (placeholders {number} {due_date} {balance} {days} {level})")
		}
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 1 {
			return usagef("reminder-levels text: %q is not a level", args[1])
		}
		return c.withSession(func(s *app.Session) error {
			levels, err := s.ReminderLevels()
			if err != nil {
				return err
			}
			if n > len(levels) {
				return fmt.Errorf("there are %d reminder levels, not %d", len(levels), n)
			}
			levels[n-1].Text = args[2]
			if err := s.SetReminderLevels(levels); err != nil {
				return err
			}
			return printLevels(c, s)
		})
	case "reset":
		return c.withSession(func(s *app.Session) error {
			if err := s.SetReminderLevels(nil); err != nil {
				return err
			}
			return printLevels(c, s)
		})
	}
	return usagef("reminder-levels: set DAYS..., text LEVEL TEXT or reset")
}

func printLevels(c *ctx, s *app.Session) error {
	levels, err := s.ReminderLevels()
	if err != nil {
		return err
	}
	for i, l := range levels {
		fmt.Fprintf(c.env.Stdout, "%d\tafter %d days\t%s\n", i+1, l.Days, oneLine(l.Text))
	}
	return nil
}
