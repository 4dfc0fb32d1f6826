package app

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safeinvoice/auth"
	"safeinvoice/email"
	"safeinvoice/internal/fsutil"
	"safeinvoice/internal/testkit"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// dueOn is an issued invoice of c due on date (issued 14 days before).
func dueOn(t *testing.T, s *Session, clientID, issue, due string) invoice.Invoice {
	t.Helper()
	d := draft(clientID)
	d.IssueDate, d.DueDate = issue, due
	return mustIssue(t, s, mustDraft(t, s, d).ID)
}

func dueNumbers(t *testing.T, s *Session, asOf string) map[string]int {
	t.Helper()
	due, err := s.DueReminders(asOf)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, d := range due {
		out[d.Number] = d.Level
	}
	return out
}

func TestReminderLevelsComeOnceEachAroundTheirDays(t *testing.T) {
	s := initVault(t, testConfig(t))
	c := mustClient(t, s, "Müller & Söhne KG", "ap@mueller.example")
	inv := dueOn(t, s, c.ID, "2026-06-17", "2026-07-01")
	dir := t.TempDir()
	for i, step := range []struct {
		asOf  string
		level int // 0: none due
	}{
		{"2026-07-01", 0}, // the due date itself
		{"2026-07-07", 0}, // 6 days
		{"2026-07-08", 1}, // 7 days: level 1, written
		{"2026-07-08", 0}, // not twice
		{"2026-07-21", 0}, // 20 days
		{"2026-07-22", 2}, // 21 days
		{"2026-08-14", 0}, // 44 days
		{"2026-08-15", 3}, // 45 days
		{"2026-11-24", 0}, // today, after the last level: never again
	} {
		got := dueNumbers(t, s, step.asOf)[inv.Number]
		if got != step.level {
			t.Fatalf("as of %s: level %d due, want %d", step.asOf, got, step.level)
		}
		path := filepath.Join(dir, fmt.Sprintf("%d %s.pdf", i, step.asOf))
		r, err := s.WriteReminder(inv.Number, step.asOf, path)
		if step.level == 0 {
			if !errors.Is(err, invoice.ErrNoReminder) {
				t.Fatalf("as of %s: a reminder was made (%+v, %v)", step.asOf, r, err)
			}
			if _, err := os.Stat(path); err == nil {
				t.Fatalf("as of %s: a PDF was written", step.asOf)
			}
			continue
		}
		if err != nil || r.Level != step.level || r.Balance != "357.00" {
			t.Fatalf("as of %s: %+v %v", step.asOf, r, err)
		}
	}
	if _, err := s.WriteReminder(inv.Number, "2026-11-25", filepath.Join(dir, "tomorrow.pdf")); !errors.Is(err, ErrFutureDate) {
		t.Errorf("a reminder dated tomorrow: %v", err)
	}
	inv, _ = s.Invoice(inv.ID)
	if len(inv.Reminders) != 3 || inv.Reminders[0].Date != "2026-07-08" || inv.Reminders[1].DaysOverdue != 21 || inv.Reminders[2].Level != 3 {
		t.Errorf("recorded %+v", inv.Reminders)
	}
	var audited int
	if err := s.vault.View(func(tx *storage.Tx) error {
		return tx.EachAudit(1, func(e storage.AuditEntry) error {
			if e.Action == "invoice.remind" && e.Object == inv.ID && strings.Contains(e.Detail, "balance 357.00 EUR") {
				audited++
			}
			return nil
		})
	}); err != nil || audited != 3 {
		t.Errorf("%d reminders audited (%v)", audited, err)
	}
}

func TestRemindersLeaveOutPaidVoidAndCreditedInvoices(t *testing.T) {
	s := initVault(t, testConfig(t)) // today 2026-11-24
	c := mustClient(t, s, "Initech", "ap@initech.example")
	late := dueOn(t, s, c.ID, "2026-08-01", "2026-08-15") // 101 days: first look gives the last level
	part := dueOn(t, s, c.ID, "2026-10-20", "2026-11-03") // 21 days
	paid := dueOn(t, s, c.ID, "2026-08-01", "2026-08-15")
	void := dueOn(t, s, c.ID, "2026-08-01", "2026-08-15")
	credited := dueOn(t, s, c.ID, "2026-08-01", "2026-08-15")
	notYet := dueOn(t, s, c.ID, "2026-11-10", "2026-11-24")
	if _, err := s.RecordPayment(part.ID, invoice.Payment{Date: "2026-11-05", Amount: "100.00"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordPayment(paid.ID, invoice.Payment{Date: "2026-11-05", Amount: "357.00"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VoidInvoice(void.ID, "Sent twice"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreditInFull(credited.Number, "Returned"); err != nil {
		t.Fatal(err)
	}
	due, err := s.DueReminders("")
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 2 || due[0].Number != late.Number || due[0].Level != 3 || due[0].DaysOverdue != 101 ||
		due[1].Number != part.Number || due[1].Level != 2 || due[1].Balance != "257.00" || due[1].Client != "Initech" {
		t.Fatalf("due %+v", due)
	}
	for inv, why := range map[*invoice.Invoice]string{&paid: "is paid", &void: "is void", &credited: "corrected by a credit note",
		&notYet: "is not overdue (due 2026-11-24)"} {
		_, err := s.WriteReminder(inv.Number, "", filepath.Join(t.TempDir(), "r.pdf"))
		if !errors.Is(err, invoice.ErrNoReminder) || !strings.Contains(err.Error(), why) {
			t.Errorf("%s: %v, want it to say %q", inv.Number, err, why)
		}
	}
	// An existing file is not replaced, and the reminder is not recorded.
	path := filepath.Join(t.TempDir(), "taken.pdf")
	if err := os.WriteFile(path, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteReminder(late.Number, "", path); !errors.Is(err, fsutil.ErrExists) {
		t.Errorf("over a file: %v", err)
	}
	if got := dueNumbers(t, s, "")[late.Number]; got != 3 {
		t.Errorf("after the refused write, level %d due", got)
	}
}

func TestAReminderPDFAndMessage(t *testing.T) {
	cfg := testConfig(t)
	fake := &email.Fake{Errors: []error{&email.Failure{Temporary: true, Code: 421, Reply: "try later"}}}
	cfg.Mailer = func(email.Settings) (email.Sender, error) { return fake, nil }
	s := initVault(t, cfg)
	pw := smtpPassword
	if err := s.SetMailSettings(MailSettings{Host: "smtp.acme.example", Port: 587, Security: "starttls", Username: "billing", From: "billing@acme.example"}, &pw); err != nil {
		t.Fatal(err)
	}
	c := mustClient(t, s, "Müller & Söhne KG", "ap@mueller.example")
	inv := dueOn(t, s, c.ID, "2026-10-01", "2026-10-15") // 40 days
	// The e-mailed reminder is recorded, and the PDF's if it is made.
	recorded := 1
	if _, err := exec.LookPath("pdftotext"); err == nil {
		recorded++
		path := filepath.Join(t.TempDir(), "reminder.pdf")
		if _, err := s.WriteReminder(inv.Number, "2026-10-25", path); err != nil { // 10 days: level 1
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(string(out)), " ")
		for _, want := range []string{"PAYMENT REMINDER", "Invoice " + inv.Number, "Reminder date", "2026-10-25", "Days overdue",
			"due on 2026-10-15", "balance of 357.00 EUR", "Balance due"} {
			if !strings.Contains(text, want) {
				t.Errorf("the reminder PDF lacks %q:\n%s", want, text)
			}
		}
	}
	// Level 2 by e-mail: the first try meets a 421, the retry sends the
	// same reminder, recorded once.
	r, e, err := s.SendReminder(t.Context(), inv.Number, "", nil)
	if r.Level != 2 || e.State != storage.OutboxQueued || e.Reminder != 2 || err == nil {
		t.Fatalf("send: %+v %+v %v", r, e, err)
	}
	if _, _, err := s.SendReminder(t.Context(), inv.Number, "", nil); !errors.Is(err, invoice.ErrNoReminder) {
		t.Errorf("level 2 again: %v", err)
	}
	s.cfg.Now = func() time.Time { return testkit.FixedTime().Add(time.Hour) }
	results, err := s.SendDue(t.Context())
	if err != nil || len(results) != 1 || results[0].Err != nil {
		t.Fatalf("retry: %v %+v", err, results)
	}
	sent := fake.Messages()
	if len(sent) != 1 || !strings.Contains(sent[0].Subject, "Payment reminder: invoice "+inv.Number) || len(sent[0].Attachments) != 2 ||
		!strings.HasPrefix(sent[0].Attachments[0].Name, "Reminder 2 ") || !strings.Contains(sent[0].Body, "still unpaid") {
		t.Fatalf("the message %+v", sent)
	}
	inv, _ = s.Invoice(inv.ID)
	if len(inv.Reminders) != recorded {
		t.Errorf("reminders recorded %+v, want %d", inv.Reminders, recorded)
	}
	// A reminder is not the invoice: sending the invoice is not refused
	// as sent before, and the list does not show it as sent.
	page, _ := s.ListInvoices(InvoiceQuery{})
	for _, row := range page.Rows {
		if row.Sent != "" {
			t.Errorf("the list shows %s as sent", row.Number)
		}
	}
	if res, err := s.SendInvoices(t.Context(), []string{inv.Number}, SendOptions{}); err != nil || res[0].Err != nil {
		t.Errorf("sending the invoice after its reminder: %v %+v", err, res)
	}
}

func TestReminderLevelsAreTheAdministrators(t *testing.T) {
	cfg := testConfig(t)
	s := initVault(t, cfg)
	if err := s.SetReminderLevels([]invoice.ReminderLevel{{Days: 10, Text: "First"}, {Days: 10, Text: "Second"}}); !errors.Is(err, invoice.ErrInvalid) {
		t.Errorf("levels not growing: %v", err)
	}
	if err := s.SetReminderLevels([]invoice.ReminderLevel{{Days: 5, Text: " "}}); !errors.Is(err, invoice.ErrInvalid) {
		t.Errorf("a level without text: %v", err)
	}
	if err := s.SetReminderLevels([]invoice.ReminderLevel{{Days: 3, Text: "Please pay {balance}."}, {Days: 30, Text: "Now."}}); err != nil {
		t.Fatal(err)
	}
	if l, err := s.ReminderLevels(); err != nil || len(l) != 2 || l[0].Days != 3 {
		t.Errorf("levels %+v %v", l, err)
	}
	c := mustClient(t, s, "Initech", "ap@initech.example")
	inv := dueOn(t, s, c.ID, "2026-11-01", "2026-11-20")
	if got := dueNumbers(t, s, "")[inv.Number]; got != 1 {
		t.Errorf("4 days overdue with a first level at 3: level %d", got)
	}
	addUser(t, s, "carl", auth.RoleClerk, bobPassword)
	addUser(t, s, "bea", auth.RoleBookkeeper, bobPassword)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	clerk, err := Login(cfg, "carl", bobPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := clerk.DueReminders(""); !errors.Is(err, auth.ErrPermission) {
		t.Errorf("a clerk listed reminders: %v", err)
	}
	clerk.Close()
	bk, err := Login(cfg, "bea", bobPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer bk.Close()
	if err := bk.SetReminderLevels(nil); !errors.Is(err, auth.ErrPermission) {
		t.Errorf("a bookkeeper set the levels: %v", err)
	}
	if _, err := bk.WriteReminder(inv.Number, "", filepath.Join(t.TempDir(), "r.pdf")); err != nil {
		t.Errorf("a bookkeeper's reminder: %v", err)
	}
}

// A reminder refused for good frees its level; one queued while the
// invoice gets paid is not sent.
func TestReminderMessagesThatDoNotGo(t *testing.T) {
	cfg, clock := clockConfig(t)
	fake := &email.Fake{Errors: []error{&email.Failure{Code: 550, Reply: "no such mailbox"},
		&email.Failure{Temporary: true, Code: 421, Reply: "try later"}}}
	cfg.Mailer = func(email.Settings) (email.Sender, error) { return fake, nil }
	s := initVault(t, cfg)
	pw := smtpPassword
	if err := s.SetMailSettings(MailSettings{Host: "smtp.acme.example", Port: 587, Security: "starttls", Username: "billing", From: "billing@acme.example"}, &pw); err != nil {
		t.Fatal(err)
	}
	c := mustClient(t, s, "Initech", "ap@initech.example")
	inv := dueOn(t, s, c.ID, "2026-10-01", "2026-11-10") // 14 days: level 1
	if _, e, err := s.SendReminder(t.Context(), inv.Number, "", nil); err == nil || e.State != storage.OutboxFailed {
		t.Fatalf("a 550: %+v %v", e, err)
	}
	if got := dueNumbers(t, s, "")[inv.Number]; got != 1 {
		t.Errorf("after a 550, level %d is due, want 1 again", got)
	}
	// Queued after a 421, then paid: the retry is cancelled, the level freed.
	if _, e, err := s.SendReminder(t.Context(), inv.Number, "", []string{"ar@initech.example"}); err == nil || e.State != storage.OutboxQueued {
		t.Fatalf("a 421: %+v %v", e, err)
	}
	if _, err := s.RecordPayment(inv.ID, invoice.Payment{Date: "2026-11-24", Amount: "357.00"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	results, err := s.SendDue(t.Context())
	if err != nil || len(results) != 1 || !errors.Is(results[0].Err, ErrReminderObsolete) || results[0].Entry.State != storage.OutboxFailed {
		t.Fatalf("the retry: %v %+v", err, results)
	}
	if n := len(fake.Messages()); n != 0 {
		t.Errorf("%d messages went", n)
	}
	inv, _ = s.Invoice(inv.ID)
	if len(inv.Reminders) != 0 {
		t.Errorf("reminders recorded: %+v", inv.Reminders)
	}
	if r, err := s.VerifyAudit(); err != nil {
		t.Errorf("audit: %v %+v", err, r)
	}
}
