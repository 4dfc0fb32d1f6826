package app

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safeinvoice/auth"
	"safeinvoice/email"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

const smtpPassword = "s3cret mail password 47"

// mailBooks is a vault with mail settings, an issued invoice and a fake
// mail server.
func mailBooks(t *testing.T) (*Session, invoice.Invoice, *email.Fake, Config) {
	t.Helper()
	cfg, _ := clockConfig(t)
	fake := &email.Fake{}
	cfg.Mailer = func(email.Settings) (email.Sender, error) { return fake, nil }
	s := initVault(t, cfg)
	pw := smtpPassword
	if err := s.SetMailSettings(MailSettings{Host: "smtp.acme.example", Port: 587, Security: "starttls", Username: "billing",
		From: "billing@acme.example", FromName: "Acme Tools"}, &pw); err != nil {
		t.Fatal(err)
	}
	c := mustClient(t, s, "Müller & Söhne KG", "ap@mueller.example")
	inv := mustIssue(t, s, mustDraft(t, s, draft(c.ID)).ID)
	return s, inv, fake, cfg
}

func TestSendingAnInvoiceGoesThroughTheOutbox(t *testing.T) {
	s, inv, fake, _ := mailBooks(t)
	// Listed before the send (which keeps the list's sent dates), not sent.
	if page, err := s.ListInvoices(InvoiceQuery{Limit: 10}); err != nil || len(page.Rows) != 1 || page.Rows[0].Sent != "" {
		t.Fatalf("the list before the send: %+v %v", page.Rows, err)
	}
	results, err := s.SendInvoices(t.Context(), []string{inv.Number}, SendOptions{})
	if err != nil || len(results) != 1 || results[0].Err != nil {
		t.Fatalf("send: %v %+v", err, results)
	}
	e := results[0].Entry
	if e.State != storage.OutboxSent || e.MessageID == "" || e.To[0] != "ap@mueller.example" {
		t.Errorf("outbox entry %+v", e)
	}
	sent := fake.Messages()
	if len(sent) != 1 || !strings.Contains(sent[0].Subject, inv.Number) || len(sent[0].Attachments) != 1 ||
		!bytes.HasPrefix(sent[0].Attachments[0].Data, []byte("%PDF")) {
		t.Fatalf("the message %+v", sent)
	}
	var actions []string
	if err := s.vault.View(func(tx *storage.Tx) error {
		return tx.EachAudit(1, func(e storage.AuditEntry) error {
			if strings.HasPrefix(e.Action, "send") {
				actions = append(actions, e.Action+" "+e.Object)
			}
			if strings.Contains(e.Detail, smtpPassword) {
				t.Errorf("the trail holds the SMTP password: %+v", e)
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(actions, "|") != "send.start "+inv.Number+"|send "+inv.Number {
		t.Errorf("trail %q", actions)
	}
	// The list shows it sent, with the date.
	page, err := s.ListInvoices(InvoiceQuery{Limit: 10})
	if err != nil || len(page.Rows) != 1 || page.Rows[0].Sent != e.Sent.Format(invoice.DateLayout) {
		t.Errorf("the list: %+v %v", page.Rows, err)
	}
	// Again only on purpose.
	if results, _ := s.SendInvoices(t.Context(), []string{inv.Number}, SendOptions{}); !errors.Is(results[0].Err, ErrAlreadySent) {
		t.Errorf("a second send: %v", results[0].Err)
	}
	if results, _ := s.SendInvoices(t.Context(), []string{inv.Number}, SendOptions{To: []string{"other@mueller.example"}, Again: true}); results[0].Err != nil || len(fake.Messages()) != 2 {
		t.Errorf("a second send on purpose: %v", results[0].Err)
	}
}

func TestTemporaryFailuresAreRetriedAndPermanentOnesNot(t *testing.T) {
	cfg, clk := clockConfig(t)
	fake := &email.Fake{Errors: []error{&email.Failure{Temporary: true, Code: 421, Reply: "later"}, &email.Failure{Code: 550, Reply: "no such mailbox"}}}
	cfg.Mailer = func(email.Settings) (email.Sender, error) { return fake, nil }
	s := initVault(t, cfg)
	pw := smtpPassword
	if err := s.SetMailSettings(MailSettings{Host: "smtp.acme.example", Port: 465, Security: "tls", Username: "billing", From: "billing@acme.example"}, &pw); err != nil {
		t.Fatal(err)
	}
	c := mustClient(t, s, "Müller & Söhne KG", "ap@mueller.example")
	a := mustIssue(t, s, mustDraft(t, s, draft(c.ID)).ID)
	b := mustIssue(t, s, mustDraft(t, s, draft(c.ID)).ID)
	results, err := s.SendInvoices(t.Context(), []string{a.Number, b.Number}, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Entry.State != storage.OutboxQueued || results[0].Entry.NextTry.IsZero() {
		t.Errorf("after a 421: %+v", results[0].Entry)
	}
	if results[1].Entry.State != storage.OutboxFailed {
		t.Errorf("after a 550: %+v", results[1].Entry)
	}
	// The queued one is not sent a second time beside its retry.
	if again, _ := s.SendInvoices(t.Context(), []string{a.Number}, SendOptions{}); !errors.Is(again[0].Err, ErrAlreadySent) {
		t.Errorf("a queued invoice sent again: %v", again[0].Err)
	}
	// Not yet due: nothing is tried.
	if r, err := s.SendDue(t.Context()); err != nil || len(r) != 0 {
		t.Errorf("before its time: %v %v", r, err)
	}
	clk.Advance(6 * time.Minute)
	r, err := s.SendDue(t.Context())
	if err != nil || len(r) != 1 || r[0].Entry.State != storage.OutboxSent || r[0].Entry.Attempts != 2 {
		t.Fatalf("the retry: %v %+v", err, r)
	}
	if len(fake.Messages()) != 1 {
		t.Errorf("%d messages taken, want 1 (the failed one is not retried)", len(fake.Messages()))
	}
}

func TestDraftsAreNotSentAndTheSMTPPasswordStaysInTheVault(t *testing.T) {
	s, _, fake, cfg := mailBooks(t)
	c := mustClient(t, s, "Other GmbH", "ap@other.example")
	d := mustDraft(t, s, draft(c.ID))
	// A draft has no number to send it by.
	if r, err := s.SendInvoices(t.Context(), []string{d.ID}, SendOptions{}); err != nil || r[0].Err == nil || len(fake.Messages()) != 0 {
		t.Errorf("a draft: %v %v", err, r)
	}
	if m, hasPassword, err := s.MailSettings(); err != nil || !hasPassword || m.Host != "smtp.acme.example" {
		t.Errorf("MailSettings: %+v %v %v", m, hasPassword, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{cfg.DataDir, cfg.AnchorDir} {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err == nil && bytes.Contains(data, []byte(smtpPassword)) {
				t.Errorf("%s holds the SMTP password", path)
			}
			return nil
		})
	}
}

func TestABookkeeperSendingManyInvoicesAlertsTheAdministrators(t *testing.T) {
	s, _, _, cfg := mailBooks(t)
	addUser(t, s, "bea", auth.RoleBookkeeper, "Walrus-Harmonica-Tulip-93")
	c := mustClient(t, s, "Many GmbH", "ap@many.example")
	var numbers []string
	for range BulkSendThreshold + 1 {
		numbers = append(numbers, mustIssue(t, s, mustDraft(t, s, draft(c.ID)).ID).Number)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := Login(cfg, "bea", "Walrus-Harmonica-Tulip-93")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendInvoices(t.Context(), numbers, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	a := login(t, cfg)
	defer a.Close()
	if !hasAlert(kinds(t, a), AlertBulkSend, "bookkeeper bea sent more than 20 invoices within an hour") {
		t.Errorf("no alert: %v", kinds(t, a))
	}
}

func TestAPasswordProtectedPDFTravelsWithoutItsPassword(t *testing.T) {
	s, inv, fake, _ := mailBooks(t)
	const pdfPassword = "Lantern-Orchid-Comet-61"
	results, err := s.SendInvoices(t.Context(), []string{inv.Number}, SendOptions{PDFPassword: pdfPassword})
	if err != nil || results[0].Err != nil {
		t.Fatalf("send: %v %+v", err, results)
	}
	m := fake.Messages()[0]
	if !bytes.Contains(m.Attachments[0].Data, []byte("/Encrypt")) {
		t.Error("the PDF is not encrypted")
	}
	if strings.Contains(m.Subject+m.Body, pdfPassword) || bytes.Contains(m.Attachments[0].Data, []byte(pdfPassword)) {
		t.Error("the message holds the PDF's password")
	}
}

func TestATestMessageProvesTheServer(t *testing.T) {
	s, _, fake, _ := mailBooks(t)
	if _, err := s.SendTestMessage(t.Context(), "anna@acme.example"); err != nil {
		t.Fatal(err)
	}
	if m := fake.Messages(); len(m) != 1 || m[0].To[0] != "anna@acme.example" || !strings.Contains(m[0].Subject, "test message") {
		t.Errorf("sent %+v", m)
	}
	fake.Errors = []error{email.ErrNoTLS}
	if _, err := s.SendTestMessage(t.Context(), "anna@acme.example"); !errors.Is(err, email.ErrNoTLS) {
		t.Errorf("a server without TLS: %v", err)
	}
}
