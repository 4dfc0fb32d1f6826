// Package email sends messages over SMTP, encrypted in transit and never
// otherwise: STARTTLS on submission (587) or implicit TLS (465), TLS 1.2
// or newer, the server's certificate and host name verified against the
// system roots and an optional CA of the business's own. A server that
// offers no STARTTLS, a certificate that does not verify, a host name that
// does not match and a refused login are each their own error, and none
// falls back to plain text: nothing, credentials included, goes over the
// wire unencrypted.
//
// Sender is the small interface the app uses; SMTP implements it with
// github.com/wneessen/go-mail (v0.8.1), which builds standard MIME
// messages (multipart/mixed, encoded UTF-8 headers and file names) and
// whose TLSMandatory policy is the one above. Fake records what it is
// given, for tests.
package email
