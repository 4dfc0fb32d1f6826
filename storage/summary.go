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
	// Two strings per record: the short fields are slices of one, which
	// spares ten allocations per summary when 100,000 are loaded; the text
	// is its own, so that the index can drop it once its words are known.
	var kind, status string
	fields := [...]*string{&s.ID, &s.Number, &kind, &status, &s.ClientID, &s.Currency,
		&s.IssueDate, &s.DueDate, &s.Total, &s.Balance, &s.Text}
	var spans [len(fields)][2]int
	pos := 0
	for i := range fields {
		n, k := binary.Uvarint(b[pos:])
		if k <= 0 || uint64(len(b)-pos-k) < n {
			return s, errBadSummary
		}
		spans[i] = [2]int{pos + k, pos + k + int(n)}
		pos += k + int(n)
	}
	last := len(fields) - 1
	head := string(b[:spans[last][0]])
	for i, f := range fields[:last] {
		*f = head[spans[i][0]:spans[i][1]]
	}
	s.Text = string(b[spans[last][0]:spans[last][1]])
	b = b[pos:]
	ns, k := binary.Varint(b)
	if k <= 0 || k != len(b) {
		return s, errBadSummary
	}
	s.Kind, s.Status = invoice.Kind(kind), invoice.Status(status)
	s.Updated = time.Unix(0, ns).UTC()
	return s, nil
}
