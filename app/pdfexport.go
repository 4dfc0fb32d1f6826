package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"safeinvoice/auth"
	"safeinvoice/invoice"
	"safeinvoice/pdf"
	"safeinvoice/storage"
)

// BulkExportThreshold is the number of invoices a user other than an
// administrator may export at once (as PDF or CSV) without raising an
// AlertBulkExport for the administrators.
const BulkExportThreshold = 20

// pdfExportBatch bounds how many documents ExportPDFs holds in memory at
// once: a 100,000-invoice vault is exported batch by batch.
const pdfExportBatch = 500

// ExportPDFs renders invoices and credit notes to PDF files in the existing
// folder dir and returns the paths of the files written, in the order of
// the documents (see pdf.Export: atomic files of mode 0600 under sanitized
// names, never over an existing file, every core used).
//
// With no numbers, every issued document is exported: every invoice and
// credit note that is not a draft (issued, partially paid, paid and void;
// a void invoice keeps its number and is marked VOID), in order of issue
// date and number. Otherwise the documents carrying the given numbers are
// exported, in the order given, each once; when any number is unknown,
// nothing is written and the error, which wraps ErrNotFound, names every
// unknown number.
//
// progress is told, after each file, the number of files written so far
// and the number of documents. Cancelling ctx stops the export; files
// already written stay complete.
//
// It needs auth.PermExportPDF. The export is audited before the first file
// as "export.pdf.start" with the number of documents and the folder, and
// after it as "export.pdf" with the number of files written, even when it
// stops early; a user other than an administrator who exports more than
// BulkExportThreshold documents at once raises an AlertBulkExport with the
// first entry. The returned paths are those of the files
// written, also on error.
func (s *Session) ExportPDFs(ctx context.Context, dir string, numbers []string, progress Progress) ([]string, error) {
	if err := s.require(auth.PermExportPDF); err != nil {
		return nil, err
	}
	ids, settings, err := s.exportSelection(numbers)
	if err != nil {
		return nil, fmt.Errorf("export PDF: %w", err)
	}

	if len(ids) > 0 {
		if err := s.exportStarted("export.pdf", dir, len(ids), "documents", "as PDF"); err != nil {
			return nil, fmt.Errorf("export PDF: %w", err)
		}
	}
	seller, popts := pdfSetup(settings, s.cfg.now())
	opts := pdf.BatchOptions{Seller: seller, Options: popts}
	var written []string
	var exportErr error
	for start := 0; start < len(ids) || start == 0; start += pdfExportBatch {
		batch := ids[start:min(start+pdfExportBatch, len(ids))]
		docs, err := s.loadDocuments(batch)
		if err != nil {
			exportErr = fmt.Errorf("export PDF: %w", err)
			break
		}
		if progress != nil {
			base := start
			opts.Progress = func(done, _ int) { progress(int64(base+done), int64(len(ids))) }
		}
		paths, err := pdf.Export(ctx, docs, dir, opts)
		for _, p := range paths {
			if p != "" {
				written = append(written, p)
			}
		}
		if err != nil {
			exportErr = fmt.Errorf("export PDF: %w", err)
			break
		}
	}
	if len(written) == 0 {
		return nil, exportErr // nothing left the vault: nothing to audit
	}

	detail := fmt.Sprintf("%d documents", len(written))
	if exportErr != nil {
		detail = fmt.Sprintf("%d of %d documents, stopped: %v", len(written), len(ids), exportErr)
	}
	err = s.update(func(tx *storage.Tx) error {
		return tx.Audit("export.pdf", dir, detail)
	})
	return written, errors.Join(exportErr, err)
}

// exportSelection returns the documents an export of numbers writes (every
// issued one when there are none, see issuedDocuments and
// documentsNumbered) and the settings.
func (s *Session) exportSelection(numbers []string) ([]string, storage.Settings, error) {
	var ids []string
	var settings storage.Settings
	err := s.view(func(tx *storage.Tx) error {
		var err error
		if settings, err = tx.Settings(); err != nil {
			return fmt.Errorf("settings: %w", err)
		}
		if len(numbers) == 0 {
			ids, err = issuedDocuments(tx, s.imports.hidden)
		} else {
			ids, err = documentsNumbered(tx, numbers)
		}
		return err
	})
	return ids, settings, err
}

// exportStarted writes, before the first byte of an export leaves the
// vault, its "ACTION.start" entry: who (the entry's user), how many of
// what, and where to. A user other than an administrator exporting more
// than BulkExportThreshold invoices raises the AlertBulkExport here, with
// it (how says "as PDF"; "" for exports that are not of invoices). No
// entry, no export: an error stops it before anything is written. The
// entry after the last byte ("ACTION") says how many were written, so a
// start without its end is an export that was cut short.
func (s *Session) exportStarted(action, where string, n int, what, how string) error {
	return s.update(func(tx *storage.Tx) error {
		if how != "" {
			if err := s.alertBulkExport(tx, n, how); err != nil {
				return err
			}
		}
		return tx.Audit(action+".start", where, fmt.Sprintf("%d %s", n, what))
	})
}

// alertBulkExport raises an AlertBulkExport inside tx when the logged-in
// user is not an administrator and exported more than BulkExportThreshold
// invoices at once: "bookkeeper anna exported 240 invoices as PDF".
// pdfSetup is what the settings say of every PDF: the seller block and
// note, the client fields, the paper and the number format.
func pdfSetup(st storage.Settings, now time.Time) (invoice.Party, pdf.Options) {
	seller := invoice.Party{Name: st.BusinessName, Address: sellerAddress(st), Email: st.BusinessEmail, TaxID: st.BusinessTaxID, VATID: st.BusinessVATID}
	opts := pdf.Options{CreationDate: now, Locale: st.PDFLocale, PaperSize: pdf.PaperSize(st.PDFPaper),
		Logo: st.Logo, Note: st.PDFNote}
	if st.PDFClientAddress {
		opts.Buyer |= pdf.BuyerAddress
	}
	if st.PDFClientTaxID {
		opts.Buyer |= pdf.BuyerTaxID
	}
	return seller, opts
}

// sellerAddress is the business address as PDFs print it: the street lines,
// then postal code and city, then the country, where the structured fields
// are set and the street lines do not already hold them.
func sellerAddress(st storage.Settings) string {
	addr := strings.TrimSpace(st.BusinessAddress)
	if place := strings.TrimSpace(st.BusinessPostalCode + " " + st.BusinessCity); place != "" && !strings.Contains(addr, place) {
		addr = strings.TrimSpace(addr + "\n" + place)
	}
	if st.BusinessCountry != "" && !strings.Contains(addr, st.BusinessCountry) {
		addr = strings.TrimSpace(addr + "\n" + st.BusinessCountry)
	}
	return addr
}

func (s *Session) alertBulkExport(tx *storage.Tx, n int, how string) error {
	if s.user.Role == auth.RoleAdministrator || n <= BulkExportThreshold {
		return nil
	}
	return s.raiseAlert(tx, AlertBulkExport, fmt.Sprintf("%s %s exported %d invoices %s", s.user.Role, s.user.Name, n, how))
}

// issuedDocuments returns the ids of every invoice and credit note that is
// not a draft, by issue date and number.
func issuedDocuments(tx *storage.Tx, hidden func(id string) bool) ([]string, error) {
	var sums []storage.InvoiceSummary
	err := tx.EachInvoiceSummary(func(s storage.InvoiceSummary) error {
		if s.Status != invoice.StatusDraft && s.Number != "" && s.Kind != invoice.KindQuote && !hidden(s.ID) {
			sums = append(sums, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(sums, func(a, b storage.InvoiceSummary) int {
		return cmp.Or(cmp.Compare(a.IssueDate, b.IssueDate), cmp.Compare(a.Number, b.Number), cmp.Compare(a.ID, b.ID))
	})
	ids := make([]string, len(sums))
	for i, s := range sums {
		ids[i] = s.ID
	}
	return ids, nil
}

// documentsNumbered returns the ids of the documents carrying numbers, in
// that order and each once. An unknown number is an error that names every
// unknown one.
func documentsNumbered(tx *storage.Tx, numbers []string) ([]string, error) {
	var ids, unknown []string
	seen := map[string]bool{}
	for _, n := range numbers {
		n = strings.TrimSpace(n)
		id, err := tx.InvoiceByNumber(n)
		switch {
		case n == "" || errors.Is(err, storage.ErrNotFound):
			unknown = append(unknown, strconv.Quote(n))
		case err != nil:
			return nil, err
		case !seen[id]:
			seen[id] = true
			ids = append(ids, id)
		}
	}
	switch len(unknown) {
	case 0:
		return ids, nil
	case 1:
		return nil, fmt.Errorf("no invoice or credit note is numbered %s: %w", unknown[0], ErrNotFound)
	}
	return nil, fmt.Errorf("no invoice or credit note is numbered %s: %w", strings.Join(unknown, ", "), ErrNotFound)
}

// loadDocuments reads the invoices with ids, their clients and, for credit
// notes, the number of the invoice they correct.
func (s *Session) loadDocuments(ids []string) ([]pdf.Document, error) {
	docs := make([]pdf.Document, 0, len(ids))
	err := s.view(func(tx *storage.Tx) error {
		clients := map[string]*invoice.Client{}
		for _, id := range ids {
			inv, err := s.invoiceIn(tx, id)
			if err != nil {
				return err
			}
			c, ok := clients[inv.ClientID]
			if !ok {
				cl, err := tx.Client(inv.ClientID)
				if err != nil {
					return fmt.Errorf("client of %s: %w", inv.Number, err)
				}
				c = &cl
				clients[inv.ClientID] = c
			}
			doc := pdf.Document{Invoice: &inv, Client: c}
			if inv.IsCreditNote() && inv.Corrects != "" {
				orig, err := s.invoiceIn(tx, inv.Corrects)
				if err != nil {
					return fmt.Errorf("invoice corrected by %s: %w", inv.Number, err)
				}
				doc.CorrectsNumber = orig.Number
			}
			docs = append(docs, doc)
		}
		return nil
	})
	return docs, err
}
