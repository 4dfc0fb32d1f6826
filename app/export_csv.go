package app

import (
	"fmt"
	"io"

	"safeinvoice/auth"
	"safeinvoice/interchange"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// ExportCSV writes every invoice and credit note, one row per line item and
// one per payment, in the CSV format (UTF-8 with a byte-order mark so that
// spreadsheets detect the encoding), formula-injection safe.
func (s *Session) ExportCSV(w io.Writer) (int, error) {
	if err := s.require(auth.PermExportCSV); err != nil {
		return 0, err
	}
	cw, err := interchange.NewCSVWriter(w)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	n := 0
	err = s.view(func(tx *storage.Tx) error {
		clients := map[string]invoice.Client{}
		if err := tx.EachClient(func(c invoice.Client) error { clients[c.ID] = c; return nil }); err != nil {
			return err
		}
		return tx.EachInvoice(func(inv invoice.Invoice) error {
			n++
			return cw.WriteInvoice(&inv, clients[inv.ClientID])
		})
	})
	if err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	if err := cw.Flush(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	if err := s.update(func(tx *storage.Tx) error {
		if err := s.alertBulkExport(tx, n, "as CSV"); err != nil {
			return err
		}
		return tx.Audit("export.csv", "", fmt.Sprintf("%d invoices", n))
	}); err != nil {
		return n, err
	}
	return n, nil
}
