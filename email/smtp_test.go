package email

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"safeinvoice/internal/smtptest"
)

func settings(port int, security Security, ca []byte) Settings {
	return Settings{Host: "localhost", Port: port, Security: security, Username: smtptest.User, Password: smtptest.Password,
		From: "billing@acme.example", FromName: "Acme Tools GmbH", CA: ca}
}

var pdfBytes = []byte("%PDF-1.7\n% a test invoice \xe2\xe3\xcf\xd3 with bytes that are not text\n%%EOF\n")

func invoiceMessage() Message {
	return Message{To: []string{"ap@mueller.example"}, Subject: "Rechnung INV-2026-0001 von Müller & Söhne – 1.173,19 €",
		Body:        "Guten Tag,\n\nanbei die Rechnung.\n",
		Attachments: []Attachment{{Name: "INV-2026-0001 Müller & Söhne KG.pdf", ContentType: "application/pdf", Data: pdfBytes}}}
}

func send(t *testing.T, s Settings, m Message) (Receipt, error) {
	t.Helper()
	c, err := NewSMTP(s)
	if err != nil {
		t.Fatal(err)
	}
	return c.Send(t.Context(), m)
}

func TestSTARTTLSDeliversTheAttachmentIntact(t *testing.T) {
	ca := smtptest.NewCA(t)
	cert := smtptest.Leaf(t, ca, "localhost")
	srv, port := smtptest.Start(t, smtptest.Options{Cert: &cert})
	r, err := send(t, settings(port, STARTTLS, ca.PEM), invoiceMessage())
	if err != nil {
		t.Fatal(err)
	}
	if r.MessageID == "" {
		t.Error("no message id")
	}
	messages, authed, before := srv.Seen()
	if before != 0 || len(authed) != 1 {
		t.Errorf("AUTH before TLS %d times, logins %v", before, authed)
	}
	if len(messages) != 1 {
		t.Fatalf("%d messages", len(messages))
	}
	p, err := smtptest.Parse(messages[0])
	if err != nil {
		t.Fatal(err)
	}
	if p.Subject != invoiceMessage().Subject {
		t.Errorf("subject %q", p.Subject)
	}
	if data, ok := p.Files["INV-2026-0001 Müller & Söhne KG.pdf"]; !ok || !bytes.Equal(data, pdfBytes) || len(p.Files) != 1 {
		t.Errorf("attachments %v", p.Files)
	}
}

func TestImplicitTLSDelivers(t *testing.T) {
	ca := smtptest.NewCA(t)
	cert := smtptest.Leaf(t, ca, "localhost")
	srv, port := smtptest.Start(t, smtptest.Options{Cert: &cert, Implicit: true})
	if _, err := send(t, settings(port, ImplicitTLS, ca.PEM), invoiceMessage()); err != nil {
		t.Fatal(err)
	}
	if messages, authed, _ := srv.Seen(); len(messages) != 1 || len(authed) != 1 {
		t.Errorf("messages %d, logins %v", len(messages), authed)
	}
}

func TestAServerWithoutSTARTTLSGetsNothing(t *testing.T) {
	srv, port := smtptest.Start(t, smtptest.Options{})
	_, err := send(t, settings(port, STARTTLS, nil), invoiceMessage())
	if !errors.Is(err, ErrNoTLS) {
		t.Fatalf("a server without STARTTLS: %v", err)
	}
	if messages, authed, before := srv.Seen(); len(messages) != 0 || len(authed) != 0 || before != 0 {
		t.Errorf("something went over the wire: %d messages, logins %v, %d AUTH attempts", len(messages), authed, before)
	}
}

func TestCertificatesThatDoNotVerifyGetNothing(t *testing.T) {
	self := smtptest.Leaf(t, nil, "localhost")
	srv, port := smtptest.Start(t, smtptest.Options{Cert: &self})
	if _, err := send(t, settings(port, STARTTLS, nil), invoiceMessage()); !errors.Is(err, ErrUntrusted) {
		t.Errorf("a self-signed certificate without the CA file: %v", err)
	}
	ca := smtptest.NewCA(t)
	other := smtptest.Leaf(t, ca, "mail.other.example")
	srv2, port2 := smtptest.Start(t, smtptest.Options{Cert: &other})
	if _, err := send(t, settings(port2, STARTTLS, ca.PEM), invoiceMessage()); !errors.Is(err, ErrHostName) {
		t.Errorf("a certificate for another host: %v", err)
	}
	for _, s := range []*smtptest.Server{srv, srv2} {
		if messages, authed, before := s.Seen(); len(messages) != 0 || len(authed) != 0 || before != 0 {
			t.Error("something went over the wire")
		}
	}
}

func TestRepliesAreTemporaryOrPermanent(t *testing.T) {
	ca := smtptest.NewCA(t)
	cert := smtptest.Leaf(t, ca, "localhost")
	srv, port := smtptest.Start(t, smtptest.Options{Cert: &cert})
	srv.Reply(421, 550)
	s := settings(port, STARTTLS, ca.PEM)
	var f *Failure
	if _, err := send(t, s, invoiceMessage()); !errors.As(err, &f) || !f.Temporary || f.Code != 421 {
		t.Errorf("421: %v (%+v)", err, f)
	}
	if _, err := send(t, s, invoiceMessage()); !errors.As(err, &f) || f.Temporary || f.Code != 550 {
		t.Errorf("550: %v (%+v)", err, f)
	}
	if _, err := send(t, s, invoiceMessage()); err != nil {
		t.Errorf("the third try: %v", err)
	}
	if messages, _, _ := srv.Seen(); len(messages) != 1 {
		t.Errorf("%d messages taken", len(messages))
	}
}

func TestAWrongPasswordIsSaidSo(t *testing.T) {
	ca := smtptest.NewCA(t)
	cert := smtptest.Leaf(t, ca, "localhost")
	srv, port := smtptest.Start(t, smtptest.Options{Cert: &cert})
	s := settings(port, STARTTLS, ca.PEM)
	s.Password = "not it"
	_, err := send(t, s, invoiceMessage())
	if !errors.Is(err, ErrLogin) {
		t.Errorf("a wrong password: %v", err)
	}
	if strings.Contains(err.Error(), "not it") || strings.Contains(err.Error(), smtptest.Password) {
		t.Error("the error holds the password")
	}
	if messages, _, _ := srv.Seen(); len(messages) != 0 {
		t.Error("a message was taken without a login")
	}
}

func TestSettingsRefuseWhatCannotBeSafe(t *testing.T) {
	for name, s := range map[string]Settings{
		"no security":         {Host: "smtp.example.com", Port: 25, From: "a@example.com"},
		"plain":               {Host: "smtp.example.com", Port: 25, Security: "none", From: "a@example.com"},
		"no host":             {Port: 587, Security: STARTTLS, From: "a@example.com"},
		"bad port":            {Host: "smtp.example.com", Port: 70000, Security: STARTTLS, From: "a@example.com"},
		"bad from":            {Host: "smtp.example.com", Port: 587, Security: STARTTLS, From: "Acme <a@example.com>"},
		"user without pass":   {Host: "smtp.example.com", Port: 587, Security: STARTTLS, From: "a@example.com", Username: "a"},
		"a CA that is no PEM": {Host: "smtp.example.com", Port: 587, Security: STARTTLS, From: "a@example.com", CA: []byte("nope")},
	} {
		if err := s.Check(); !errors.Is(err, ErrSettings) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := (Settings{Host: "smtp.example.com", Port: 587, Security: STARTTLS, From: "a@example.com"}).Check(); err != nil {
		t.Errorf("good settings: %v", err)
	}

}
