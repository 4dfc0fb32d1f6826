package app

import (
	"errors"
	"fmt"
	"strings"

	"safeinvoice/auth"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// ErrSensitiveData means the minimal-information scanner found something
// that looks like an SSN, a tax id, an IBAN, a card number or a password and
// the administrator's policy blocks such saves. The error is a
// *SensitiveError listing the findings (masked).
var ErrSensitiveData = errors.New("sensitive data refused by policy")

// ErrNotFound means the record does not exist.
var ErrNotFound = storage.ErrNotFound

// SensitiveError lists what the scanner found, with masked excerpts.
type SensitiveError struct {
	Findings []invoice.Finding
}

func (e *SensitiveError) Error() string {
	parts := make([]string, 0, len(e.Findings))
	for _, f := range e.Findings {
		parts = append(parts, describeFinding(f))
	}
	return "remove sensitive data before saving: " + strings.Join(parts, "; ")
}

// Unwrap returns ErrSensitiveData.
func (e *SensitiveError) Unwrap() error { return ErrSensitiveData }

func describeFinding(f invoice.Finding) string {
	where := f.Field
	if where == "" {
		where = "text"
	}
	return fmt.Sprintf("%s looks like %s (%s)", where, f.Detail, f.Excerpt)
}

// policy returns the administrator's policy, or the default before one was
// saved.
func (s *Session) policy() (auth.Policy, error) {
	var p auth.Policy
	err := s.view(func(tx *storage.Tx) error {
		var err error
		p, err = tx.Policy()
		return err
	})
	if errors.Is(err, storage.ErrNotFound) {
		return auth.DefaultPolicy(), nil
	}
	return p, err
}

// screen runs the scanner's findings against the policy: nil findings pass;
// otherwise they are returned as warnings, or as a *SensitiveError when the
// policy blocks.
func (s *Session) screen(findings []invoice.Finding) ([]invoice.Finding, error) {
	if len(findings) == 0 {
		return nil, nil
	}
	p, err := s.policy()
	if err != nil {
		return nil, err
	}
	if p.ScannerBlocks {
		return nil, &SensitiveError{Findings: findings}
	}
	return findings, nil
}
