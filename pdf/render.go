package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/page"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/phpdave11/gofpdf"

	"safeinvoice/assets"
	"safeinvoice/invoice"
)

// Creator is the creator recorded in every PDF's metadata.
const Creator = "SafeInvoice"

// ErrNoClient is returned by Render when the document has no client or a
// client other than the one the invoice names.
var ErrNoClient = errors.New("document has no matching client")

// The seller is the business that issues the invoices (an invoice.Party),
// printed at the top of every document; only its Name is required. Its logo
// and closing note are Options.

// BuyerFields selects the optional client fields printed in the buyer
// block. The zero value prints only the name and the email address, the
// minimal-information default.
type BuyerFields uint8

// The optional buyer fields.
const (
	// BuyerAddress prints the client's postal address.
	BuyerAddress BuyerFields = 1 << iota
	// BuyerTaxID prints the client's tax id.
	BuyerTaxID
)

// PaperSize is the page format of the PDF.
type PaperSize string

// The supported paper sizes.
const (
	// A4 is 210 × 297 mm, the default.
	A4 PaperSize = "a4"
	// Letter is US Letter, 8.5 × 11 in.
	Letter PaperSize = "letter"
)

// Options tune how documents are rendered. The zero value is valid: English
// number formats, name and email of the buyer, A4, the current time as the
// creation date, no password.
type Options struct {
	// Locale is a BCP 47 tag ("de-DE", "pl", "en-US") that selects how
	// amounts, quantities and percentages are written. DefaultLocale is
	// used when it is empty, unknown, or writes digits the embedded font
	// lacks (Arabic-Indic, for example). Labels are in English; dates are
	// ISO 8601 (2026-11-01).
	Locale string
	// Buyer selects the optional client fields to print.
	Buyer BuyerFields
	// CreationDate is recorded as the PDF's creation and modification
	// date; the zero value means time.Now(). Fix it to get identical bytes
	// for identical input.
	CreationDate time.Time
	// PaperSize is A4 when empty.
	PaperSize PaperSize
	// Logo is the seller's optional PNG or JPEG image of at most
	// MaxLogoBytes and MaxLogoPixels pixels on either side, fitted into
	// 65 × 22 mm at the top left. A transparent PNG is flattened onto white.
	Logo []byte
	// Note is the seller's optional closing text printed at the end of
	// every document, after the payment terms: a thank-you, or the
	// company's registration details. Line breaks separate paragraphs.
	Note string
	// Password, when not empty, encrypts the PDF with AES-256 (see the
	// package documentation for its strength): it is needed to open the
	// file and grants every permission. The encrypted output is not
	// deterministic (fresh salts and keys each time) and pdfcpu records
	// its own producer and dates.
	Password string
}

// Document is one invoice or credit note to render, with its client.
type Document struct {
	// Invoice is the invoice or credit note; it must be valid
	// (invoice.Invoice.Validate). Drafts render with a DRAFT mark.
	Invoice *invoice.Invoice
	// Client is the buyer; its ID must equal Invoice.ClientID.
	Client *invoice.Client
	// CorrectsNumber is, for a credit note, the number of the invoice it
	// corrects. When empty, the credit note shows Invoice.Corrects, the
	// corrected invoice's internal id.
	CorrectsNumber string
	// Reminder, when set, makes the document a payment reminder for the
	// invoice: titled so, with the reminder's date, days overdue and text
	// above the invoice's lines and balance.
	Reminder *ReminderNote
}

// ReminderNote is what a payment reminder adds to its invoice.
type ReminderNote struct {
	Level       int
	Date        string // YYYY-MM-DD
	DaysOverdue int
	// Text is the level's text, its placeholders filled in.
	Text string
}

// Title returns the document's title as recorded in the PDF metadata:
// "Invoice INV-2026-0001", "Credit note CN-2026-0002", "Quote
// QUO-2026-0003", "Invoice (draft)",
// with " (void)" for a void invoice. It holds no client data.
func (d Document) Title() string {
	inv := d.Invoice
	if inv == nil {
		return "Document"
	}
	kind := "Invoice"
	switch {
	case inv.IsCreditNote():
		kind = "Credit note"
	case inv.IsQuote():
		kind = "Quote"
	}
	if inv.Number == "" {
		return kind + " (draft)"
	}
	if d.Reminder != nil {
		return fmt.Sprintf("Reminder %d for invoice %s", d.Reminder.Level, oneLine(inv.Number))
	}
	t := kind + " " + oneLine(inv.Number)
	if inv.Status == invoice.StatusVoid {
		t += " (void)"
	}
	return t
}

// Renderer renders documents for one seller with one set of options. The
// logo is checked and prepared once, by NewRenderer. A Renderer is
// immutable and safe for concurrent use.
type Renderer struct {
	seller invoice.Party
	opts   Options
}

// NewRenderer returns a Renderer for seller and opts. The error wraps
// ErrLogo when opts.Logo is unusable. The arguments are copied; the caller
// may change them afterwards.
func NewRenderer(seller invoice.Party, opts Options) (*Renderer, error) {
	logo, err := prepareLogo(opts.Logo)
	if err != nil {
		return nil, err
	}
	opts.Logo = logo
	return &Renderer{seller: seller, opts: opts}, nil
}

// Render returns the PDF of one document. The input is not modified. For a
// fixed Options.CreationDate and no password, the same input gives the same
// bytes. The error wraps the invoice's *invoice.ValidationError or
// ErrNoClient, or reports a rendering or encryption failure.
func (r *Renderer) Render(doc Document) ([]byte, error) {
	opts := r.opts
	if opts.CreationDate.IsZero() {
		opts.CreationDate = time.Now()
	}
	m, err := build(doc, r.seller, opts)
	if err != nil {
		return nil, err
	}
	out, err := m.Generate()
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", doc.Title(), err)
	}
	b := fixModDate(out.GetBytes(), opts.CreationDate)
	if opts.Password != "" {
		if b, err = encrypt(b, opts.Password); err != nil {
			return nil, fmt.Errorf("encrypt %s: %w", doc.Title(), err)
		}
	}
	return b, nil
}

// Render returns the PDF of one document: NewRenderer(seller,
// opts).Render(doc). To render many documents, make one Renderer (or use
// Export) so that the logo is prepared once.
func Render(doc Document, seller invoice.Party, opts Options) ([]byte, error) {
	r, err := NewRenderer(seller, opts)
	if err != nil {
		return nil, err
	}
	return r.Render(doc)
}

func init() {
	// gofpdf writes its font and image dictionaries in map order unless
	// catalog sorting is on, and maroto gives no access to the per-document
	// switch. This sets gofpdf's default once, before main runs and before
	// any goroutine can create a document; it is never changed afterwards.
	gofpdf.SetDefaultCatalogSort(true)
}

// modDate matches the modification date gofpdf writes: maroto cannot set
// it, so gofpdf uses the current time.
var modDate = regexp.MustCompile(`/ModDate \(D:\d{14}\)`)

// fixModDate replaces the modification date gofpdf wrote with the creation
// date. Both have the same length, so the cross-reference offsets stay
// right. The Info dictionary is never compressed, and gofpdf's own
// encryption (which would hide it) is not used.
func fixModDate(b []byte, created time.Time) []byte {
	all := modDate.FindAllIndex(b, -1)
	if len(all) == 0 {
		return b
	}
	loc := all[len(all)-1] // the Info dictionary comes after the pages
	repl := []byte("/ModDate (D:" + created.Format("20060102150405") + ")")
	if len(repl) != loc[1]-loc[0] {
		return b
	}
	copy(b[loc[0]:loc[1]], repl)
	return b
}

// The fonts and the page geometry, in millimetres and points.
const (
	fontFamily   = "NotoSans"
	baseSize     = 9.0
	smallSize    = 7.5
	nameSize     = 10.5
	marginSide   = 18.0
	marginTop    = 16.0
	marginBottom = 16.0
	gridSize     = 24
	cellPad      = 1.6 // left and right padding of table cells
	lineTop      = 1.7 // top padding of table rows
	lineBottom   = 1.7
	totalsRowH   = 6.2
	headerRowH   = 7.5
	logoRowH     = 22.0
)

// palette holds the colours of one document; maroto keeps pointers to them.
type palette struct {
	ink, muted, accent, rule, band, void, draft *props.Color
}

func newPalette() palette {
	return palette{
		ink:    &props.Color{Red: 33, Green: 37, Blue: 41},
		muted:  &props.Color{Red: 108, Green: 117, Blue: 125},
		accent: &props.Color{Red: 23, Green: 62, Blue: 107},
		rule:   &props.Color{Red: 206, Green: 212, Blue: 218},
		band:   &props.Color{Red: 241, Green: 243, Blue: 246},
		void:   &props.Color{Red: 192, Green: 28, Blue: 40},
		draft:  &props.Color{Red: 176, Green: 106, Blue: 0},
	}
}

// builder lays out one document.
type builder struct {
	m      core.Maroto
	doc    Document
	inv    *invoice.Invoice
	seller invoice.Party
	opts   Options
	t      invoice.Totals
	n      *numbers
	c      palette
}

// build validates the document and returns the laid-out maroto document,
// ready for Generate or GetStructure (only one of them: both paginate).
func build(doc Document, seller invoice.Party, opts Options) (core.Maroto, error) {
	inv := doc.Invoice
	if inv == nil {
		return nil, errors.New("document has no invoice")
	}
	if doc.Client == nil || doc.Client.ID != inv.ClientID {
		return nil, fmt.Errorf("%s: %w", doc.Title(), ErrNoClient)
	}
	if err := inv.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", doc.Title(), err)
	}
	t, err := inv.Totals()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", doc.Title(), err)
	}
	n, err := newNumbers(inv.Currency, opts.Locale)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", doc.Title(), err)
	}
	b := &builder{doc: doc, inv: inv, seller: seller, opts: opts, t: t, n: n, c: newPalette()}
	b.m = maroto.New(b.config())
	if err := b.layout(); err != nil {
		return nil, fmt.Errorf("%s: %w", doc.Title(), err)
	}
	return b.m, nil
}

// config is the maroto configuration: embedded fonts only, compression,
// page numbers and metadata without client data.
func (b *builder) config() *entity.Config { return docConfig(b.doc.Title(), b.opts, b.c) }

// docConfig is the configuration every document shares, with its title.
func docConfig(title string, opts Options, c palette) *entity.Config {
	size := pagesize.A4
	if opts.PaperSize == Letter {
		size = pagesize.Letter
	}
	return config.NewBuilder().
		WithPageSize(size).
		WithLeftMargin(marginSide).
		WithRightMargin(marginSide).
		WithTopMargin(marginTop).
		WithBottomMargin(marginBottom).
		WithMaxGridSize(gridSize).
		WithCustomFonts([]*entity.CustomFont{
			// gofpdf (third_party/gofpdf) copies the font once per
			// process and never writes into the bytes it is given.
			{Family: fontFamily, Style: fontstyle.Normal, Bytes: assets.FontRegular},
		}).
		WithDefaultFont(&props.Font{Family: fontFamily, Style: fontstyle.Normal, Size: baseSize, Color: c.ink}).
		WithPageNumber(props.PageNumber{
			Pattern: "Page {current} of {total}",
			Place:   props.RightBottom,
			Family:  fontFamily,
			Style:   fontstyle.Normal,
			Size:    smallSize,
			Color:   c.muted,
		}).
		WithCompression(true).
		WithTitle(title, true).
		WithCreator(Creator, true).
		WithCreationDate(opts.CreationDate).
		Build()
}

// tp returns text properties in the document font. There is one face,
// Noto Sans Regular: hierarchy comes from size and colour. A bold face
// would cost gofpdf a second font to parse and subset in every document,
// about 40% more time per PDF (see BENCHMARKS.md, PDFs).
func (b *builder) tp(size float64, al align.Type, color *props.Color) props.Text {
	return props.Text{Family: fontFamily, Style: fontstyle.Normal, Size: size, Align: al, Color: color}
}

// maxWord returns the longest word, in runes, that fits on one line of a
// column of cols grid units at size points: the width of the column divided
// by a generous glyph width (0.75 em; Noto Sans letters average about 0.55).
func (b *builder) maxWord(cols int, size float64) int {
	width := 210.0 - 2*marginSide
	if b.opts.PaperSize == Letter {
		width = 215.9 - 2*marginSide
	}
	width = width*float64(cols)/gridSize - 2*cellPad
	return max(1, int(width/(0.75*size*25.4/72)))
}

// text returns a text component whose long words cannot overflow a column
// of cols grid units.
func (b *builder) text(s string, p props.Text, cols int) core.Component {
	return text.New(s, fit(s, p, b.maxWord(cols, p.Size)))
}

// label is a small upper-case caption such as "BILL TO".
func (b *builder) label(s string, al align.Type) core.Component {
	p := b.tp(smallSize, al, b.c.muted)
	p.Bottom = 1
	return text.New(s, p)
}

// mark returns the status mark printed on every page, or "".
func (b *builder) mark() string {
	switch {
	case b.inv.Status == invoice.StatusVoid:
		return "VOID"
	case b.inv.Status == invoice.StatusDraft:
		return "DRAFT"
	}
	return ""
}

func (b *builder) markColor() *props.Color {
	if b.inv.Status == invoice.StatusVoid {
		return b.c.void
	}
	return b.c.draft
}

// layout adds every row of the document.
func (b *builder) layout() error {
	if err := b.m.RegisterFooter(b.footer()); err != nil {
		return fmt.Errorf("footer: %w", err)
	}
	b.heading()
	b.parties()
	b.banner()
	if err := b.lines(); err != nil {
		return err
	}
	b.totals()
	b.notes()
	return nil
}

// footer is repeated at the bottom of every page, above the page number:
// seller name and document title, and the status mark.
func (b *builder) footer() core.Row {
	cols := []core.Col{col.New(16).Add(b.footerInfo(b.doc.Title(), 110))}
	if mk := b.mark(); mk != "" {
		p := b.tp(smallSize, align.Right, b.markColor())
		p.Top = 3
		cols = append(cols, col.New(8).Add(text.New(mk, p)))
	} else {
		cols = append(cols, col.New(8))
	}
	return row.New(8).Add(cols...).WithStyle(b.footerRule())
}

// footerInfo is the footer's line: the seller's name and the document's
// title, cut to at most n runes.
func (b *builder) footerInfo(title string, n int) core.Component {
	left := b.tp(smallSize, align.Left, b.c.muted)
	left.Top = 3
	info := oneLine(b.seller.Name)
	if info != "" {
		info += "  ·  "
	}
	return text.New(truncate(info+title, n), left)
}

// footerRule is the thin rule above the footer.
func (b *builder) footerRule() *props.Cell {
	return &props.Cell{BorderType: border.Top, BorderColor: b.c.rule, BorderThickness: 0.2}
}

// heading is the logo (or the seller's name) on the left and the title and
// number on the right.
func (b *builder) heading() {
	title := "INVOICE"
	switch {
	case b.inv.IsCreditNote():
		title = "CREDIT NOTE"
	case b.inv.IsQuote():
		title = "QUOTE"
	}
	if b.doc.Reminder != nil {
		title = "PAYMENT REMINDER"
		if b.doc.Reminder.Level > 1 {
			title = fmt.Sprintf("REMINDER %d", b.doc.Reminder.Level)
		}
	}
	titleColor := b.c.accent
	if b.mark() != "" {
		title = b.mark() + " " + title
		titleColor = b.markColor()
	}
	right := vstack().add(text.New(title, b.tp(20, align.Right, titleColor)))
	num := "Not issued"
	if b.inv.Number != "" {
		num = "No. " + oneLine(b.inv.Number)
	}
	if b.doc.Reminder != nil {
		num = "Invoice " + oneLine(b.inv.Number)
	}
	np := b.tp(11, align.Right, b.c.ink)
	np.Top = 2
	right.add(b.text(num, np, 12))

	var left core.Component
	if len(b.opts.Logo) > 0 {
		left = image.NewFromBytes(b.opts.Logo, logoExt(b.opts.Logo), props.Rect{Percent: 100})
	} else {
		left = b.text(oneLine(b.seller.Name), b.tp(15, align.Left, b.c.accent), 12)
	}
	if len(b.opts.Logo) > 0 {
		b.m.AddRows(row.New(logoRowH).Add(col.New(9).Add(left), col.New(3), col.New(12).Add(right)))
	} else {
		b.m.AddRows(row.New().Add(col.New(12).Add(left), col.New(12).Add(right)))
	}
	b.m.AddRows(row.New(6))
}

// parties is the seller block, the key dates, the buyer block and the
// amount due.
func (b *builder) parties() {
	body := b.tp(baseSize, align.Left, b.c.ink)
	body.Bottom = 0.5
	name := b.tp(nameSize, align.Left, b.c.ink)
	name.Bottom = 0.8

	// Seller and dates.
	from := vstack().add(b.label("FROM", align.Left))
	from.add(textStack([]string{oneLine(b.seller.Name)}, name, b.maxWord(11, nameSize)))
	from.add(textStack(paragraphs(b.seller.Address, 8, ", "), body, b.maxWord(11, baseSize)))
	from.add(textStack([]string{oneLine(b.seller.Email)}, body, b.maxWord(11, baseSize)))
	if b.seller.TaxID != "" {
		from.add(b.text("Tax ID: "+oneLine(b.seller.TaxID), body, 11))
	}
	if b.seller.VATID != "" {
		from.add(b.text("VAT ID: "+oneLine(b.seller.VATID), body, 11))
	}

	keys := vstack()
	vals := vstack()
	kp := b.tp(baseSize, align.Right, b.c.muted)
	kp.Bottom = 1
	vp := b.tp(baseSize, align.Right, b.c.ink)
	vp.Bottom = 1
	pair := func(k, v string) {
		keys.add(text.New(k, kp))
		vals.add(b.text(v, vp, 5))
	}
	if b.inv.Number != "" {
		switch {
		case b.inv.IsCreditNote():
			pair("Credit note no.", oneLine(b.inv.Number))
		case b.inv.IsQuote():
			pair("Quote no.", oneLine(b.inv.Number))
		default:
			pair("Invoice no.", oneLine(b.inv.Number))
		}
	}
	pair("Issue date", b.inv.IssueDate)
	if b.inv.IsCreditNote() {
		ref := b.doc.CorrectsNumber
		if ref == "" {
			ref = b.inv.Corrects
		}
		pair("Corrects invoice", oneLine(ref))
	} else if b.inv.IsQuote() {
		pair("Valid until", b.inv.DueDate)
	} else {
		pair("Due date", b.inv.DueDate)
	}
	if r := b.doc.Reminder; r != nil {
		pair("Reminder date", r.Date)
		pair("Days overdue", fmt.Sprint(r.DaysOverdue))
	}
	pair("Currency", b.inv.Currency)
	b.m.AddRows(row.New().Add(col.New(11).Add(from), col.New(1), col.New(7).Add(keys), col.New(5).Add(vals)))
	b.m.AddRows(row.New(7))

	// Buyer and amount due.
	to := vstack().add(b.label("BILL TO", align.Left))
	switch {
	case b.inv.IsCreditNote():
		to = vstack().add(b.label("CREDIT TO", align.Left))
	case b.inv.IsQuote():
		to = vstack().add(b.label("QUOTE FOR", align.Left))
	}
	c := b.doc.Client.Party()
	to.add(textStack([]string{oneLine(c.Name)}, name, b.maxWord(12, nameSize)))
	if b.opts.Buyer&BuyerAddress != 0 {
		to.add(textStack(paragraphs(c.Address, 8, ", "), body, b.maxWord(12, baseSize)))
	}
	to.add(textStack([]string{oneLine(c.Email)}, body, b.maxWord(12, baseSize)))
	if b.opts.Buyer&BuyerTaxID != 0 && c.TaxID != "" {
		to.add(b.text("Tax ID: "+oneLine(c.TaxID), body, 12))
	}
	// A reverse-charge or intra-community supply must name the buyer's
	// VAT id; otherwise it is printed only when asked for.
	if c.VATID != "" && (b.opts.Buyer&BuyerTaxID != 0 || slices.ContainsFunc(b.t.Rates, func(r invoice.RateTotal) bool {
		return r.Category == invoice.VATReverseCharge || r.Category == invoice.VATIntraCommunity
	})) {
		to.add(b.text("VAT ID: "+oneLine(c.VATID), body, 12))
	}

	dueLabel, due, dueColor := "AMOUNT DUE", b.n.amount(b.t.Balance), b.c.accent
	switch {
	case b.inv.IsCreditNote():
		dueLabel, due = "TOTAL CREDIT", b.n.amount(b.t.Total)
	case b.inv.IsQuote():
		dueLabel, due = "QUOTED TOTAL", b.n.amount(b.t.Total)
		if b.inv.Status == invoice.StatusDraft {
			dueLabel, dueColor = "QUOTED TOTAL (DRAFT)", b.c.draft
		}
	case b.inv.Status == invoice.StatusVoid:
		dueLabel, due, dueColor = "NOT PAYABLE", "VOID", b.c.void
	case b.inv.Status == invoice.StatusDraft:
		dueLabel, dueColor = "AMOUNT DUE (DRAFT)", b.c.draft
	}
	lp := b.tp(smallSize, align.Right, b.c.muted)
	lp.Top, lp.Right = 3, 3
	ap := b.tp(16, align.Right, dueColor)
	ap.Top, ap.Right, ap.Bottom = 1.5, 3, 3
	box := vstack().add(text.New(dueLabel, lp), text.New(due, ap))
	if !b.inv.IsCreditNote() && b.inv.Status != invoice.StatusVoid {
		dp := b.tp(smallSize, align.Right, b.c.muted)
		dp.Right, dp.Bottom = 3, 3
		if b.inv.IsQuote() {
			box.add(text.New("Valid until "+b.inv.DueDate, dp))
		} else {
			box.add(text.New("Due "+b.inv.DueDate, dp))
		}
	}
	b.m.AddRows(row.New().Add(
		col.New(12).Add(to),
		col.New(3),
		col.New(9).Add(box).WithStyle(&props.Cell{BackgroundColor: b.c.band}),
	))
	b.m.AddRows(row.New(7))
}

// banner explains a void invoice or a draft in a framed box, or says a
// reminder's text.
func (b *builder) banner() {
	if r := b.doc.Reminder; r != nil {
		p := b.tp(baseSize+0.5, align.Left, b.c.ink)
		p.Top, p.Bottom, p.Left, p.Right = 2.5, 2.5, 3, 3
		for i, para := range paragraphs(r.Text, 20, " ") {
			for j, c := range chunks(para, 700) {
				if i > 0 || j > 0 {
					p.Top = 0
				}
				b.m.AddRows(row.New().Add(col.New(gridSize).Add(b.text(c, p, gridSize))).
					WithStyle(&props.Cell{BackgroundColor: b.c.band}))
			}
		}
		b.m.AddRows(row.New(5))
		return
	}
	var msg string
	switch b.inv.Status {
	case invoice.StatusVoid:
		msg = "VOID — this invoice has been cancelled and must not be paid."
		if r := oneLine(b.inv.VoidReason); r != "" {
			msg += " Reason: " + r
		}
	case invoice.StatusDraft:
		msg = "DRAFT — this is not a valid invoice: it has no number yet and may still change."
		if b.inv.IsQuote() {
			msg = "DRAFT — this quote has no number yet and may still change."
		}
	default:
		return
	}
	p := b.tp(baseSize+1, align.Center, b.markColor())
	p.Top, p.Bottom, p.Left, p.Right = 2.5, 2.5, 3, 3
	b.m.AddRows(row.New().Add(col.New(gridSize).Add(b.text(msg, p, gridSize))).
		WithStyle(&props.Cell{BorderType: border.Full, BorderColor: b.markColor(), BorderThickness: 0.6}))
	b.m.AddRows(row.New(6))
}

// column is one column of the line table.
type column struct {
	title string
	size  int
	al    align.Type
}

// tableHeader starts a table: its heading row, repeated at the top of
// every page the table runs onto, on a new page if the heading and a first
// row do not fit on this one.
func (b *builder) tableHeader(cols []column) error {
	hp := b.tp(smallSize, align.Left, b.c.ink)
	hp.Top, hp.Left, hp.Right = 2.4, cellPad, cellPad
	head := row.New(headerRowH).WithStyle(&props.Cell{BackgroundColor: b.c.band, BorderType: border.Bottom, BorderColor: b.c.accent, BorderThickness: 0.4})
	for _, c := range cols {
		p := hp
		p.Align = c.al
		head.Add(col.New(c.size).Add(text.New(c.title, p)))
	}
	if !b.m.FitlnCurrentPage(headerRowH + 12) {
		b.m.AddPages(page.New())
	}
	if err := b.m.RegisterHeader(head); err != nil {
		return fmt.Errorf("table header: %w", err)
	}
	return nil
}

// tableCell is the text style of a table's cells and the rule under each
// row.
func (b *builder) tableCell() (props.Text, *props.Cell) {
	cell := b.tp(baseSize, align.Left, b.c.ink)
	cell.Top, cell.Bottom, cell.Left, cell.Right = lineTop, lineBottom, cellPad, cellPad
	return cell, &props.Cell{BorderType: border.Bottom, BorderColor: b.c.rule, BorderThickness: 0.2}
}

// lines adds the line table. Its header row is registered as maroto's page
// header while the table lasts, so it is repeated at the top of every page
// the table continues on.
func (b *builder) lines() error {
	discount := false
	for _, l := range b.inv.Lines {
		if d, err := invoice.ParseDiscount(l.Discount); err == nil && !d.IsZero() {
			discount = true
		}
	}
	cols := []column{{"Description", 11, align.Left}, {"Qty", 3, align.Right}, {"Unit price", 4, align.Right}, {"Tax", 2, align.Right}, {"Net", 4, align.Right}}
	if discount {
		cols = []column{{"Description", 9, align.Left}, {"Qty", 3, align.Right}, {"Unit price", 4, align.Right}, {"Disc.", 2, align.Right}, {"Tax", 2, align.Right}, {"Net", 4, align.Right}}
	}
	if err := b.tableHeader(cols); err != nil {
		return err
	}

	cell, sep := b.tableCell()
	for i, l := range b.inv.Lines {
		price, err := invoice.ParseUnitPrice(l.UnitPrice, b.inv.Currency)
		if err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
		values := []string{b.n.decimal(l.Quantity), b.n.unitPrice(price)}
		if discount {
			d := l.Discount
			if d == "" {
				d = "0"
			}
			values = append(values, b.n.percent(d))
		}
		values = append(values, b.n.percent(l.TaxRate), b.n.amount(b.t.LineNets[i]))

		r := row.New().WithStyle(sep)
		r.Add(col.New(cols[0].size).Add(textStack(paragraphs(l.Description, 20, " · "), cell, b.maxWord(cols[0].size, baseSize))))
		for j, v := range values {
			p := cell
			p.Align = align.Right
			r.Add(col.New(cols[j+1].size).Add(text.New(v, p)))
		}
		b.m.AddRows(r)
	}
	// The table is over: later pages get no table header.
	if err := b.m.RegisterHeader(); err != nil {
		return fmt.Errorf("table header: %w", err)
	}
	return nil
}

// totalsRow is one line of the totals block.
type totalsRow struct {
	label, value string
	strong       bool // larger, with a rule above
	band         bool // shaded, the final figure
}

// totals adds the net, the tax per rate, the total, credits, payments and
// the balance, right-aligned and kept together on one page.
// categoryWords says, under its tax row, what a VAT category other than
// the standard rate means ("" for S and for none).
func categoryWords(c string) string {
	if c == invoice.VATStandard {
		return ""
	}
	return invoice.CategoryName(c)
}

func (b *builder) totals() {
	t := b.t
	rs := []totalsRow{{label: "Subtotal (net)", value: b.n.amount(t.Net)}}
	for _, r := range t.Rates {
		rs = append(rs, totalsRow{label: "Tax " + b.n.percent(r.Rate) + " on " + b.n.amount(r.Net), value: b.n.amount(r.Tax)})
		if w := categoryWords(r.Category); w != "" {
			rs = append(rs, totalsRow{label: "   " + w})
		}
	}
	totalLabel := "Total"
	if b.inv.IsCreditNote() {
		totalLabel = "Total credit"
	}
	rs = append(rs, totalsRow{label: totalLabel, value: b.n.amount(t.Total), strong: true})
	for _, cr := range b.inv.Credits {
		a, err := invoice.ParseAmount(cr.Amount, b.inv.Currency)
		if err != nil {
			continue // Totals already validated every credit
		}
		neg, _ := a.Mul("-1")
		rs = append(rs, totalsRow{label: "Credit note " + oneLine(cr.Number), value: b.n.amount(neg)})
	}
	if t.Paid.IsPositive() {
		neg, _ := t.Paid.Mul("-1")
		rs = append(rs, totalsRow{label: "Paid", value: b.n.amount(neg)})
	}
	switch {
	case b.inv.IsCreditNote(), b.inv.IsQuote():
	case b.inv.Status == invoice.StatusVoid:
		rs = append(rs, totalsRow{label: "Balance due", value: "none (void)", band: true})
	default:
		rs = append(rs, totalsRow{label: "Balance due", value: b.n.amount(t.Balance), band: true})
	}

	height := 4.0 + float64(len(rs))*(totalsRowH+1)
	if !b.m.FitlnCurrentPage(height) {
		b.m.AddPages(page.New())
	}
	b.m.AddRows(row.New(4))
	for _, r := range rs {
		size, color, labelColor, top, h := baseSize, b.c.ink, b.c.muted, 1.6, totalsRowH
		var cs *props.Cell
		switch {
		case r.band:
			size, color, labelColor, top, h = 10.5, b.c.accent, b.c.accent, 1.9, totalsRowH+1
			if b.inv.Status == invoice.StatusVoid {
				color, labelColor = b.c.void, b.c.void
			}
			cs = &props.Cell{BackgroundColor: b.c.band}
		case r.strong:
			size, labelColor, top, h = 10, b.c.ink, 1.8, totalsRowH+0.5
			cs = &props.Cell{BorderType: border.Top, BorderColor: b.c.ink, BorderThickness: 0.3}
		}
		lp := b.tp(size, align.Left, labelColor)
		lp.Top, lp.Left = top, cellPad
		vp := b.tp(size, align.Right, color)
		vp.Top, vp.Right = top, cellPad
		// Fixed-height rows: a label too long for one line is shortened.
		lc := col.New(9).Add(text.New(truncate(r.label, b.maxWord(9, size)), lp))
		vc := col.New(5).Add(text.New(r.value, vp))
		if cs != nil {
			lc.WithStyle(cs)
			vc.WithStyle(cs)
		}
		b.m.AddRows(row.New(h).Add(col.New(10), lc, vc))
	}
}

// notes adds the notes and the payment terms, paragraph by paragraph so
// that long texts flow across pages.
func (b *builder) notes() {
	body := b.tp(baseSize, align.Left, b.c.ink)
	section := func(title, s string) {
		ps := paragraphs(s, 200, " ")
		if len(ps) == 0 {
			return
		}
		b.m.AddRows(row.New(6))
		b.m.AddRows(row.New().Add(col.New(gridSize).Add(b.label(title, align.Left))))
		for _, p := range ps {
			for _, c := range chunks(p, 700) {
				b.m.AddRows(row.New().Add(col.New(gridSize).Add(b.text(c, body, gridSize))))
			}
			b.m.AddRows(row.New(1.5))
		}
	}
	section("NOTES", b.inv.Notes)
	section("PAYMENT TERMS", b.inv.Terms)
	if ps := paragraphs(b.opts.Note, 200, " "); len(ps) > 0 {
		muted := b.tp(smallSize, align.Left, b.c.muted)
		b.m.AddRows(row.New(6))
		for _, p := range ps {
			for _, c := range chunks(p, 700) {
				b.m.AddRows(row.New().Add(col.New(gridSize).Add(b.text(c, muted, gridSize))))
			}
		}
	}
}

// logoExt returns the maroto image type of a prepared logo.
func logoExt(logo []byte) extension.Type {
	if bytes.HasPrefix(logo, []byte("\x89PNG")) {
		return extension.Png
	}
	return extension.Jpg
}
