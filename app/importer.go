package app

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"safeinvoice/auth"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// ErrImport is wrapped by every *ImportError.
var ErrImport = errors.New("import refused")

// ImportError names the record, the field and the value that made an import
// file unacceptable. Nothing of the file was written.
type ImportError struct {
	// Record says which record: "invoice 3 (number INV-7)", "client 2 (c9)",
	// "CSV row 14".
	Record string
	// Field is the field at fault, if one is.
	Field string
	// Value is the offending value (numbers, dates, codes and ids only;
	// personal text is not repeated).
	Value string
	Err   error
	// named: Err itself names Field and Value.
	named bool
}

// importErr wraps a record's validation error, lifting the first named
// field and value into the ImportError.
func importErr(record string, err error) *ImportError {
	ie := &ImportError{Record: record, Err: err}
	var fe *invoice.FieldError
	if errors.As(err, &fe) {
		ie.Field, ie.Value, ie.named = fe.Field, fe.Value, true
	}
	return ie
}

func (e *ImportError) Error() string {
	var b strings.Builder
	b.WriteString(e.Record)
	if e.Field != "" && !e.named {
		b.WriteString(", field " + e.Field)
	}
	if e.Value != "" && !e.named {
		fmt.Fprintf(&b, ", value %q", e.Value)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns both ErrImport and the cause.
func (e *ImportError) Unwrap() []error { return []error{ErrImport, e.Err} }

// ImportFile is the JSON import format of DESIGN §8. All amounts are strings.
type ImportFile struct {
	Clients  []ImportClient  `json:"clients"`
	Invoices []ImportInvoice `json:"invoices"`
}

// ImportClient is a client of an import file. ID is the file's own
// reference, used by its invoices; it does not become the vault's id.
type ImportClient struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Address string `json:"address,omitempty"`
	TaxID   string `json:"tax_id,omitempty"`
}

// ImportInvoice is an invoice of an import file. Client is an id from the
// file's clients (or of a client already in the vault). Number is optional:
// issued invoices without one get the next number of the sequence.
type ImportInvoice struct {
	Number    string            `json:"number,omitempty"`
	Client    string            `json:"client"`
	Currency  string            `json:"currency"`
	IssueDate string            `json:"issue_date"`
	DueDate   string            `json:"due_date"`
	Status    string            `json:"status"`
	Notes     string            `json:"notes,omitempty"`
	Terms     string            `json:"terms,omitempty"`
	Lines     []invoice.Line    `json:"lines"`
	Payments  []invoice.Payment `json:"payments,omitempty"`
}

// ImportResult counts what an import wrote.
type ImportResult struct {
	ClientsCreated int
	ClientsReused  int
	Invoices       int
	// Warnings are the scanner's findings when the policy only warns.
	Warnings []invoice.Finding
}

// importChunk is how many invoices one transaction writes.
const importChunk = 250

// ImportPath imports a JSON or CSV file, told apart by its extension
// (.json, .csv) or else by its first character; see Import.
func (s *Session) ImportPath(ctx context.Context, path string, progress Progress) (ImportResult, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import: %w", err)
	}
	format := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	if format != "json" && format != "csv" {
		format = "csv"
		if t := bytes.TrimLeft(bytes.TrimPrefix(data, utf8BOM), " \t\r\n"); len(t) > 0 && t[0] == '{' {
			format = "json"
		}
	}
	var f *ImportFile
	if format == "json" {
		f, err = ParseImportJSON(data)
	} else {
		f, err = ParseImportCSV(data)
	}
	if err != nil {
		return ImportResult{}, err
	}
	return s.Import(ctx, f, progress)
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ParseImportJSON decodes the JSON import format strictly: unknown fields
// and non-string amounts are errors naming where they are.
func ParseImportJSON(data []byte) (*ImportFile, error) {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM)))
	dec.DisallowUnknownFields()
	var f ImportFile
	if err := dec.Decode(&f); err != nil {
		return nil, jsonImportError(data, err)
	}
	if dec.More() {
		return nil, &ImportError{Record: "JSON file", Err: errors.New("unexpected data after the top-level object")}
	}
	return &f, nil
}

func jsonImportError(data []byte, err error) error {
	where := func(off int64) string {
		line := 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n"))
		return fmt.Sprintf("JSON line %d", line)
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &ImportError{Record: where(se.Offset), Err: fmt.Errorf("not valid JSON: %w", err)}
	case errors.As(err, &te):
		return &ImportError{Record: where(te.Offset), Field: te.Field,
			Err: fmt.Errorf("expected %s, found a JSON %s (amounts, quantities and rates are strings such as \"12.50\")", te.Type, te.Value)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &ImportError{Record: "JSON file", Err: errors.New("the file ends in the middle of a record (truncated?)")}
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return &ImportError{Record: "JSON file", Err: fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "json: "))}
	}
	return &ImportError{Record: "JSON file", Err: err}
}

// plan is an import file checked against the vault and turned into records,
// before anything is written.
type plan struct {
	newClients []invoice.Client
	reused     int
	invoices   []plannedInvoice
	warnings   []invoice.Finding
}

type plannedInvoice struct {
	inv  invoice.Invoice
	desc string // "invoice 3 (number INV-7)"
	// status to reach after issuing: issued, paid or void ("" for drafts)
	target   invoice.Status
	payments []invoice.Payment
}

// Import writes an import file all-or-nothing: every record is checked
// (fields, references, numbers, the scanner, the lifecycle) before the
// first write, and one bad record refuses the whole file with an
// *ImportError naming it. Clients already in the vault (same name and
// email) are reused instead of duplicated. Progress is told the records
// (new clients, then invoices) written of all there are. Cancelling ctx
// stops the import and removes what it had written, so the file is still
// all or nothing; the error then wraps context.Canceled.
func (s *Session) Import(ctx context.Context, f *ImportFile, progress Progress) (ImportResult, error) {
	if err := s.require(auth.PermImport); err != nil {
		return ImportResult{}, err
	}
	p, err := s.planImport(f)
	if err != nil {
		return ImportResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return ImportResult{}, fmt.Errorf("the import was cancelled before anything was written: %w", err)
	}
	if err := s.writeImport(ctx, p, progress); err != nil {
		return ImportResult{}, err
	}
	return ImportResult{ClientsCreated: len(p.newClients), ClientsReused: p.reused, Invoices: len(p.invoices), Warnings: p.warnings}, nil
}

func (s *Session) planImport(f *ImportFile) (*plan, error) {
	policy, err := s.policy()
	if err != nil {
		return nil, err
	}
	screen := func(record string, findings []invoice.Finding, p *plan) error {
		if len(findings) == 0 {
			return nil
		}
		if policy.ScannerBlocks {
			return &ImportError{Record: record, Field: findings[0].Field, Err: &SensitiveError{Findings: findings}}
		}
		p.warnings = append(p.warnings, findings...)
		return nil
	}
	// What the vault has: clients by name+email, and used numbers.
	existing := map[string]string{} // fold(name)+"\x00"+lower(email) → id
	vaultIDs := map[string]bool{}
	err = s.vault.View(func(tx *storage.Tx) error {
		return tx.EachClient(func(c invoice.Client) error {
			existing[clientKey(c.Name, c.Email)] = c.ID
			vaultIDs[c.ID] = true
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	p := &plan{}
	now := s.cfg.now().UTC()
	fileClients := map[string]string{} // file id → vault id
	for i, ic := range f.Clients {
		rec := fmt.Sprintf("client %d", i+1)
		if ic.ID != "" {
			rec += fmt.Sprintf(" (%s)", ic.ID)
		}
		if ic.ID == "" {
			return nil, &ImportError{Record: rec, Field: "id", Err: invoice.ErrRequired}
		}
		if _, dup := fileClients[ic.ID]; dup {
			return nil, &ImportError{Record: rec, Field: "id", Value: ic.ID, Err: errors.New("the same id is used by an earlier client of the file")}
		}
		c := invoice.Client{Name: ic.Name, Email: ic.Email, Address: ic.Address, TaxID: ic.TaxID, Created: now, Updated: now}
		normalizeClient(&c)
		if err := c.Validate(); err != nil {
			return nil, importErr(rec, err)
		}
		if err := screen(rec, invoice.ScanClient(&c), p); err != nil {
			return nil, err
		}
		if id, ok := existing[clientKey(c.Name, c.Email)]; ok {
			fileClients[ic.ID] = id
			p.reused++
			continue
		}
		if c.ID, err = newID(); err != nil {
			return nil, err
		}
		existing[clientKey(c.Name, c.Email)] = c.ID
		fileClients[ic.ID] = c.ID
		p.newClients = append(p.newClients, c)
	}
	numbers := map[string]string{} // number → record, within the file
	for i, ii := range f.Invoices {
		rec := fmt.Sprintf("invoice %d", i+1)
		if ii.Number != "" {
			rec += fmt.Sprintf(" (number %s)", ii.Number)
		}
		pi, err := s.planInvoice(rec, ii, fileClients, vaultIDs, now)
		if err != nil {
			return nil, err
		}
		if pi.inv.Number != "" {
			if other, dup := numbers[pi.inv.Number]; dup {
				return nil, &ImportError{Record: rec, Field: "number", Value: pi.inv.Number, Err: fmt.Errorf("also used by %s of the file", other)}
			}
			numbers[pi.inv.Number] = rec
		}
		if err := screen(rec, invoice.ScanInvoice(&pi.inv), p); err != nil {
			return nil, err
		}
		p.invoices = append(p.invoices, pi)
	}
	// Numbers already in the vault.
	err = s.vault.View(func(tx *storage.Tx) error {
		for _, pi := range p.invoices {
			if pi.inv.Number == "" {
				continue
			}
			if _, err := tx.InvoiceByNumber(pi.inv.Number); err == nil {
				return &ImportError{Record: pi.desc, Field: "number", Value: pi.inv.Number, Err: storage.ErrNumberTaken}
			} else if !errors.Is(err, storage.ErrNotFound) {
				return err
			}
		}
		return nil
	})
	return p, err
}

func clientKey(name, email string) string {
	return fold(strings.TrimSpace(name)) + "\x00" + strings.ToLower(strings.TrimSpace(email))
}

func (s *Session) planInvoice(rec string, ii ImportInvoice, fileClients map[string]string, vaultIDs map[string]bool, now time.Time) (plannedInvoice, error) {
	pi := plannedInvoice{desc: rec}
	clientID, ok := fileClients[ii.Client]
	if !ok {
		if !vaultIDs[ii.Client] {
			return pi, &ImportError{Record: rec, Field: "client", Value: ii.Client, Err: errors.New("no client with this id in the file or the vault")}
		}
		clientID = ii.Client
	}
	status, err := invoice.ParseStatus(strings.TrimSpace(ii.Status))
	if err != nil || status == invoice.StatusOverdue || status == invoice.StatusPartiallyPaid {
		return pi, &ImportError{Record: rec, Field: "status", Value: ii.Status, Err: errors.New("expected draft, issued, paid or void")}
	}
	inv := invoice.Invoice{
		Kind: invoice.KindInvoice, Status: invoice.StatusDraft, ClientID: clientID,
		Currency: ii.Currency, IssueDate: ii.IssueDate, DueDate: ii.DueDate,
		Notes: strings.TrimSpace(ii.Notes), Terms: strings.TrimSpace(ii.Terms),
		Lines: ii.Lines, Created: now, Updated: now,
	}
	normalizeInvoice(&inv)
	if inv.ID, err = newID(); err != nil {
		return pi, err
	}
	if err := inv.Validate(); err != nil {
		return pi, importErr(rec, err)
	}
	number := strings.TrimSpace(ii.Number)
	if status == invoice.StatusDraft {
		if number != "" {
			return pi, &ImportError{Record: rec, Field: "number", Value: number, Err: errors.New("a draft has no number; it gets one when it is issued")}
		}
		if len(ii.Payments) > 0 {
			return pi, &ImportError{Record: rec, Field: "payments", Err: errors.New("a draft cannot have payments")}
		}
		pi.inv = inv
		return pi, nil
	}
	if number != "" {
		if err := checkImportedNumber(number); err != nil {
			return pi, &ImportError{Record: rec, Field: "number", Value: number, Err: err}
		}
	}
	pi.target, pi.payments = status, ii.Payments
	// Run the lifecycle now on a copy, so that every error shows before
	// anything is written; the write repeats it with the final number.
	trial := inv
	if _, err := finishImported(&trial, cmp.Or(number, "PENDING"), pi.target, &pi.payments, now); err != nil {
		return pi, &ImportError{Record: rec, Field: err.field, Value: err.value, Err: err.err}
	}
	inv.Number = number
	pi.inv = inv
	return pi, nil
}

// checkImportedNumber accepts numbers that are safe as file names.
func checkImportedNumber(n string) error {
	if len(n) > 64 || strings.ContainsAny(n, `/\:*?"<>|`) || strings.ContainsFunc(n, unicode.IsControl) || strings.HasPrefix(n, "-") {
		return errors.New("a number has at most 64 characters and none of / \\ : * ? \" < > | or control characters, and does not start with -")
	}
	return nil
}

type fieldErr struct {
	field, value string
	err          error
}

// finishImported takes a valid draft to the imported status: issued with
// number, payments recorded (an invoice imported as paid without payments
// gets one for its balance, dated its issue date), or void. payments may be
// extended with that synthesized payment.
func finishImported(inv *invoice.Invoice, number string, target invoice.Status, payments *[]invoice.Payment, now time.Time) (*invoice.Invoice, *fieldErr) {
	if err := inv.Issue(number, now); err != nil {
		return nil, &fieldErr{err: err}
	}
	switch target {
	case invoice.StatusVoid:
		if len(*payments) > 0 {
			return nil, &fieldErr{field: "payments", err: errors.New("a void invoice cannot have payments")}
		}
		if err := inv.Void("voided before import", now); err != nil {
			return nil, &fieldErr{field: "status", value: string(target), err: err}
		}
		return inv, nil
	case invoice.StatusPaid:
		if len(*payments) == 0 && inv.Status != invoice.StatusPaid {
			t, err := inv.Totals()
			if err != nil {
				return nil, &fieldErr{err: err}
			}
			*payments = []invoice.Payment{{Date: inv.IssueDate, Amount: t.Balance.Number(), Note: "paid before import"}}
		}
	}
	for k, p := range *payments {
		p.Date, p.Amount = strings.TrimSpace(p.Date), strings.TrimSpace(p.Amount)
		if err := inv.RecordPayment(p, now); err != nil {
			return nil, &fieldErr{field: fmt.Sprintf("payments %d", k+1), value: p.Amount, err: err}
		}
	}
	if target == invoice.StatusPaid && inv.Status != invoice.StatusPaid {
		t, err := inv.Totals()
		if err != nil {
			return nil, &fieldErr{err: err}
		}
		return nil, &fieldErr{field: "status", value: "paid", err: fmt.Errorf("the payments leave %s %s unpaid", t.Balance.Number(), inv.Currency)}
	}
	return inv, nil
}

// writeImport writes a checked plan in transactions of importChunk
// invoices. Should a write fail half-way (a full disk), the records
// already written are removed again, audited, so the file is all or
// nothing; numbers taken by the removed invoices stay used. A cancelled
// ctx is handled the same way, checked between transactions.
func (s *Session) writeImport(ctx context.Context, p *plan, progress Progress) error {
	var doneClients, doneInvoices []string
	total := int64(len(p.newClients) + len(p.invoices))
	progress.report(0, total)
	undo := func(cause error) error {
		err := s.update(func(tx *storage.Tx) error {
			for _, id := range doneInvoices {
				if err := tx.DeleteInvoice(id); err != nil {
					return err
				}
			}
			for _, id := range doneClients {
				if err := tx.DeleteClient(id); err != nil {
					return err
				}
			}
			return tx.Audit("import.rollback", "", fmt.Sprintf("%d invoices, %d clients removed after: %v", len(doneInvoices), len(doneClients), cause))
		})
		s.dropIndex()
		what := "import failed"
		if ctx.Err() != nil {
			what = "the import was cancelled"
		}
		if err != nil {
			return fmt.Errorf("%s (%w) and so did removing its %d records: %v", what, cause, len(doneInvoices)+len(doneClients), err)
		}
		return fmt.Errorf("%s, nothing kept: %w", what, cause)
	}
	for start, size := 0, importChunk; start < len(p.newClients); {
		if err := ctx.Err(); err != nil {
			return undo(err)
		}
		chunk := p.newClients[start:min(start+size, len(p.newClients))]
		err := s.update(func(tx *storage.Tx) error {
			for _, c := range chunk {
				if err := tx.PutClient(c); err != nil {
					return err
				}
				if err := tx.Audit("client.import", c.ID, ""); err != nil {
					return err
				}
			}
			return nil
		})
		if errors.Is(err, storage.ErrTooBig) && size > 1 {
			size /= 2
			continue
		}
		if err != nil {
			return undo(err)
		}
		for _, c := range chunk {
			doneClients = append(doneClients, c.ID)
		}
		start += len(chunk)
		progress.report(int64(len(doneClients)), total)
	}
	now := s.cfg.now()
	var set storage.Settings
	if err := s.vault.View(func(tx *storage.Tx) error {
		var err error
		set, err = tx.Settings()
		return err
	}); err != nil {
		return err
	}
	written := make([]invoice.Invoice, 0, len(p.invoices))
	size := importChunk
	for start := 0; start < len(p.invoices); {
		if err := ctx.Err(); err != nil {
			return undo(err)
		}
		chunk := p.invoices[start:min(start+size, len(p.invoices))]
		var out []invoice.Invoice
		err := s.update(func(tx *storage.Tx) error {
			out = out[:0]
			for _, pi := range chunk {
				inv := pi.inv
				if pi.target != "" {
					number := inv.Number
					if number == "" {
						n, err := nextNumber(tx, set, &inv)
						if err != nil {
							return err
						}
						number = n
					} else if err := tx.ClaimNumber(number, inv.ID); err != nil {
						return &ImportError{Record: pi.desc, Field: "number", Value: number, Err: err}
					}
					inv.Number = ""
					payments := pi.payments
					if _, ferr := finishImported(&inv, number, pi.target, &payments, now); ferr != nil {
						return &ImportError{Record: pi.desc, Field: ferr.field, Value: ferr.value, Err: ferr.err}
					}
				}
				if err := tx.PutInvoice(inv); err != nil {
					return err
				}
				if err := tx.Audit("invoice.import", inv.ID, inv.Number); err != nil {
					return err
				}
				out = append(out, inv)
			}
			return nil
		})
		if errors.Is(err, storage.ErrTooBig) && size > 1 {
			size /= 2 // large invoices: fewer per transaction
			continue
		}
		if err != nil {
			return undo(err)
		}
		for _, inv := range out {
			doneInvoices = append(doneInvoices, inv.ID)
		}
		written = append(written, out...)
		start += len(chunk)
		progress.report(int64(len(doneClients)+len(doneInvoices)), total)
	}
	s.withIndex(func(x *invoiceIndex) {
		for _, c := range p.newClients {
			x.putClient(c)
		}
	})
	for i := range written {
		s.indexInvoice(&written[i])
	}
	return nil
}
