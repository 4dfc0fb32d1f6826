package pdf

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/johnfercher/go-tree/node"
	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/code"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/phpdave11/gofpdf"

	"safeinvoice/assets"
)

// KitTitle is the title of the recovery kit, on the page and in the PDF
// metadata.
const KitTitle = "SafeInvoice recovery kit"

// ErrKitKey is returned by RecoveryKit when KitInfo.Identity is not an age
// X25519 identity string or KitInfo.Recipient is not an age X25519
// recipient string.
var ErrKitKey = errors.New("not an age X25519 key")

// KitInfo is what the recovery kit prints.
type KitInfo struct {
	// Business is the business name; it may be empty.
	Business string
	// VaultID identifies the vault whose backups the key opens.
	VaultID string
	// Created is the date printed on the page and recorded as the PDF's
	// creation date; the zero value means time.Now(). Fix it to get
	// identical bytes for identical input.
	Created time.Time
	// Identity is the secret recovery key, "AGE-SECRET-KEY-1…" (upper
	// case, as age writes it). Required.
	Identity string
	// Recipient is the matching public key, "age1…"; printed when not
	// empty, so that the key can be matched to the backup settings.
	Recipient string
}

// The bech32 encodings of age X25519 keys: 32 bytes of key and a 6-character
// checksum make 58 data characters after the prefix. The checksum itself is
// left to age (the app layer parses the key before printing it).
var (
	identityRe  = regexp.MustCompile(`^AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}$`)
	recipientRe = regexp.MustCompile(`^age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}$`)
)

// identityPrefix is the fixed start of every identity; the grouped copy of
// the key prints it on a line of its own.
const identityPrefix = "AGE-SECRET-KEY-1"

// The geometry of the kit, in millimetres and points.
const (
	kitGroup       = 4    // characters per group in the grouped copy of the key
	kitGroupsInRow = 5    // groups per line
	kitGroupSize   = 13.0 // points
	kitQRSize      = 52.0 // side of the QR code
	kitKeyMaxSize  = 11.0 // largest size of the key on one line, in points
	kitKeyBoxPad   = 4.0  // padding left and right of the key on one line
	// Longer business names and vault ids are shortened, so that the
	// page stays one page.
	kitMaxName = 120
	kitMaxID   = 64
)

// RecoveryKit returns a one-page A4 PDF that holds the recovery key: its
// title (KitTitle), the business, the date, the vault id, the key as text on
// one line (so that pdftotext and copy and paste give it back exactly), the
// same key in groups of four characters to type it back by hand, a QR code
// of the key string, and plain instructions: what the key is, how to keep
// it, and how to restore with and without SafeInvoice.
//
// The page is drawn with the embedded Noto Sans, like the invoices. Its
// metadata holds the title, the creator and Created, and nothing else. For a
// fixed Created the output is byte-for-byte deterministic. The error wraps
// ErrKitKey when the key is malformed.
func RecoveryKit(k KitInfo) ([]byte, error) {
	if !identityRe.MatchString(k.Identity) {
		return nil, fmt.Errorf("recovery kit: identity: %w", ErrKitKey)
	}
	if k.Recipient != "" && !recipientRe.MatchString(k.Recipient) {
		return nil, fmt.Errorf("recovery kit: recipient: %w", ErrKitKey)
	}
	if k.Created.IsZero() {
		k.Created = time.Now()
	}
	keySize, err := kitKeySize(k.Identity)
	if err != nil {
		return nil, err
	}
	b := &kitBuilder{k: k, c: newPalette(), keySize: keySize}
	b.m = maroto.New(b.config())
	b.layout()
	out, err := b.m.Generate()
	if err != nil {
		return nil, fmt.Errorf("render recovery kit: %w", err)
	}
	return fixModDate(out.GetBytes(), k.Created), nil
}

// kitKeySize returns the font size, at most kitKeyMaxSize, at which the
// identity fits on one line of the page's full width. maroto breaks lines
// only at spaces, and a key broken in two would not come back whole from
// the text of the PDF, so the key's width is measured with the font's own
// metrics (keys of wide letters such as W and M are wider than most).
func kitKeySize(identity string) (float64, error) {
	f := gofpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(fontFamily, "", assets.FontRegular)
	f.SetFont(fontFamily, "", 1)
	if err := f.Error(); err != nil {
		return 0, fmt.Errorf("recovery kit: measure the key: %w", err)
	}
	width := f.GetStringWidth(identity) // at 1 point
	avail := 210 - 2*marginSide - 2*kitKeyBoxPad - 2
	size := kitKeyMaxSize
	if width*size > avail {
		size = float64(int(avail/width*10)) / 10 // round down to 0.1 pt
	}
	return size, nil
}

// kitBuilder lays out the recovery kit.
type kitBuilder struct {
	m       core.Maroto
	k       KitInfo
	c       palette
	keySize float64
}

func (b *kitBuilder) config() *entity.Config {
	return config.NewBuilder().
		WithPageSize(pagesize.A4).
		WithLeftMargin(marginSide).
		WithRightMargin(marginSide).
		WithTopMargin(marginTop).
		WithBottomMargin(marginBottom).
		WithMaxGridSize(gridSize).
		WithCustomFonts([]*entity.CustomFont{
			{Family: fontFamily, Style: fontstyle.Normal, Bytes: assets.FontRegular},
		}).
		WithDefaultFont(&props.Font{Family: fontFamily, Style: fontstyle.Normal, Size: baseSize, Color: b.c.ink}).
		WithCompression(true).
		WithTitle(KitTitle, true).
		WithCreator(Creator, true).
		WithCreationDate(b.k.Created).
		Build()
}

func (b *kitBuilder) tp(size float64, al align.Type, color *props.Color) props.Text {
	return props.Text{Family: fontFamily, Style: fontstyle.Normal, Size: size, Align: al, Color: color}
}

// full adds a row of one full-width component.
func (b *kitBuilder) full(c core.Component) {
	b.m.AddRows(row.New().Add(col.New(gridSize).Add(c)))
}

func (b *kitBuilder) space(h float64) { b.m.AddRows(row.New(h)) }

// label is a small upper-case section caption.
func (b *kitBuilder) label(s string) core.Component {
	p := b.tp(smallSize, align.Left, b.c.muted)
	p.Bottom = 1.2
	return text.New(s, p)
}

func (b *kitBuilder) layout() {
	b.heading()
	b.details()
	b.key()
	b.instructions()
}

// heading is the title, what the page is for in one sentence, and the
// warning.
func (b *kitBuilder) heading() {
	b.full(text.New(KitTitle, b.tp(20, align.Left, b.c.accent)))
	sub := b.tp(10.5, align.Left, b.c.muted)
	sub.Top = 1.5
	b.full(text.New("The key that opens every backup of your books. Print this page and keep it safe.", sub))
	b.space(6)

	warn := b.tp(baseSize+1, align.Left, b.c.void)
	warn.Top, warn.Bottom, warn.Left, warn.Right = 2.5, 2.5, 3, 3
	msg := "Anyone who has this key can read every backup of these books. Keep it offline and apart " +
		"from the backups: not in the backup folder, not in e-mail, not in cloud storage."
	b.m.AddRows(row.New().Add(col.New(gridSize).Add(text.New(msg, warn))).
		WithStyle(&props.Cell{BorderType: border.Full, BorderColor: b.c.void, BorderThickness: 0.5}))
	b.space(6)
}

// details is the business, the date, the vault id and the public key.
func (b *kitBuilder) details() {
	kp := b.tp(baseSize, align.Left, b.c.muted)
	kp.Top, kp.Bottom = 0.6, 0.6
	vp := b.tp(baseSize, align.Left, b.c.ink)
	vp.Top, vp.Bottom = 0.6, 0.6
	pair := func(k, v string) {
		b.m.AddRows(row.New().Add(
			col.New(5).Add(text.New(k, kp)),
			col.New(19).Add(text.New(v, fit(v, vp, 60))),
		))
	}
	business := truncate(oneLine(b.k.Business), kitMaxName)
	if business == "" {
		business = "—"
	}
	np := vp
	np.Size = nameSize
	bp := kp
	bp.Top += (nameSize - baseSize) * 0.3 // same baseline as the larger name
	b.m.AddRows(row.New().Add(
		col.New(5).Add(text.New("Business", bp)),
		col.New(19).Add(text.New(business, fit(business, np, 50))),
	))
	pair("Date", b.k.Created.Format("2006-01-02"))
	if id := truncate(oneLine(b.k.VaultID), kitMaxID); id != "" {
		pair("Vault ID", id)
	}
	if b.k.Recipient != "" {
		pair("Public key", b.k.Recipient)
		note := b.tp(smallSize, align.Left, b.c.muted)
		note.Bottom = 0.6
		b.m.AddRows(row.New().Add(col.New(5), col.New(19).Add(
			text.New("The public key is not secret: backups are encrypted to it.", note))))
	}
	b.space(7)
}

// key is the key on one line, then the same key in groups beside its QR
// code.
func (b *kitBuilder) key() {
	b.full(b.label("RECOVERY KEY"))
	kp := b.tp(b.keySize, align.Center, b.c.ink)
	kp.Top, kp.Bottom, kp.Left, kp.Right = 3.2, 3.2, kitKeyBoxPad, kitKeyBoxPad
	b.m.AddRows(row.New().Add(col.New(gridSize).Add(text.New(b.k.Identity, kp))).
		WithStyle(&props.Cell{BackgroundColor: b.c.band, BorderType: border.Full, BorderColor: b.c.rule, BorderThickness: 0.3}))
	b.space(5)

	// Left: the groups, one per column so that they line up. Right: the QR
	// code, in a fixed-height row (maroto then never measures it, which
	// would register the image twice).
	left := vstack()
	lp := b.tp(smallSize, align.Left, b.c.muted)
	lp.Bottom = 2
	left.add(text.New("TO TYPE BY HAND: in groups of four, typed on one line without spaces", lp))
	gp := b.tp(kitGroupSize, align.Left, b.c.ink)
	gp.Top, gp.Bottom = 1, 1
	left.add(text.New(identityPrefix, gp))
	left.add(&gridRows{rows: groups(strings.TrimPrefix(b.k.Identity, identityPrefix)), p: gp})
	hint := b.tp(smallSize, align.Left, b.c.muted)
	hint.Top = 2.5
	left.add(text.New("The key has no letters B, I or O: every 0 is a zero, and the digit 1 appears only in AGE-SECRET-KEY-1.", hint))

	qcap := b.tp(smallSize, align.Center, b.c.muted)
	qcap.Top = 1.5
	b.m.AddRows(row.New(kitQRSize).Add(
		col.New(15).Add(left),
		col.New(1),
		col.New(8).Add(code.NewQr(b.k.Identity, props.Rect{Center: true, Percent: 100})),
	))
	b.m.AddRows(row.New().Add(col.New(16), col.New(8).Add(text.New("The same key as a QR code", qcap))))
	b.space(7)
}

// instructions say what the key is for and how to restore.
func (b *kitBuilder) instructions() {
	body := b.tp(baseSize, align.Left, b.c.ink)
	body.Bottom = 1.2
	para := func(s string) func() { return func() { b.full(text.New(s, body)) } }
	command := func(s string) func() {
		return func() {
			p := b.tp(baseSize, align.Left, b.c.accent)
			p.Top, p.Bottom, p.Left = 1.5, 1.5, 3
			b.m.AddRows(row.New().Add(col.New(gridSize).Add(text.New(s, p)).WithStyle(&props.Cell{BackgroundColor: b.c.band})))
			b.space(1.2)
		}
	}
	section := func(title string, parts ...func()) {
		b.full(b.label(title))
		for _, add := range parts {
			add()
		}
		b.space(4)
	}

	whose := "these books"
	if name := truncate(oneLine(b.k.Business), kitMaxName); name != "" {
		whose = "the books of " + name
	}
	section("WHAT THIS IS",
		para("This is the recovery key of "+whose+" in SafeInvoice. Every backup is encrypted to it. "+
			"With this key and a backup file, the books can be restored on any computer, even if this one "+
			"is lost and every password is forgotten. Without it, nobody can read the backups: not even you."))
	section("HOW TO KEEP IT",
		para("Keep this page offline, apart from the backups: in a drawer or a safe, or with someone you trust. "+
			"Never store it in the backup folder, send it by e-mail, or type it into a website. "+
			"If it is lost or seen by someone else, tell your administrator."))
	section("RESTORE WITH SAFEINVOICE",
		para("1. Type the key on one line into a text file, key.txt (or scan the QR code into it)."),
		para("2. Run, with BACKUP the backup folder or one backup file:"),
		command("safeinvoice restore --from BACKUP --recovery-key key.txt"),
	)
	section("RESTORE WITHOUT SAFEINVOICE",
		para("With age (age-encryption.org) and Badger's command-line tool, a full backup file FILE "+
			"(safeinvoice-…-full-….age) becomes the raw Badger database of the books, in the folder NEW:"),
		command("age -d -i key.txt -o books.bak FILE"),
		command("badger restore --dir NEW -f books.bak"),
	)
	b.records()
}

// records leaves room to write down, by hand, where the backups are and
// who holds copies of the page.
func (b *kitBuilder) records() {
	b.full(b.label("FOR YOUR RECORDS (WRITE BY HAND)"))
	kp := b.tp(baseSize, align.Left, b.c.muted)
	kp.Top = 4
	line := &props.Cell{BorderType: border.Bottom, BorderColor: b.c.rule, BorderThickness: 0.3}
	for _, k := range []string{"Backups are kept in", "Copies of this page"} {
		b.m.AddRows(row.New(9).Add(col.New(6).Add(text.New(k, kp)), col.New(18).WithStyle(line)))
	}
}

// groups cuts s into groups of kitGroup characters, kitGroupsInRow to a
// row.
func groups(s string) [][]string {
	var rows [][]string
	var cur []string
	for len(s) > 0 {
		n := min(kitGroup, len(s))
		cur = append(cur, s[:n])
		s = s[n:]
		if len(cur) == kitGroupsInRow {
			rows = append(rows, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		rows = append(rows, cur)
	}
	return rows
}

// gridRows draws lines of short texts in equal columns, so that groups of
// characters line up as on a typewriter although the font is proportional.
type gridRows struct {
	rows [][]string
	p    props.Text
}

// SetConfig does nothing: the texts carry their own font.
func (g *gridRows) SetConfig(*entity.Config) {}

// GetStructure describes the grid for golden tests.
func (g *gridRows) GetStructure() *node.Node[core.Structure] {
	n := node.New(core.Structure{Type: "grid"})
	for _, r := range g.rows {
		n.AddNext(node.New(core.Structure{Type: "text", Value: strings.Join(r, " ")}))
	}
	return n
}

// lineHeight is the height of one line of the grid.
func (g *gridRows) lineHeight(p core.Provider) float64 {
	return g.p.Top + p.GetFontHeight(&props.Font{Family: g.p.Family, Style: g.p.Style, Size: g.p.Size}) + g.p.Bottom
}

// GetHeight is the height of all the lines.
func (g *gridRows) GetHeight(p core.Provider, _ *entity.Cell) float64 {
	return float64(len(g.rows)) * g.lineHeight(p)
}

// Render draws the texts, each in its own column.
func (g *gridRows) Render(p core.Provider, cell *entity.Cell) {
	w, h := cell.Width/kitGroupsInRow, g.lineHeight(p)
	for i, r := range g.rows {
		for j, s := range r {
			tp := g.p
			p.AddText(s, &entity.Cell{X: cell.X + float64(j)*w, Y: cell.Y + float64(i)*h, Width: w, Height: h}, &tp)
		}
	}
}
