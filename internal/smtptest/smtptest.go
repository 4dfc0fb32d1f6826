// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp)
// inside a test, with certificates the test makes, for the tests of the
// code that sends mail. It is imported by tests only.
package smtptest

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
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// User and Password are the only login the servers accept.
const (
	User     = "billing"
	Password = "s3cret mail password"
)

// CA is a certificate authority the test makes; Leaf signs with it.
type CA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	// PEM is the CA certificate, as a mail settings' CA file holds it.
	PEM []byte
}

func NewCA(t testing.TB) *CA {
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
	return &CA{cert: cert, key: key, PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// Leaf is a server certificate for names, signed by ca (self-signed when
// ca is nil).
func Leaf(t testing.TB, ca *CA, names ...string) tls.Certificate {
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

// Server is a real SMTP server in the test process.
type Server struct {
	mu       sync.Mutex
	messages [][]byte
	authed   []string
	// authBeforeTLS counts AUTH attempts on a plain connection.
	authBeforeTLS int
	// replies are the errors Data returns, one per call, then success.
	replies []error
	// onData, if set, is called with each message taken.
	onData func(n int)
}

// Seen returns what the server took, under its lock.
func (s *Server) Seen() (messages [][]byte, authed []string, authBeforeTLS int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.messages...), append([]string(nil), s.authed...), s.authBeforeTLS
}

type session struct {
	srv  *Server
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
		if user != User || pass != Password {
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
	if s.srv.onData != nil {
		s.srv.onData(len(s.srv.messages))
	}
	return nil
}

// Options say how a Server speaks.
type Options struct {
	// Cert is its certificate; nil offers no STARTTLS.
	Cert *tls.Certificate
	// Implicit speaks TLS from the first byte.
	Implicit bool
}

// Start runs a server until the test ends and returns it with its port.
func Start(t testing.TB, o Options) (*Server, int) {
	t.Helper()
	srv := &Server{}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{srv: srv, conn: c}, nil }))
	s.Domain = "localhost"
	s.AllowInsecureAuth = false
	s.EnableSMTPUTF8 = true
	var l net.Listener
	var err error
	if o.Cert != nil {
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*o.Cert}}
	}
	if o.Implicit {
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

// Reply makes the next Data calls fail with these SMTP codes, in order
// (421 for a temporary failure, 550 for a permanent one).
func (s *Server) Reply(codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range codes {
		s.replies = append(s.replies, &smtp.SMTPError{Code: c, Message: "test reply"})
	}
}

// OnData calls fn with the number of messages taken after each one.
func (s *Server) OnData(fn func(n int)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onData = fn
}

// Parsed is a message as a mail program reads it.
type Parsed struct {
	Subject string
	// Files are the attachments by their (decoded) names.
	Files map[string][]byte
}

// Parse reads a message the server took, with net/mail and mime only:
// the subject and the attachments' names decoded (RFC 2047), their
// contents decoded (base64 or quoted-printable).
func Parse(raw []byte) (Parsed, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Parsed{}, err
	}
	dec := new(mime.WordDecoder)
	p := Parsed{Files: map[string][]byte{}}
	if p.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return p, err
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return p, err
	}
	if mt != "multipart/mixed" {
		return p, fmt.Errorf("a %s message, not multipart/mixed", mt)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return p, nil
		}
		if err != nil {
			return p, err
		}
		if part.FileName() == "" {
			continue
		}
		name, err := dec.DecodeHeader(part.FileName())
		if err != nil {
			return p, err
		}
		var r io.Reader = part // multipart decodes quoted-printable itself
		if part.Header.Get("Content-Transfer-Encoding") == "base64" {
			r = base64.NewDecoder(base64.StdEncoding, part)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			return p, err
		}
		p.Files[name] = data
	}
}
