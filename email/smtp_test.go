package email

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// testCA is a certificate authority the test makes, and leaves it signs.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "SafeInvoice test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// leaf is a server certificate for names, signed by ca (self-signed when
// ca is nil).
func leaf(t *testing.T, ca *testCA, names ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	parent, signer := tmpl, any(key)
	if ca != nil {
		parent, signer = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// server is a real SMTP server in the test process.
type server struct {
	mu       sync.Mutex
	messages [][]byte
	authed   []string
	// authBeforeTLS counts AUTH attempts on a plain connection.
	authBeforeTLS int
	// replies are the errors Data returns, one per call, then success.
	replies []error
}

// seen returns what the server took, under its lock.
func (s *server) seen() (messages [][]byte, authed []string, authBeforeTLS int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.messages...), append([]string(nil), s.authed...), s.authBeforeTLS
}

type session struct {
	srv  *server
	conn *smtp.Conn
}

func (s *session) Reset()                               {}
func (s *session) Logout() error                        { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error { return nil }
func (s *session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *session) AuthMechanisms() []string             { return []string{sasl.Plain} }
func (s *session) Auth(mech string) (sasl.Server, error) {
	if _, ok := s.conn.TLSConnectionState(); !ok {
		s.srv.mu.Lock()
		s.srv.authBeforeTLS++
		s.srv.mu.Unlock()
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "billing" || pass != "s3cret mail password" {
			return errors.New("invalid credentials")
		}
		s.srv.mu.Lock()
		s.srv.authed = append(s.srv.authed, user)
		s.srv.mu.Unlock()
		return nil
	}), nil
}
func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if len(s.srv.replies) > 0 {
		reply := s.srv.replies[0]
		s.srv.replies = s.srv.replies[1:]
		return reply
	}
	s.srv.messages = append(s.srv.messages, data)
	return nil
}

type serverOpts struct {
	cert     *tls.Certificate // nil: no STARTTLS
	implicit bool
}

// start runs a server and returns it with its port.
func start(t *testing.T, o serverOpts) (*server, int) {
	t.Helper()
	srv := &server{}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{srv: srv, conn: c}, nil }))
	s.Domain = "localhost"
	s.AllowInsecureAuth = false
	s.EnableSMTPUTF8 = true
	var l net.Listener
	var err error
	if o.cert != nil {
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*o.cert}}
	}
	if o.implicit {
		l, err = tls.Listen("tcp", "127.0.0.1:0", s.TLSConfig)
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
	return srv, l.Addr().(*net.TCPAddr).Port
}

func settings(port int, security Security, ca []byte) Settings {
	return Settings{Host: "localhost", Port: port, Security: security, Username: "billing", Password: "s3cret mail password",
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
	ca := newCA(t)
	cert := leaf(t, ca, "localhost")
	srv, port := start(t, serverOpts{cert: &cert})
	r, err := send(t, settings(port, STARTTLS, ca.pem), invoiceMessage())
	if err != nil {
		t.Fatal(err)
	}
	if r.MessageID == "" {
		t.Error("no message id")
	}
	messages, authed, before := srv.seen()
	if before != 0 || len(authed) != 1 {
		t.Errorf("AUTH before TLS %d times, logins %v", before, authed)
	}
	if len(messages) != 1 {
		t.Fatalf("%d messages", len(messages))
	}
	msg, err := mail.ReadMessage(bytes.NewReader(messages[0]))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	if subj, err := dec.DecodeHeader(msg.Header.Get("Subject")); err != nil || subj != invoiceMessage().Subject {
		t.Errorf("subject %q %v", subj, err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("content type %q %v", mt, err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	found := false
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.FileName() == "" {
			continue
		}
		data, err := io.ReadAll(p) // NextPart decodes quoted-printable, not base64
		if err != nil {
			t.Fatal(err)
		}
		if p.Header.Get("Content-Transfer-Encoding") == "base64" {
			data, err = decodeBase64(data)
			if err != nil {
				t.Fatal(err)
			}
		}
		// The name is an RFC 2047 word, as mail programs write and read it.
		name, err := dec.DecodeHeader(p.FileName())
		if err != nil || name != "INV-2026-0001 Müller & Söhne KG.pdf" || !bytes.Equal(data, pdfBytes) {
			t.Errorf("attachment %q (%v), %d bytes", name, err, len(data))
		}
		found = true
	}
	if !found {
		t.Error("no attachment")
	}
}

func TestImplicitTLSDelivers(t *testing.T) {
	ca := newCA(t)
	cert := leaf(t, ca, "localhost")
	srv, port := start(t, serverOpts{cert: &cert, implicit: true})
	if _, err := send(t, settings(port, ImplicitTLS, ca.pem), invoiceMessage()); err != nil {
		t.Fatal(err)
	}
	if messages, authed, _ := srv.seen(); len(messages) != 1 || len(authed) != 1 {
		t.Errorf("messages %d, logins %v", len(messages), authed)
	}
}

func TestAServerWithoutSTARTTLSGetsNothing(t *testing.T) {
	srv, port := start(t, serverOpts{})
	_, err := send(t, settings(port, STARTTLS, nil), invoiceMessage())
	if !errors.Is(err, ErrNoTLS) {
		t.Fatalf("a server without STARTTLS: %v", err)
	}
	if messages, authed, before := srv.seen(); len(messages) != 0 || len(authed) != 0 || before != 0 {
		t.Errorf("something went over the wire: %d messages, logins %v, %d AUTH attempts", len(messages), authed, before)
	}
}

func TestCertificatesThatDoNotVerifyGetNothing(t *testing.T) {
	self := leaf(t, nil, "localhost")
	srv, port := start(t, serverOpts{cert: &self})
	if _, err := send(t, settings(port, STARTTLS, nil), invoiceMessage()); !errors.Is(err, ErrUntrusted) {
		t.Errorf("a self-signed certificate without the CA file: %v", err)
	}
	ca := newCA(t)
	other := leaf(t, ca, "mail.other.example")
	srv2, port2 := start(t, serverOpts{cert: &other})
	if _, err := send(t, settings(port2, STARTTLS, ca.pem), invoiceMessage()); !errors.Is(err, ErrHostName) {
		t.Errorf("a certificate for another host: %v", err)
	}
	for _, s := range []*server{srv, srv2} {
		if messages, authed, before := s.seen(); len(messages) != 0 || len(authed) != 0 || before != 0 {
			t.Error("something went over the wire")
		}
	}
}

func TestRepliesAreTemporaryOrPermanent(t *testing.T) {
	ca := newCA(t)
	cert := leaf(t, ca, "localhost")
	srv, port := start(t, serverOpts{cert: &cert})
	srv.mu.Lock()
	srv.replies = []error{&smtp.SMTPError{Code: 421, Message: "Try again later"}, &smtp.SMTPError{Code: 550, Message: "Mailbox unavailable"}}
	srv.mu.Unlock()
	s := settings(port, STARTTLS, ca.pem)
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
	if messages, _, _ := srv.seen(); len(messages) != 1 {
		t.Errorf("%d messages taken", len(messages))
	}
}

func TestAWrongPasswordIsSaidSo(t *testing.T) {
	ca := newCA(t)
	cert := leaf(t, ca, "localhost")
	srv, port := start(t, serverOpts{cert: &cert})
	s := settings(port, STARTTLS, ca.pem)
	s.Password = "not it"
	_, err := send(t, s, invoiceMessage())
	if !errors.Is(err, ErrLogin) {
		t.Errorf("a wrong password: %v", err)
	}
	if strings.Contains(err.Error(), "not it") || strings.Contains(err.Error(), "s3cret") {
		t.Error("the error holds the password")
	}
	if messages, _, _ := srv.seen(); len(messages) != 0 {
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

func decodeBase64(data []byte) ([]byte, error) {
	return io.ReadAll(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r"), nil), []byte("\n"), nil))))
}

func TestFakeRecordsAndFailsAsPlanned(t *testing.T) {
	var s Sender = &Fake{Errors: []error{&Failure{Temporary: true, Code: 421, Reply: "later"}}}
	if _, err := s.Send(t.Context(), invoiceMessage()); err == nil {
		t.Error("the planned failure did not come")
	}
	r, err := s.Send(t.Context(), invoiceMessage())
	if err != nil || r.MessageID == "" || len(s.(*Fake).Messages()) != 1 {
		t.Errorf("the second send: %v %+v", err, r)
	}
}
