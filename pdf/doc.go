// Package pdf renders SafeInvoice invoices and credit notes to PDF with
// maroto v2, and exports many of them at once into a folder.
//
// # Rendering
//
// Render turns one Document (an invoice or credit note with its client) into
// the bytes of a PDF: the seller block with an optional logo, the buyer block
// with only the fields the business chose to print (name and email by
// default: minimal information), number and dates, a line table that breaks
// across pages with its header repeated, the tax breakdown per rate, totals,
// credits, payments and balance, notes and payment terms, and "Page X of Y".
// Amounts come from invoice.Invoice.Totals (no arithmetic is repeated here)
// and are formatted for the currency and the locale of Options. Credit notes
// are titled "Credit note" and name the invoice they correct; void invoices
// and drafts carry a VOID or DRAFT mark on every page.
//
// Every glyph is drawn with the embedded Noto Sans Regular
// (assets.FontRegular), subset and embedded in the file with a Unicode map,
// so Polish, Czech, Greek and Cyrillic names render and can be extracted as
// text. Maroto's built-in Helvetica, which only covers WinAnsi, is never
// used. One face only: each face costs every document a font to parse and
// subset (see BENCHMARKS.md, PDFs), so hierarchy comes from size and colour.
// Words too long for their column are broken between characters rather than
// run over the next column; very long notes flow across pages.
//
// Render is the one-off entry point; a Renderer, made once per seller and
// options, prepares the logo once and is safe for concurrent use.
//
// The document metadata holds the title ("Invoice INV-2026-0001"), the
// creator ("SafeInvoice") and the creation date, and no client data. For a
// fixed Options.CreationDate the output is byte-for-byte deterministic, so
// that golden tests are stable (see Render for the one exception: password
// protection).
//
// # Password protection
//
// With Options.Password set, the PDF is encrypted by pdfcpu with AES-256
// (V 5, AESV3, for strings, streams and embedded files). pdfcpu v0.6.0 writes
// security handler revision 5, whose password verifier is one salted
// SHA-256: anyone holding the file can test candidate passwords quickly, so
// the protection is only as good as the password, which should be a long
// passphrase that is sent by another channel. Maroto's own protection,
// 40-bit RC4, is never used: it is not security.
//
// # Batch export
//
// Export renders many documents with a worker pool of runtime.GOMAXPROCS(0)
// goroutines, reports progress through a callback shared by the window and
// the command line, stops promptly when its context is cancelled, and writes
// each file atomically (internal/fsutil: temporary file, fsync, link, folder
// fsync) under a name from SafeFileName that can never leave the folder. An
// existing file is never overwritten: the export picks the next free name,
// "NAME (2).pdf", "NAME (3).pdf" and so on.
package pdf
