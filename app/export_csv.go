package app

import (
	"errors"
	"fmt"
	"io"

	"safeinvoice/auth"
	"safeinvoice/interchange"
	"safeinvoice/internal/fsutil"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// ExportCSV writes every invoice and credit note (no quotes), one row per line item and
// one per payment, in the CSV format (UTF-8 with a byte-order mark so that
// spreadsheets detect the encoding), formula-injection safe. It is audited
// before the first byte ("export.csv.start", with the bulk-export alert)
// and after the last ("export.csv"); see exportStarted.
func (s *Session) ExportCSV(w io.Writer) (int, error) {
	return s.exportCSV(w, "")
}

// ExportCSVFile is ExportCSV into the file at path, written atomically
// (a temporary file renamed into place once complete, mode 0600); an
// existing file is replaced only with replace, and is otherwise
// fsutil.ErrExists. The trail names the file.
func (s *Session) ExportCSVFile(path string, replace bool) (int, error) {
	var n int
	err := fsutil.WriteFile(path, 0o600, !replace, func(w io.Writer) error {
		var err error
		n, err = s.exportCSV(w, path)
		return err
	})
	return n, err
}

func (s *Session) exportCSV(w io.Writer, where string) (int, error) {
	if err := s.require(auth.PermExportCSV); err != nil {
		return 0, err
	}
	counts, err := read(s, (*storage.Tx).Counters)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	if err := s.exportStarted("export.csv", where, counts["invoice"], "invoices", "as CSV"); err != nil {
		return 0, fmt.Errorf("export: %w", err)
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
			if s.imports.hidden(inv.ID) || inv.IsQuote() {
				return nil // a running import's, final only at its commit; quotes owe nothing
			}
			n++
			return cw.WriteInvoice(&inv, clients[inv.ClientID])
		})
	})
	if err == nil {
		err = cw.Flush()
	}
	detail := fmt.Sprintf("%d invoices", n)
	if err != nil {
		detail = fmt.Sprintf("%d invoices, stopped: %v", n, err)
	}
	if aerr := s.update(func(tx *storage.Tx) error {
		return tx.Audit("export.csv", where, detail)
	}); aerr != nil {
		return n, errors.Join(fmt.Errorf("export: %w", err), aerr)
	}
	if err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	return n, nil
}
