package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"safeinvoice/auth"
	"safeinvoice/einvoice"
	"safeinvoice/internal/fsutil"
	"safeinvoice/invoice"
	"safeinvoice/pdf"
	"safeinvoice/storage"
)

// ErrNoEInvoiceFormat means a document was to be exported in its client's
// e-invoice format, and the client has none.
var ErrNoEInvoiceFormat = errors.New("the client receives no e-invoices")

// sellerOf is the seller of e-invoices, from the settings.
func sellerOf(st storage.Settings) einvoice.Seller {
	return einvoice.Seller{Party: einvoice.Party{Name: st.BusinessName, Street: st.BusinessAddress, City: st.BusinessCity,
		PostalCode: st.BusinessPostalCode, Country: st.BusinessCountry, VATID: st.BusinessVATID, TaxID: st.BusinessTaxID,
		Endpoint: st.BusinessEAddress, EndpointScheme: st.BusinessEAddressScheme,
		Contact: st.BusinessContact, Phone: st.BusinessPhone, Email: st.BusinessEmail},
		IBAN: st.PaymentIBAN, BIC: st.PaymentBIC}
}

// eDocument is one document to write.
type eDocument struct {
	doc    einvoice.Document
	format einvoice.Format
	// number and client name the file (pdf.FreeNames).
	number, client string
	// pdf is, for Factur-X, the document the PDF is rendered from.
	pdf pdf.Document
}

// ExportEInvoices writes issued invoices and credit notes as e-invoices
// into the existing folder dir and returns the paths written, in order:
// each in format, or, when format is "", in its client's format. The
// documents are those numbered (all issued ones when none are), as
// ExportPDFs chooses them, drafts never; without numbers and format, the
// documents of clients who receive no e-invoices are left out, while a
// named one is an error.
//
// Every document is built and checked before anything is written: when
// any lacks what its format needs, or its client has no format, nothing is
// written and the error lists every problem (errors.Is
// einvoice.ErrIncomplete or ErrNoEInvoiceFormat). Files are written
// atomically, mode 0600, named like the PDFs, with ".xml" or, for
// Factur-X, ".pdf" (the invoice's PDF as PDF/A-3 with the XML embedded,
// see pdf.FacturX), never over an existing file ("NAME (2).xml"…). It needs auth.PermExportPDF and is
// audited as the PDF export is: "export.einvoice.start" before the first
// file (raising AlertBulkExport for a large export by a non-administrator),
// "export.einvoice" after it.
func (s *Session) ExportEInvoices(ctx context.Context, dir string, format einvoice.Format, numbers []string, progress Progress) ([]string, error) {
	if err := s.require(auth.PermExportPDF); err != nil {
		return nil, err
	}
	ids, settings, err := s.exportSelection(numbers)
	if err != nil {
		return nil, fmt.Errorf("export e-invoices: %w", err)
	}
	docs, err := s.buildEInvoices(ids, format, sellerOf(settings), len(numbers) == 0)
	if err != nil {
		return nil, fmt.Errorf("export e-invoices: %w", err)
	}
	if len(docs) == 0 {
		return nil, nil
	}
	if err := s.exportStarted("export.einvoice", dir, len(docs), "documents", "as e-invoices"); err != nil {
		return nil, fmt.Errorf("export e-invoices: %w", err)
	}
	var renderer *pdf.Renderer
	var written []string
	var exportErr error
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			exportErr = err
			break
		}
		var buf bytes.Buffer
		if err := einvoice.Write(&buf, d.doc, d.format); err != nil {
			exportErr = fmt.Errorf("export e-invoices: %s: %w", d.doc.Number, err)
			break
		}
		data := buf.Bytes()
		if d.format == einvoice.FacturX {
			if renderer == nil {
				seller, opts := pdfSetup(settings, s.cfg.now())
				if renderer, err = pdf.NewRenderer(seller, opts); err != nil {
					exportErr = fmt.Errorf("export e-invoices: %w", err)
					break
				}
			}
			if data, err = s.facturX(renderer, d, data); err != nil {
				exportErr = fmt.Errorf("export e-invoices: %s: %w", d.doc.Number, err)
				break
			}
		}
		path, err := writeNew(dir, d.number, d.client, d.format.Ext(), data)
		if err != nil {
			exportErr = fmt.Errorf("export e-invoices: %s: %w", d.doc.Number, fsutil.DiskFull(dir, err))
			break
		}
		written = append(written, path)
		if progress != nil {
			progress(int64(i+1), int64(len(docs)))
		}
	}
	detail := fmt.Sprintf("%d documents", len(written))
	if exportErr != nil {
		detail = fmt.Sprintf("%d of %d documents, stopped: %v", len(written), len(docs), exportErr)
	}
	err = s.update(func(tx *storage.Tx) error { return tx.Audit("export.einvoice", dir, detail) })
	return written, errors.Join(exportErr, err)
}

// ErrQuoteNotEInvoice is a quote asked for as an e-invoice: EN 16931 is for
// invoices and credit notes.
var ErrQuoteNotEInvoice = errors.New("a quote is not an e-invoice; send it as a PDF")

// buildEInvoices loads and builds every document, and checks each against
// its format; the error lists every problem of every document.
func (s *Session) buildEInvoices(ids []string, format einvoice.Format, seller einvoice.Seller, skipNoFormat bool) ([]eDocument, error) {
	var out []eDocument
	var problems []error
	err := s.view(func(tx *storage.Tx) error {
		for _, id := range ids {
			inv, err := s.invoiceIn(tx, id)
			if err != nil {
				return err
			}
			if inv.IsQuote() {
				problems = append(problems, fmt.Errorf("%s: %w", inv.Number, ErrQuoteNotEInvoice))
				continue
			}
			client, err := tx.Client(inv.ClientID)
			if err != nil {
				return fmt.Errorf("client of %s: %w", inv.Number, err)
			}
			f := format
			if f == "" {
				if client.EInvoice == "" && skipNoFormat {
					continue // a client invoiced on paper or by PDF
				}
				if client.EInvoice == "" {
					problems = append(problems, fmt.Errorf("%s: client %s: %w (choose their format, or give --format)", inv.Number, client.Name, ErrNoEInvoiceFormat))
					continue
				}
				if f, err = einvoice.ParseFormat(client.EInvoice); err != nil {
					return err
				}
			}
			var corrected *invoice.Invoice
			if inv.IsCreditNote() && inv.Corrects != "" {
				orig, err := s.invoiceIn(tx, inv.Corrects)
				if err != nil {
					return fmt.Errorf("invoice corrected by %s: %w", inv.Number, err)
				}
				corrected = &orig
			}
			d, err := einvoice.Build(&inv, corrected, client, seller)
			if err != nil {
				return fmt.Errorf("%s: %w", inv.Number, err)
			}
			if err := einvoice.Check(d, f); err != nil {
				problems = append(problems, err)
				continue
			}
			e := eDocument{doc: d, format: f, number: inv.Number, client: client.Name}
			if f == einvoice.FacturX {
				e.pdf = pdf.Document{Invoice: &inv, Client: &client}
				if corrected != nil {
					e.pdf.CorrectsNumber = corrected.Number
				}
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, errors.Join(problems...)
}

// facturX renders d's PDF and makes it a Factur-X PDF/A-3 carrying xml.
func (s *Session) facturX(r *pdf.Renderer, d eDocument, xml []byte) ([]byte, error) {
	plain, err := r.Render(d.pdf)
	if err != nil {
		return nil, err
	}
	return pdf.FacturX(plain, xml, pdf.FacturXMeta{Title: d.pdf.Title(), Created: s.cfg.now()})
}

// writeNew writes data atomically into dir under the name pdf.FreeNames
// gives the document, or its first free variant "name (N)ext", never over
// an existing file.
func writeNew(dir, number, client, ext string, data []byte) (string, error) {
	names, err := pdf.FreeNames(dir, number, client, ext)
	if err != nil {
		return "", err
	}
	for n := 1; n <= 1000; n++ {
		path := filepath.Join(dir, names.Variant(n))
		err := fsutil.WriteBytes(path, data, 0o600, true)
		if errors.Is(err, fsutil.ErrExists) {
			continue
		}
		return path, err
	}
	return "", fmt.Errorf("no free file name for %s in %s", pdf.SafeFileName(number, client), dir)
}

// EInvoiceFormat is an e-invoice format (see einvoice.Format).
type EInvoiceFormat = einvoice.Format

// ParseEInvoiceFormat checks a format's name: facturx, xrechnung-cii,
// xrechnung-ubl or peppol.
func ParseEInvoiceFormat(s string) (EInvoiceFormat, error) { return einvoice.ParseFormat(s) }
