package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"safeinvoice/invoice"
)

// summaryFormat is the first byte of an encoded InvoiceSummary. Format 1
// had no payments, format 2 no net, tax breakdown or credits; both are
// still read (without them), and vaults holding them are rewritten once at
// open (see ensureSummaries).
const (
	summaryFormat   = 3
	summaryFormatV2 = 2
	summaryFormatV1 = 1
)

// errBadSummary means an encoded summary could not be decoded.
var errBadSummary = errors.New("damaged invoice summary")

// appendSummary encodes s compactly: a format byte, then each string field
// as a uvarint length and its bytes, then Updated as Unix nanoseconds, then
// the number of payments and each payment's date and amount as strings,
// then the net, the number of tax rates and each one's category, rate, net
// and tax, and the number of credits and each one's date and amount.
// Opening a vault decodes 100,000 of these, which JSON made the slowest part.
func appendSummary(b []byte, s *InvoiceSummary) []byte {
	b = append(b, summaryFormat)
	for _, f := range [...]string{s.ID, s.Number, string(s.Kind), string(s.Status), s.ClientID, s.Currency,
		s.IssueDate, s.DueDate, s.Total, s.Balance, s.Text} {
		b = appendString(b, f)
	}
	b = binary.AppendVarint(b, s.Updated.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(s.Payments)))
	for _, p := range s.Payments {
		b = appendString(b, p.Date)
		b = appendString(b, p.Amount)
	}
	b = appendString(b, s.Net)
	b = binary.AppendUvarint(b, uint64(len(s.Rates)))
	for _, r := range s.Rates {
		b = appendString(b, r.Category)
		b = appendString(b, r.Rate)
		b = appendString(b, r.Net)
		b = appendString(b, r.Tax)
	}
	b = binary.AppendUvarint(b, uint64(len(s.Credits)))
	for _, c := range s.Credits {
		b = appendString(b, c.Date)
		b = appendString(b, c.Amount)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// maxSummaryPayments bounds the payments (and rates, and credits) a
// summary may claim, so that a damaged count cannot make the decoder
// allocate without end.
const maxSummaryPayments = 1 << 16

// tailReader reads the strings and counts after a summary's Updated: one
// string holds them all and every field is a slice of it, so a summary
// costs one allocation for its tail.
type tailReader struct {
	b   []byte
	all string
	pos int
	bad bool
}

func (r *tailReader) count() int {
	n, k := binary.Uvarint(r.b[r.pos:])
	if k <= 0 || n > maxSummaryPayments || n > uint64(len(r.b)-r.pos) {
		r.bad = true
		return 0
	}
	r.pos += k
	return int(n)
}

func (r *tailReader) str() string {
	if r.bad {
		return ""
	}
	l, k := binary.Uvarint(r.b[r.pos:])
	if k <= 0 || uint64(len(r.b)-r.pos-k) < l {
		r.bad = true
		return ""
	}
	start := r.pos + k
	r.pos = start + int(l)
	return r.all[start:r.pos]
}

// decodeSummary is the inverse of appendSummary.
func decodeSummary(b []byte) (InvoiceSummary, error) {
	var s InvoiceSummary
	if len(b) == 0 || (b[0] != summaryFormat && b[0] != summaryFormatV2 && b[0] != summaryFormatV1) {
		return s, errBadSummary
	}
	format := b[0]
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
	if k <= 0 || (format == summaryFormatV1 && k != len(b)) {
		return s, errBadSummary
	}
	s.Kind, s.Status = invoice.Kind(kind), invoice.Status(status)
	s.Updated = time.Unix(0, ns).UTC()
	if format == summaryFormatV1 {
		return s, nil
	}
	b = b[k:]
	r := &tailReader{b: b}
	if len(b) > 1 { // a tail of more than an empty count is kept in one string
		r.all = string(b)
	}
	if n := r.count(); n > 0 {
		s.Payments = make([]PaymentSummary, n)
		for i := range s.Payments {
			s.Payments[i] = PaymentSummary{Date: r.str(), Amount: r.str()}
		}
	}
	if format == summaryFormat {
		s.Net = r.str()
		if n := r.count(); n > 0 {
			s.Rates = make([]RateSummary, n)
			for i := range s.Rates {
				s.Rates[i] = RateSummary{Category: r.str(), Rate: r.str(), Net: r.str(), Tax: r.str()}
			}
		}
		if n := r.count(); n > 0 {
			s.Credits = make([]PaymentSummary, n)
			for i := range s.Credits {
				s.Credits[i] = PaymentSummary{Date: r.str(), Amount: r.str()}
			}
		}
	}
	if r.bad || r.pos != len(b) {
		return InvoiceSummary{}, errBadSummary
	}
	return s, nil
}

// keySummaryFormat records that every summary of the vault is in
// summaryFormat.
const keySummaryFormat = "meta/summary_format"

// summaryRewriteChunk is how many summaries one transaction of
// ensureSummaries rewrites.
const summaryRewriteChunk = 500

// ensureSummaries rewrites every invoice summary from its invoice once, in
// a vault whose summaries predate summaryFormat (or was restored from a
// backup made before it), then records the format. Summaries are derived
// from the invoices, so this is bookkeeping, not a change of records: it
// is not audited.
func (v *Vault) ensureSummaries() error {
	want := []byte{summaryFormat}
	var ids []string
	current := false
	err := v.View(func(tx *Tx) error {
		raw, err := tx.getRaw(keySummaryFormat)
		if current = err == nil && bytes.Equal(raw, want); current {
			return nil
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		it := tx.txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefixInvoice)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			ids = append(ids, string(it.Item().Key()[len(prefixInvoice):]))
		}
		return nil
	})
	if err != nil || current {
		return err
	}
	v.writeMu.Lock()
	defer v.writeMu.Unlock()
	v.dbMu.RLock()
	defer v.dbMu.RUnlock()
	for start := 0; start < len(ids); start += summaryRewriteChunk {
		chunk := ids[start:min(start+summaryRewriteChunk, len(ids))]
		err := v.db.Update(func(txn *badger.Txn) error {
			tx := &Tx{v: v, txn: txn, write: true}
			for _, id := range chunk {
				inv, err := tx.Invoice(id)
				if err != nil {
					return err
				}
				sum, err := Summarize(&inv)
				if err != nil {
					return fmt.Errorf("invoice %s: %w", id, err)
				}
				if err := txn.Set([]byte(prefixSummary+id), v.macs.seal(prefixSummary+id, appendSummary(nil, &sum))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("rewrite the invoice summaries: %w", err)
		}
	}
	return v.db.Update(func(txn *badger.Txn) error {
		tx := &Tx{v: v, txn: txn, write: true}
		if err := tx.set(keySummaryFormat, want); err != nil {
			return err
		}
		return tx.applyCounts()
	})
}
