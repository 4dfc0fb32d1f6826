package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode"

	"safeinvoice/app/internal/search"
	"safeinvoice/auth"
	"safeinvoice/interchange"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

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

// importSpace is the disk space an import may take while it runs: each
// invoice as a record and a summary with its audit entry and staging log
// entry, each client likewise, and the value-log garbage not yet
// collected, about twice the values.
func importSpace(p *plan) uint64 {
	var n uint64
	for _, pi := range p.invoices {
		n += 4 * (1024 + uint64(len(pi.inv.Notes)+len(pi.inv.Terms)) + 256*uint64(len(pi.inv.Lines)))
	}
	return n + 2048*uint64(len(p.newClients))
}

// The interchange formats' types and errors, for front ends.
type (
	ImportFile    = interchange.File
	ImportClient  = interchange.Client
	ImportInvoice = interchange.Invoice
	ImportError   = interchange.Error
)

// ErrImport is wrapped by every refusal of an import file (an *ImportError).
var ErrImport = interchange.ErrRefused

// ImportPath imports a JSON or CSV file, told apart by its extension
// (.json, .csv) or else by its first character; see Import.
func (s *Session) ImportPath(ctx context.Context, path string, progress Progress) (ImportResult, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import: %w", err)
	}
	f, err := interchange.Parse(path, data)
	if err != nil {
		return ImportResult{}, err
	}
	return s.Import(ctx, f, progress)
}

// ParseImportJSON reads the JSON import format; see interchange.ParseJSON.
func ParseImportJSON(data []byte) (*ImportFile, error) { return interchange.ParseJSON(data) }

// ParseImportCSV reads the CSV import format; see interchange.ParseCSV.
func ParseImportCSV(data []byte) (*ImportFile, error) { return interchange.ParseCSV(data) }

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
	existing := map[string]string{} // invoice.Fold(name)+"\x00"+lower(email) → id
	vaultIDs := map[string]bool{}
	err = s.view(func(tx *storage.Tx) error {
		return tx.EachClient(func(c invoice.Client) error {
			existing[invoice.ClientKey(c.Name, c.Email)] = c.ID
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
		c := invoice.Client{Name: ic.Name, Email: ic.Email, Address: ic.Address, TaxID: ic.TaxID,
			City: ic.City, PostalCode: ic.PostalCode, Country: ic.Country, VATID: ic.VATID,
			EAddress: ic.EAddress, EAddressScheme: ic.EAddressScheme, EInvoice: ic.EInvoice, Created: now, Updated: now}
		normalizeClient(&c)
		if err := c.Validate(); err != nil {
			return nil, interchange.RecordError(rec, err)
		}
		if err := screen(rec, invoice.ScanClient(&c), p); err != nil {
			return nil, err
		}
		if id, ok := existing[invoice.ClientKey(c.Name, c.Email)]; ok {
			fileClients[ic.ID] = id
			p.reused++
			continue
		}
		if c.ID, err = newID(); err != nil {
			return nil, err
		}
		existing[invoice.ClientKey(c.Name, c.Email)] = c.ID
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
	err = s.view(func(tx *storage.Tx) error {
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

func (s *Session) planInvoice(rec string, ii ImportInvoice, fileClients map[string]string, vaultIDs map[string]bool, now time.Time) (plannedInvoice, error) {
	pi := plannedInvoice{desc: rec}
	clientID, ok := fileClients[ii.Client]
	if !ok {
		if !vaultIDs[ii.Client] {
			return pi, &ImportError{Record: rec, Field: "client", Value: ii.Client, Err: errors.New("no client with this id in the file or the vault")}
		}
		clientID = ii.Client
	}
	kind := invoice.KindInvoice
	switch k := strings.ToLower(strings.TrimSpace(ii.Kind)); k {
	case "", string(invoice.KindInvoice):
	case string(invoice.KindQuote):
		kind = invoice.KindQuote
	default:
		return pi, &ImportError{Record: rec, Field: "kind", Value: ii.Kind, Err: errors.New("expected invoice or quote; credit notes are made in SafeInvoice")}
	}
	status, err := invoice.ParseStatus(strings.TrimSpace(ii.Status))
	switch {
	case kind == invoice.KindQuote:
		if status == invoice.StatusExpired {
			status = invoice.StatusSent // expiry follows from the valid-until date
		}
		if err != nil || (status != invoice.StatusDraft && status != invoice.StatusSent && status != invoice.StatusAccepted && status != invoice.StatusDeclined) {
			return pi, &ImportError{Record: rec, Field: "status", Value: ii.Status, Err: errors.New("expected draft, sent, accepted, declined or expired for a quote")}
		}
		if len(ii.Payments) > 0 {
			return pi, &ImportError{Record: rec, Field: "payments", Err: errors.New("a quote has no payments")}
		}
	case err != nil || status == invoice.StatusOverdue || status == invoice.StatusPartiallyPaid ||
		status == invoice.StatusSent || status == invoice.StatusAccepted || status == invoice.StatusDeclined || status == invoice.StatusExpired:
		return pi, &ImportError{Record: rec, Field: "status", Value: ii.Status, Err: errors.New("expected draft, issued, paid or void")}
	}
	inv := invoice.Invoice{
		Kind: kind, Status: invoice.StatusDraft, ClientID: clientID,
		Currency: ii.Currency, IssueDate: ii.IssueDate, DueDate: ii.DueDate,
		Notes: strings.TrimSpace(ii.Notes), Terms: strings.TrimSpace(ii.Terms),
		BuyerReference: strings.TrimSpace(ii.BuyerReference), OrderReference: strings.TrimSpace(ii.OrderReference),
		Lines: ii.Lines, Created: now, Updated: now,
	}
	normalizeInvoice(&inv)
	if inv.ID, err = newID(); err != nil {
		return pi, err
	}
	if err := inv.Validate(); err != nil {
		return pi, interchange.RecordError(rec, err)
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
	if inv.IsQuote() {
		// The client's answer as the file says, whenever it came.
		inv.Status = target
		return inv, nil
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

// writeImport writes a checked plan as one staged change (see
// storage.Vault.Stage), in transactions of importChunk invoices: it is
// final only once the last of them is written. Should a write fail
// half-way (a full disk), or ctx be cancelled (checked between
// transactions), what was written is undone, audited, so the file is all
// or nothing; a kill leaves the undo to the next login. The numbers the
// import took are free again unless invoices issued meanwhile came after
// them.
func (s *Session) writeImport(ctx context.Context, p *plan, progress Progress) error {
	total := int64(len(p.newClients) + len(p.invoices))
	progress.report(0, total)
	what := fmt.Sprintf("import of %d invoices and %d new clients", len(p.invoices), len(p.newClients))
	if err := s.vault.NeedSpace(importSpace(p), "the "+what); err != nil {
		return err
	}
	if err := s.imports.begin(p); err != nil {
		return err
	}
	defer s.imports.end()
	st, err := s.vault.Stage(s.user.Name, "import", what)
	if err != nil {
		return s.reportDamage(err)
	}
	undo := func(cause error) error {
		why := "import failed"
		if ctx.Err() != nil {
			why = "the import was cancelled"
		}
		d, err := st.Discard(fmt.Sprintf("%s: %v", why, cause))
		// A list read meanwhile may have loaded the import's summaries.
		s.dropIndex()
		if err != nil {
			return fmt.Errorf("%s (%w) and so did undoing it, which the next login finishes: %v", why, cause, s.reportDamage(err))
		}
		if d.Kept > 0 {
			return fmt.Errorf("%s, nothing kept but %d records changed meanwhile by someone else: %w", why, d.Kept, cause)
		}
		return fmt.Errorf("%s, nothing kept: %w", why, cause)
	}
	done := 0
	for start, size := 0, importChunk; start < len(p.newClients); {
		if err := ctx.Err(); err != nil {
			return undo(err)
		}
		chunk := p.newClients[start:min(start+size, len(p.newClients))]
		err := s.updateStaged(st, func(tx *storage.Tx) error {
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
		start += len(chunk)
		done += len(chunk)
		progress.report(int64(done), total)
	}
	now := s.cfg.now()
	var set storage.Settings
	if err := s.view(func(tx *storage.Tx) error {
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
		err := s.updateStaged(st, func(tx *storage.Tx) error {
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
		written = append(written, out...)
		start += len(chunk)
		done += len(chunk)
		progress.report(int64(done), total)
	}
	if err := ctx.Err(); err != nil {
		return undo(err)
	}
	if err := st.Commit(func(tx *storage.Tx) error {
		return tx.Audit("import", "", fmt.Sprintf("%d invoices, %d new clients, %d clients reused", len(p.invoices), len(p.newClients), p.reused))
	}); err != nil {
		return undo(s.reportDamage(err))
	}
	s.withIndex(func(x *search.Index) {
		for _, c := range p.newClients {
			x.PutClient(c)
		}
	})
	for i := range written {
		s.indexInvoice(&written[i])
	}
	return nil
}
