package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"safeinvoice/app"
)

// runMailSettings is `mail-settings [show]`: the mail server invoices are
// sent through (administrators). The SMTP password comes from a file,
// never from the command line, and is never shown.
func runMailSettings(c *ctx, args []string) error {
	if len(args) > 0 && args[0] == "test" {
		fs := c.flags("mail-settings test")
		to := fs.String("to", "", "send the test message to this `address`")
		if err := c.parse(fs, args[1:], 0); err != nil {
			return err
		}
		if *to == "" {
			return usagef("mail-settings test: --to ADDR is required")
		}
		return c.withSession(func(s *app.Session) error {
			id, err := s.SendTestMessage(context.Background(), *to)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.env.Stdout, "Sent a test message to %s (%s).\n", *to, id)
			return nil
		})
	}
	if len(args) > 0 && args[0] == "show" {
		if err := c.parse(c.flags("mail-settings show"), args[1:], 0); err != nil {
			return err
		}
		return c.withSession(func(s *app.Session) error {
			m, hasPassword, err := s.MailSettings()
			if err != nil {
				return err
			}
			pw := "none"
			if hasPassword {
				pw = "kept in the vault (not shown)"
			}
			ca := "system roots"
			if m.CA != "" {
				ca = "system roots and the CA given"
			}
			subject, body := app.MailTemplate(m)
			tw := tabwriter.NewWriter(c.env.Stdout, 0, 0, 2, ' ', 0)
			for _, kv := range [][2]string{{"host", m.Host}, {"port", fmt.Sprint(m.Port)}, {"security", m.Security},
				{"from", strings.TrimSpace(m.FromName + " <" + m.From + ">")}, {"username", m.Username}, {"password", pw}, {"trust", ca},
				{"subject", subject}, {"body", oneLineValue(body)}} {
				fmt.Fprintf(tw, "%s\t%s\n", kv[0], kv[1])
			}
			return tw.Flush()
		})
	}
	fs := c.flags("mail-settings")
	host := fs.String("host", "", "the SMTP server's `name`")
	port := fs.Int("port", 0, "its `port` (587 for starttls, 465 for tls)")
	security := fs.String("security", "", "starttls or tls (mail is never sent unencrypted)")
	from := fs.String("from", "", "the sender's `address`")
	fromName := fs.String("from-name", "", "the sender's `name`")
	username := fs.String("username", "", "the SMTP user `name`")
	pwFile := fs.String("smtp-password-file", "", "read the SMTP password from `file` (- for standard input)")
	caFile := fs.String("ca-file", "", "a PEM `file` of the server's certificate authority, trusted besides the system roots")
	subject := fs.String("subject", "", "the subject of invoice messages: {number}, {total}, {due_date}, {business}, {client}")
	bodyFile := fs.String("body-file", "", "the body of invoice messages, from `file`, with the same placeholders")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *host == "" || *security == "" || *from == "" {
		return usagef("mail-settings: --host, --security and --from are required")
	}
	if *port == 0 {
		*port = 587
		if *security == "tls" {
			*port = 465
		}
	}
	m := app.MailSettings{Host: *host, Port: *port, Security: *security, From: *from, FromName: *fromName, Username: *username, Subject: *subject}
	if *caFile != "" {
		ca, err := os.ReadFile(*caFile)
		if err != nil {
			return fmt.Errorf("CA file: %w", err)
		}
		m.CA = string(ca)
	}
	if *bodyFile != "" {
		body, err := os.ReadFile(*bodyFile)
		if err != nil {
			return fmt.Errorf("body file: %w", err)
		}
		m.Body = string(body)
	}
	var password *string
	if *pwFile != "" {
		pw, err := readPasswordFile(*pwFile, c.env.Stdin)
		if err != nil {
			return err
		}
		password = &pw
	}
	return c.withSession(func(s *app.Session) error {
		// What is not given stays as it was.
		if cur, _, err := s.MailSettings(); err == nil {
			for _, keep := range []struct {
				flag     string
				dst, src *string
			}{{"from-name", &m.FromName, &cur.FromName}, {"username", &m.Username, &cur.Username}, {"ca-file", &m.CA, &cur.CA},
				{"subject", &m.Subject, &cur.Subject}, {"body-file", &m.Body, &cur.Body}} {
				if !set[keep.flag] {
					*keep.dst = *keep.src
				}
			}
		}
		if err := s.SetMailSettings(m, password); err != nil {
			return err
		}
		fmt.Fprintf(c.env.Stdout, "Mail goes through %s:%d (%s) from %s.\n", m.Host, m.Port, m.Security, m.From)
		return nil
	})
}

// runSend is `send NUMBER... [--to ADDR] [--again]`: one line per message.
func runSend(c *ctx, args []string) error {
	fs := c.flags("send")
	to := fs.String("to", "", "send to these `addresses` (comma-separated) instead of the client's")
	again := fs.Bool("again", false, "send invoices that were sent before once more")
	pdfPwFile := fs.String("pdf-password-file", "", "encrypt the PDF (AES-256) with the password in `file`; give it to the client another way")
	numbers, err := c.parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(numbers) == 0 {
		return usagef("send: name the invoices to send")
	}
	var recipients []string
	for _, a := range strings.Split(*to, ",") {
		if a = strings.TrimSpace(a); a != "" {
			recipients = append(recipients, a)
		}
	}
	opts := app.SendOptions{To: recipients, Again: *again}
	if *pdfPwFile != "" {
		pw, err := readPasswordFile(*pdfPwFile, c.env.Stdin)
		if err != nil {
			return err
		}
		opts.PDFPassword = pw
	}
	s, err := c.session()
	if err != nil {
		return err
	}
	work, stop := c.longWork("Sending", count)
	defer stop()
	results, serr := s.SendInvoices(work.ctx, numbers, opts)
	work.end()
	var failed []error
	for _, r := range results {
		switch {
		case r.Err == nil:
			fmt.Fprintf(c.env.Stdout, "sent    %s to %s (%s)\n", r.Number, strings.Join(r.Entry.To, ", "), r.Entry.MessageID)
		case r.Entry.State == "queued":
			fmt.Fprintf(c.env.Stdout, "queued  %s to %s: %v; tried again from %s\n", r.Number, strings.Join(r.Entry.To, ", "), r.Err,
				r.Entry.NextTry.UTC().Format(time.RFC3339))
		default:
			fmt.Fprintf(c.env.Stdout, "failed  %s: %v\n", r.Number, r.Err)
			failed = append(failed, r.Err)
		}
	}
	if len(failed) > 0 && serr == nil {
		serr = fmt.Errorf("%d of %d invoices were not sent", len(failed), len(results))
	}
	return errors.Join(serr, s.Close())
}

// runOutbox is `outbox [--json] [--retry]`.
func runOutbox(c *ctx, args []string) error {
	fs := c.flags("outbox")
	asJSON := fs.Bool("json", false, "print JSON")
	retry := fs.Bool("retry", false, "first try again every queued message that is due")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	return c.withSession(func(s *app.Session) error {
		if *retry {
			results, err := s.SendDue(context.Background())
			if err != nil {
				return err
			}
			for _, r := range results {
				fmt.Fprintf(c.env.Stderr, "retried %s: %s\n", r.Number, r.Entry.State)
			}
		}
		entries, err := s.Outbox()
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(c.env.Stdout)
			enc.SetIndent("", "  ")
			if entries == nil {
				entries = []app.OutboxEntry{}
			}
			return enc.Encode(entries)
		}
		tw := tabwriter.NewWriter(c.env.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CREATED\tINVOICE\tTO\tSTATE\tBY\tNOTE")
		for _, e := range entries {
			note := e.MessageID
			switch e.State {
			case "queued":
				note = "next try " + e.NextTry.UTC().Format(time.RFC3339) + ": " + e.Reply
			case "failed":
				note = e.Reply
			case "sending":
				note = "the session stopped while sending: it may have gone; check before sending again (send --again)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Created.UTC().Format("2006-01-02 15:04"), e.Number, strings.Join(e.To, ", "), e.State, e.User, note)
		}
		return tw.Flush()
	})
}
