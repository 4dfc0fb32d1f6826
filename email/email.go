package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	net_mail "net/mail"
	"strings"
)

// Security is how the connection is encrypted.
type Security string

// The two ways; there is no unencrypted one.
const (
	// STARTTLS upgrades a submission connection (port 587) before
	// anything else is said.
	STARTTLS Security = "starttls"
	// ImplicitTLS speaks TLS from the first byte (port 465).
	ImplicitTLS Security = "tls"
)

// Settings say how to reach the business's mail server.
type Settings struct {
	Host     string
	Port     int
	Security Security
	// Username and Password log in; both empty means no login.
	Username, Password string
	// From and FromName are the sender.
	From, FromName string
	// CA is a PEM certificate (or several) to trust besides the system
	// roots, for a server with a certificate of its own authority.
	CA []byte
}

// Errors, each a reason in plain words.
var (
	// ErrSettings wraps a mistake in Settings.
	ErrSettings = errors.New("mail settings")
	// ErrNoTLS: the server offers no STARTTLS, so nothing was sent.
	ErrNoTLS = errors.New("the mail server does not offer STARTTLS, so nothing was sent: SafeInvoice never sends mail unencrypted (choose implicit TLS on port 465 if the server offers it)")
	// ErrUntrusted: the server's certificate does not verify (unknown
	// authority, expired, not yet valid).
	ErrUntrusted = errors.New("the mail server's certificate is not trusted, so nothing was sent (expired, or from an authority this computer does not know: give its CA file in the mail settings)")
	// ErrHostName: the certificate is for another host name.
	ErrHostName = errors.New("the mail server's certificate is for another host name, so nothing was sent: check the server name in the mail settings")
	// ErrLogin: the server refused the user name and password.
	ErrLogin = errors.New("the mail server refused the user name or password")
)

// Check reports the first mistake in s.
func (s Settings) Check() error {
	switch {
	case strings.TrimSpace(s.Host) == "" || strings.ContainsAny(s.Host, " /:"):
		return fmt.Errorf("%w: a server name such as smtp.example.com", ErrSettings)
	case s.Port < 1 || s.Port > 65535:
		return fmt.Errorf("%w: port %d (587 for STARTTLS, 465 for TLS)", ErrSettings, s.Port)
	case s.Security != STARTTLS && s.Security != ImplicitTLS:
		return fmt.Errorf("%w: security %q (starttls or tls; mail is never sent unencrypted)", ErrSettings, s.Security)
	case (s.Username == "") != (s.Password == ""):
		return fmt.Errorf("%w: a user name and a password go together", ErrSettings)
	}
	if _, err := net_mail.ParseAddress(s.From); err != nil || strings.ContainsAny(s.From, "<> ") {
		return fmt.Errorf("%w: the From address %q is not an e-mail address", ErrSettings, s.From)
	}
	if len(s.CA) > 0 && !x509.NewCertPool().AppendCertsFromPEM(s.CA) {
		return fmt.Errorf("%w: the CA file holds no PEM certificate", ErrSettings)
	}
	return nil
}

// tlsConfig is the TLS the settings allow: 1.2 or newer, verified against
// the system roots and the CA, for the host.
func (s Settings) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	if len(s.CA) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(s.CA) {
			return nil, fmt.Errorf("%w: the CA file holds no PEM certificate", ErrSettings)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// Attachment is a file sent with a message.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Message is one message to send.
type Message struct {
	To            []string
	Subject, Body string
	Attachments   []Attachment
}

// Receipt is what the server said of a sent message.
type Receipt struct {
	MessageID string
}

// Sender sends messages.
type Sender interface {
	Send(ctx context.Context, m Message) (Receipt, error)
}

// Failure is a message the server did not take: Temporary (a 4xx reply, a
// connection lost) may be tried again, a permanent one (5xx) not.
type Failure struct {
	Temporary bool
	Code      int
	Reply     string
	Err       error
}

func (f *Failure) Error() string {
	kind := "permanently"
	if f.Temporary {
		kind = "for now"
	}
	if f.Code != 0 {
		return fmt.Sprintf("the mail server refused the message %s: %d %s", kind, f.Code, f.Reply)
	}
	return fmt.Sprintf("the message could not be sent %s: %v", kind, f.Err)
}

func (f *Failure) Unwrap() error { return f.Err }
