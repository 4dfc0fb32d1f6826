package storage

import (
	"encoding/binary"
	"errors"
	"time"

	"safeinvoice/invoice"
)

// summaryFormat is the first byte of an encoded InvoiceSummary.
const summaryFormat = 1

// errBadSummary means an encoded summary could not be decoded.
var errBadSummary = errors.New("damaged invoice summary")

// appendSummary encodes s compactly: a format byte, then each string field
// as a uvarint length and its bytes, then Updated as Unix nanoseconds.
// Opening a vault decodes 100,000 of these, which JSON made the slowest part.
func appendSummary(b []byte, s *InvoiceSummary) []byte {
	b = append(b, summaryFormat)
	for _, f := range [...]string{s.ID, s.Number, string(s.Kind), string(s.Status), s.ClientID, s.Currency,
		s.IssueDate, s.DueDate, s.Total, s.Balance, s.Text} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return binary.AppendVarint(b, s.Updated.UnixNano())
}

// decodeSummary is the inverse of appendSummary.
func decodeSummary(b []byte) (InvoiceSummary, error) {
	var s InvoiceSummary
	if len(b) == 0 || b[0] != summaryFormat {
		return s, errBadSummary
	}
	b = b[1:]
	var kind, status string
	for _, f := range [...]*string{&s.ID, &s.Number, &kind, &status, &s.ClientID, &s.Currency,
		&s.IssueDate, &s.DueDate, &s.Total, &s.Balance, &s.Text} {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return s, errBadSummary
		}
		*f = string(b[k : k+int(n)])
		b = b[k+int(n):]
	}
	ns, k := binary.Varint(b)
	if k <= 0 || k != len(b) {
		return s, errBadSummary
	}
	s.Kind, s.Status = invoice.Kind(kind), invoice.Status(status)
	s.Updated = time.Unix(0, ns).UTC()
	return s, nil
}
