package pdf

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"safeinvoice/invoice"
)

// needTool skips the test when an external program is missing. CI installs
// them (poppler-utils for pdftotext, pdffonts and pdfinfo; qpdf).
func needTool(t *testing.T, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not found: install %s (apt-get install -y %s) to run this test", name, pkg, pkg)
	}
}

// run runs a program and returns its standard output; it fails the test
// on a non-zero exit.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr)
	}
	return string(out)
}

// writePDF renders f into a temporary file and returns its path.
func writePDF(t *testing.T, f fixture) string {
	t.Helper()
	b, err := Render(f.doc, f.seller, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), f.name+".pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// norm folds every kind of space into one plain space, as pdftotext may
// write no-break spaces either way.
func normSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\n' || r == '\t' || r == '\f'
	}), " ")
}

// TestRoundTripText renders each document and reads it back with
// pdftotext: number, client, every line, the totals and the Unicode names
// must all be there as text.
func TestRoundTripText(t *testing.T) {
	needTool(t, "pdftotext", "poppler-utils")
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			text := normSpace(run(t, "pdftotext", "-enc", "UTF-8", writePDF(t, f), "-"))
			inv := f.doc.Invoice
			tot, err := inv.Totals()
			if err != nil {
				t.Fatal(err)
			}
			n, err := newNumbers(inv.Currency, f.opts.Locale)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{f.doc.Client.Name, f.doc.Client.Email, f.seller.Name,
				n.amount(tot.Net), n.amount(tot.Total), inv.IssueDate}
			if inv.Number != "" {
				want = append(want, inv.Number)
			} else {
				want = append(want, "DRAFT")
			}
			for _, l := range inv.Lines {
				want = append(want, l.Description)
			}
			for _, c := range inv.Credits {
				want = append(want, c.Number)
			}
			for _, r := range tot.Rates {
				want = append(want, n.amount(r.Tax))
			}
			switch {
			case inv.IsCreditNote():
				want = append(want, "CREDIT NOTE", f.doc.CorrectsNumber)
			case inv.Status == invoice.StatusVoid:
				want = append(want, "VOID", inv.VoidReason)
			default:
				want = append(want, n.amount(tot.Balance), "Balance due")
			}
			if tot.Paid.IsPositive() {
				neg, _ := tot.Paid.Mul("-1")
				want = append(want, n.amount(neg))
			}
			for _, w := range want {
				if !strings.Contains(text, normSpace(w)) {
					t.Errorf("%q is missing from the extracted text", w)
				}
			}
			if f.opts.Buyer&BuyerAddress == 0 && strings.Contains(text, "Piotrkowska") {
				t.Error("the client's address is printed although Options.Buyer does not ask for it")
			}
			if f.opts.Buyer&BuyerTaxID == 0 && strings.Contains(text, f.doc.Client.TaxID) {
				t.Error("the client's tax id is printed although Options.Buyer does not ask for it")
			}
		})
	}
}

// TestUnicodeNames checks that Polish, Czech, Greek and Cyrillic text is
// drawn with real glyphs and extracted as the same characters.
func TestUnicodeNames(t *testing.T) {
	needTool(t, "pdftotext", "poppler-utils")
	var f fixture
	for _, x := range fixtures(t) {
		if x.name == "unicode" {
			f = x
		}
	}
	text := normSpace(run(t, "pdftotext", "-enc", "UTF-8", writePDF(t, f), "-"))
	for _, w := range []string{"Łódź", "Dvořák", "Ελληνικά", "Кириллица", "Usługi doradcze", "Перевод", "Μετάφραση", "1795,80 zł"} {
		if !strings.Contains(text, w) {
			t.Errorf("%q is missing from the extracted text:\n%s", w, text)
		}
	}
}

// TestQPDFCheck runs qpdf --check on every document.
func TestQPDFCheck(t *testing.T) {
	needTool(t, "qpdf", "qpdf")
	for _, f := range fixtures(t) {
		out := run(t, "qpdf", "--check", writePDF(t, f))
		if !strings.Contains(out, "No syntax or stream encoding errors") {
			t.Errorf("%s: qpdf --check:\n%s", f.name, out)
		}
	}
}

// TestFontsEmbedded checks with pdffonts that every font is embedded and
// that none is Helvetica (or Arial), which covers only WinAnsi.
func TestFontsEmbedded(t *testing.T) {
	needTool(t, "pdffonts", "poppler-utils")
	for _, f := range fixtures(t) {
		out := run(t, "pdffonts", writePDF(t, f))
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) < 3 {
			t.Fatalf("%s: no font listed:\n%s", f.name, out)
		}
		for _, l := range lines[2:] {
			fields := strings.Fields(l)
			// name type... encoding emb sub uni object ID
			if len(fields) < 7 || fields[len(fields)-5] != "yes" {
				t.Errorf("%s: font not embedded: %s", f.name, l)
			}
			if low := strings.ToLower(l); strings.Contains(low, "helvetica") || strings.Contains(low, "arial") {
				t.Errorf("%s: uses a WinAnsi core font: %s", f.name, l)
			}
		}
	}
}

// TestMetadata checks the document information: title, creator and
// creation date, and no client data.
func TestMetadata(t *testing.T) {
	needTool(t, "pdfinfo", "poppler-utils")
	for _, f := range fixtures(t) {
		path := writePDF(t, f)
		info := run(t, "pdfinfo", "-isodates", path)
		for _, w := range []string{"Title:           " + f.doc.Title(), "Creator:         SafeInvoice", "CreationDate:    2026-11-02T09:30:00", "ModDate:         2026-11-02T09:30:00"} {
			if !strings.Contains(info, w) {
				t.Errorf("%s: pdfinfo lacks %q:\n%s", f.name, w, info)
			}
		}
		c := f.doc.Client
		for _, secret := range []string{c.Name, c.Email, c.TaxID, "Piotrkowska"} {
			if strings.Contains(info, secret) {
				t.Errorf("%s: metadata holds client data %q", f.name, secret)
			}
		}
	}
}

// TestLongInvoicePages checks that a 120-line invoice spans several pages,
// that every page after the first repeats the table header, that every
// line appears exactly once and that pages are numbered "Page X of Y".
func TestLongInvoicePages(t *testing.T) {
	needTool(t, "pdftotext", "poppler-utils")
	needTool(t, "pdfinfo", "poppler-utils")
	var f fixture
	for _, x := range fixtures(t) {
		if x.name == "long-120" {
			f = x
		}
	}
	path := writePDF(t, f)
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(run(t, "pdfinfo", path))
	if m == nil {
		t.Fatal("pdfinfo shows no page count")
	}
	pages, _ := strconv.Atoi(m[1])
	if pages < 3 {
		t.Fatalf("120 lines fit on %d pages; want several", pages)
	}
	all := ""
	for p := 1; p <= pages; p++ {
		text := run(t, "pdftotext", "-enc", "UTF-8", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), path, "-")
		for _, h := range []string{"Description", "Qty", "Unit price", "Tax", "Net"} {
			if !strings.Contains(text, h) {
				t.Errorf("page %d lacks the table header %q", p, h)
			}
		}
		if want := fmt.Sprintf("Page %d of %d", p, pages); !strings.Contains(text, want) {
			t.Errorf("page %d lacks %q", p, want)
		}
		if !strings.Contains(text, "INV-2026-0005") {
			t.Errorf("page %d does not name the invoice", p)
		}
		all += text
	}
	for i := 1; i <= 120; i++ {
		line := fmt.Sprintf("Line %03d: support ticket #%d", i, 4000+i)
		if c := strings.Count(all, line); c != 1 {
			t.Errorf("%q appears %d times", line, c)
		}
	}
	if !strings.Contains(all, "Balance due") {
		t.Error("the totals are missing")
	}
}

// TestSellerNote prints the seller's closing note, every paragraph, after
// the payment terms, and nothing when there is none.
func TestSellerNote(t *testing.T) {
	needTool(t, "pdftotext", "poppler-utils")
	f := fixtures(t)[0]
	without := normSpace(run(t, "pdftotext", "-enc", "UTF-8", writePDF(t, f), "-"))
	f.opts.Note = "Thank you for your business.\nNordlicht Design GmbH · Amtsgericht Charlottenburg HRB 12345"
	with := normSpace(run(t, "pdftotext", "-enc", "UTF-8", writePDF(t, f), "-"))
	for _, p := range strings.Split(f.opts.Note, "\n") {
		if !strings.Contains(with, normSpace(p)) {
			t.Errorf("%q is missing", p)
		}
		if strings.Contains(without, normSpace(p)) {
			t.Errorf("%q is printed without a note", p)
		}
	}
	if terms, thanks := strings.Index(with, "PAYMENT TERMS"), strings.Index(with, "Thank you"); terms < 0 || thanks < terms {
		t.Errorf("the note is not after the payment terms (%d, %d)", terms, thanks)
	}
}
