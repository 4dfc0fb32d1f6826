package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP sends through the mail server of Settings.
type SMTP struct {
	s   Settings
	tls *tls.Config
}

// NewSMTP checks s and returns its sender.
func NewSMTP(s Settings) (*SMTP, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	cfg, err := s.tlsConfig()
	if err != nil {
		return nil, err
	}
	return &SMTP{s: s, tls: cfg}, nil
}

// build makes the MIME message of m.
func (c *SMTP) build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	var err error
	if c.s.FromName != "" {
		err = msg.FromFormat(c.s.FromName, c.s.From)
	} else {
		err = msg.From(c.s.From)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: From: %v", ErrSettings, err)
	}
	if len(m.To) == 0 {
		return nil, errors.New("the message has no recipient")
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	for _, a := range m.Attachments {
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType))); err != nil {
			return nil, fmt.Errorf("attach %s: %w", a.Name, err)
		}
	}
	return msg, nil
}

// Send sends m. Its error is ErrNoTLS, ErrUntrusted, ErrHostName,
// ErrLogin, a *Failure (Temporary for a 4xx reply or a lost connection) or
// a mistake in m.
func (c *SMTP) Send(ctx context.Context, m Message) (Receipt, error) {
	msg, err := c.build(m)
	if err != nil {
		return Receipt{}, err
	}
	opts := []gomail.Option{gomail.WithPort(c.s.Port), gomail.WithTLSConfig(c.tls), gomail.WithTimeout(30 * time.Second)}
	if c.s.Security == ImplicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if c.s.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(c.s.Username), gomail.WithPassword(c.s.Password))
	}
	client, err := gomail.NewClient(c.s.Host, opts...)
	if err != nil {
		return Receipt{}, fmt.Errorf("%w: %v", ErrSettings, err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return Receipt{}, classify(err)
	}
	return Receipt{MessageID: msg.GetMessageID()}, nil
}

// classify turns what go-mail and crypto/tls return into the package's
// errors.
func classify(err error) error {
	var hostErr x509.HostnameError
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var proto *textproto.Error
	var send *gomail.SendError
	var netErr net.Error
	switch {
	case errors.As(err, &hostErr):
		return fmt.Errorf("%w (%v)", ErrHostName, hostErr.Error())
	case errors.As(err, &unknown), errors.As(err, &invalid), errors.As(err, &verify):
		return ErrUntrusted
	case strings.Contains(err.Error(), "does not support STARTTLS"):
		return ErrNoTLS
	case strings.Contains(err.Error(), "SMTP AUTH failed") || errors.As(err, &proto) && (proto.Code == 535 || proto.Code == 534):
		return ErrLogin
	case errors.As(err, &send):
		code := send.ErrorCode()
		return &Failure{Temporary: send.IsTemp() || code/100 == 4, Code: code, Reply: replyText(err), Err: err}
	case errors.As(err, &proto):
		return &Failure{Temporary: proto.Code/100 == 4, Code: proto.Code, Reply: proto.Msg, Err: err}
	case errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded):
		return &Failure{Temporary: true, Err: err}
	}
	return &Failure{Temporary: true, Err: err}
}

// replyText is the server's reply in err, without go-mail's wording.
func replyText(err error) string {
	var proto *textproto.Error
	if errors.As(err, &proto) {
		return proto.Msg
	}
	return err.Error()
}
