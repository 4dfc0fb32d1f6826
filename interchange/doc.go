// Package interchange is SafeInvoice's import and export file formats, JSON
// and CSV: parsing a file into a File of clients and invoices, strictly and
// with errors that name the record, the field and the value, and writing
// invoices as CSV that is safe to open in a spreadsheet. It touches no
// vault: app's import use case checks a parsed File against the books and
// writes it.
package interchange
