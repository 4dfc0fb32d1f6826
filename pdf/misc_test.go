package pdf

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safeinvoice/invoice"
)

func TestPrepareLogo(t *testing.T) {
	img := image.NewNRGBA64(image.Rect(0, 0, 30, 10))
	for x := 0; x < 30; x++ {
		img.Set(x, 5, color.NRGBA64{R: 0xffff, A: 0x8000})
	}
	var png16, jpg bytes.Buffer
	if err := png.Encode(&png16, img); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	for name, logo := range map[string][]byte{"png8-alpha": testLogo(t), "png16": png16.Bytes(), "jpeg": jpg.Bytes()} {
		out, err := prepareLogo(logo)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if name == "jpeg" {
			if !bytes.Equal(out, logo) {
				t.Error("a JPEG logo was re-encoded")
			}
			continue
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(out))
		if err != nil || out[24] != 8 || out[25] != 2 || out[28] != 0 {
			t.Errorf("%s: not an opaque 8-bit RGB PNG (%v, depth %d, colour type %d)", name, err, out[24], out[25])
		}
		if cfg.Width != 0 && name == "png16" && cfg.Width != 30 {
			t.Errorf("%s: width %d", name, cfg.Width)
		}
		// And it renders.
		f := fixtures(t)[1]
		f.opts.Logo = logo
		if _, err := Render(f.doc, f.seller, f.opts); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	huge := image.NewGray(image.Rect(0, 0, MaxLogoPixels+1, 1))
	var hb bytes.Buffer
	if err := png.Encode(&hb, huge); err != nil {
		t.Fatal(err)
	}
	for name, logo := range map[string][]byte{
		"gif":       []byte("GIF89a......"),
		"truncated": testLogo(t)[:60],
		"huge":      hb.Bytes(),
		"too big":   append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, MaxLogoBytes)...),
	} {
		if _, err := prepareLogo(logo); !errors.Is(err, ErrLogo) {
			t.Errorf("%s: err = %v, want ErrLogo", name, err)
		}
		if _, err := NewRenderer(invoice.Party{}, Options{Logo: logo}); !errors.Is(err, ErrLogo) {
			t.Errorf("%s: NewRenderer err = %v, want ErrLogo", name, err)
		}
	}
}

func TestRenderRejects(t *testing.T) {
	f := fixtures(t)[0]
	other := *f.doc.Client
	other.ID = "someone-else"
	if _, err := Render(Document{Invoice: f.doc.Invoice, Client: &other}, f.seller, f.opts); !errors.Is(err, ErrNoClient) {
		t.Errorf("wrong client: %v", err)
	}
	if _, err := Render(Document{Invoice: f.doc.Invoice}, f.seller, f.opts); !errors.Is(err, ErrNoClient) {
		t.Errorf("no client: %v", err)
	}
	if _, err := Render(Document{}, f.seller, f.opts); err == nil {
		t.Error("no invoice: no error")
	}
	bad := *f.doc.Invoice
	bad.Lines = nil
	var ve *invoice.ValidationError
	if _, err := Render(Document{Invoice: &bad, Client: f.doc.Client}, f.seller, f.opts); !errors.As(err, &ve) {
		t.Errorf("invalid invoice: %v", err)
	}
}

// TestNumbers checks currency and locale formatting, and the fallback for
// locales whose digits the font cannot draw.
func TestNumbers(t *testing.T) {
	tests := []struct{ code, locale, amount, want string }{
		{"EUR", "en", "1234.5", "€1,234.50"},
		{"EUR", "de-DE", "1234.5", "1.234,50 €"},
		{"EUR", "", "-3", "-€3.00"},
		{"JPY", "ja", "1500", "JPY 1,500"}, // ￥ (fullwidth) is not in the font
		{"JPY", "en", "1500", "¥1,500"},
		{"PLN", "pl-PL", "12345.67", "12 345,67 zł"},
		{"CZK", "cs", "1000", "1 000,00 Kč"},
		{"BHD", "en", "1.250", "BHD 1.250"},
		{"THB", "th", "100", "THB 100.00"},  // ฿ is not in the font: ISO code
		{"EUR", "ar-EG", "12.5", "€12.50"},  // Arabic-Indic digits: falls back to en
		{"USD", "xx-unknown", "1", "$1.00"}, // unknown locale: en
	}
	for _, tt := range tests {
		n, err := newNumbers(tt.code, tt.locale)
		if err != nil {
			t.Fatal(err)
		}
		a, err := invoice.ParseAmount(tt.amount, tt.code)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(n.amount(a))
		if got != tt.want {
			t.Errorf("%s %s %s = %q, want %q", tt.code, tt.locale, tt.amount, got, tt.want)
		}
		if !fontCovers(n.amount(a)) {
			t.Errorf("%s %s: %q has glyphs outside the font", tt.code, tt.locale, got)
		}
	}
	n, _ := newNumbers("EUR", "de-DE")
	if got := n.decimal("1234.5"); got != "1.234,5" {
		t.Errorf("decimal = %q", got)
	}
	if got := n.percent("7.7"); got != "7,7%" {
		t.Errorf("percent = %q", got)
	}
	if _, err := newNumbers("XYZ", "en"); err == nil {
		t.Error("unknown currency accepted")
	}
}

// TestHostileText renders a document whose fields hold hundreds of line
// breaks and very long text: everything stays on the pages (nothing is
// drawn past the bottom) and long notes flow to further pages.
func TestHostileText(t *testing.T) {
	needTool(t, "pdftotext", "poppler-utils")
	f := fixtures(t)[1]
	inv := *f.doc.Invoice
	inv.Lines = []invoice.Line{{Description: strings.Repeat("x\n", 450) + "END-OF-DESCRIPTION", Quantity: "1", UnitPrice: "1", TaxRate: "0"}}
	var words []string
	for i := range 1400 {
		words = append(words, "w"+strings.Repeat("o", i%5)+"rd")
	}
	inv.Notes = strings.Join(words, " ") + " END-OF-NOTES"
	inv.Terms = strings.Repeat("Pay.\n", 300) + "END-OF-TERMS"
	f.doc.Invoice = &inv
	path := writePDF(t, f)
	text := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	for _, w := range []string{"END-OF-DESCRIPTION", "END-OF-NOTES", "END-OF-TERMS", "Balance due"} {
		if !strings.Contains(text, w) {
			t.Errorf("%q was not drawn on any page", w)
		}
	}
	needTool(t, "qpdf", "qpdf")
	run(t, "qpdf", "--check", path)
}

func TestChunksAndParagraphs(t *testing.T) {
	s := strings.Repeat("abc ", 500)
	cs := chunks(s, 100)
	if strings.Join(cs, " ") != strings.TrimSpace(s) {
		t.Error("chunks lost text")
	}
	for _, c := range cs {
		if len([]rune(c)) > 100 {
			t.Errorf("chunk of %d runes", len([]rune(c)))
		}
	}
	if got := chunks(strings.Repeat("é", 250), 100); len(got) != 3 || got[0] != strings.Repeat("é", 100) {
		t.Errorf("chunks without spaces: %q", got)
	}
	if got := paragraphs("a\n\n b \n\tc\nd\ne", 3, " / "); strings.Join(got, "|") != "a|b|c / d / e" {
		t.Errorf("paragraphs = %q", got)
	}
}

func TestLetterPaper(t *testing.T) {
	needTool(t, "pdfinfo", "poppler-utils")
	f := fixtures(t)[0]
	f.opts.PaperSize = Letter
	b, err := Render(f.doc, f.seller, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if info := run(t, "pdfinfo", path); !strings.Contains(info, "(letter)") {
		t.Errorf("not Letter:\n%s", info)
	}
}
