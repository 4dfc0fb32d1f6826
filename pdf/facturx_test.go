package pdf

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safeinvoice/einvoice"
)

// facturXFixture renders the simple fixture and its EN 16931 XML, and
// makes the Factur-X file of both.
func facturXFixture(t *testing.T) (plain, xml, fx []byte) {
	t.Helper()
	f := fixtures(t)[0]
	plain, err := Render(f.doc, f.seller, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	client := *f.doc.Client
	client.Address, client.City, client.PostalCode, client.Country = "Marktplatz 5", "München", "80331", "DE"
	seller := einvoice.Seller{Party: einvoice.Party{Name: f.seller.Name, Street: "Hauptstraße 1", City: "Berlin", PostalCode: "10115",
		Country: "DE", VATID: "DE123456789"}}
	d, err := einvoice.Build(f.doc.Invoice, nil, client, seller)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := einvoice.WriteCII(&buf, d, einvoice.FacturX); err != nil {
		t.Fatal(err)
	}
	fx, err = FacturX(plain, buf.Bytes(), FacturXMeta{Title: f.doc.Title(), Created: fixedDate})
	if err != nil {
		t.Fatal(err)
	}
	return plain, buf.Bytes(), fx
}

func TestFacturXCarriesItsXMLAsPDFA3(t *testing.T) {
	needTool(t, "qpdf", "qpdf")
	needTool(t, "pdfinfo", "poppler-utils")
	_, xml, fx := facturXFixture(t)
	path := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(path, fx, 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, "qpdf", "--check", path)
	meta := run(t, "pdfinfo", "-meta", path)
	for _, want := range []string{"<pdfaid:part>3</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>",
		"<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>", "<fx:DocumentType>INVOICE</fx:DocumentType>",
		"<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>", "<fx:Version>1.0</fx:Version>"} {
		if !strings.Contains(meta, want) {
			t.Errorf("the XMP lacks %s", want)
		}
	}
	fonts := run(t, "pdffonts", path)
	for _, line := range strings.Split(strings.TrimSpace(fonts), "\n")[2:] {
		if f := strings.Fields(line); len(f) < 5 || f[len(f)-5] != "yes" {
			t.Errorf("a font is not embedded: %s", line)
		}
	}
	if list := run(t, "pdfdetach", "-list", path); !strings.Contains(list, "1: factur-x.xml") {
		t.Errorf("pdfdetach -list: %s", list)
	}
	out := filepath.Join(t.TempDir(), "out.xml")
	run(t, "pdfdetach", "-save", "1", "-o", out, path)
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, xml) {
		t.Errorf("the embedded XML is not the one given: %v", err)
	}
	var j map[string]any
	if err := json.Unmarshal([]byte(run(t, "qpdf", "--json", path)), &j); err != nil {
		t.Fatal(err)
	}
	raw := run(t, "qpdf", "--qdf", "--object-streams=disable", path, "-")
	for _, want := range []string{"/AFRelationship /Alternative", "/S /GTS_PDFA1", "/AF [", "/Subtype /text#2fxml", "/OutputIntents ["} {
		if !strings.Contains(strings.ToLower(raw), strings.ToLower(want)) {
			t.Errorf("the PDF lacks %s", want)
		}
	}
	if !strings.HasPrefix(string(fx), "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n") {
		t.Error("the header is not PDF 1.7 with a binary comment")
	}
}

func TestFacturXIsDeterministicAndRefusesAPassword(t *testing.T) {
	_, xml, fx := facturXFixture(t)
	_, _, fx2 := facturXFixture(t)
	if !bytes.Equal(fx, fx2) {
		t.Error("the same invoice gave two Factur-X files")
	}
	f := fixtures(t)[0]
	opts := f.opts
	opts.Password = "correct horse battery"
	locked, err := Render(f.doc, f.seller, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := FacturX(locked, xml, FacturXMeta{Title: "x", Created: fixedDate}); !errors.Is(err, ErrFacturXEncrypted) {
		t.Errorf("a password-protected PDF: %v", err)
	}
	if _, err := FacturX([]byte("not a pdf"), xml, FacturXMeta{}); !errors.Is(err, ErrNotRendered) {
		t.Errorf("garbage: %v", err)
	}
}

// BenchmarkFacturXOnePage makes the one-page invoice's Factur-X file:
// render, write the CII XML, embed it as PDF/A-3. It reports the median
// of the whole and of its render alone (the plain PDF) and their ratio;
// the allocations are those of one Factur-X invoice. Target: Factur-X at
// most 1.5× the plain PDF.
func BenchmarkFacturXOnePage(b *testing.B) {
	f := benchFixture(b)
	r, err := NewRenderer(f.seller, f.opts)
	if err != nil {
		b.Fatal(err)
	}
	client := *f.doc.Client
	client.Address, client.City, client.PostalCode, client.Country = "Marktplatz 5", "München", "80331", "DE"
	d, err := einvoice.Build(f.doc.Invoice, nil, client, einvoice.Seller{Party: einvoice.Party{Name: f.seller.Name, Country: "DE", VATID: "DE123456789"}})
	if err != nil {
		b.Fatal(err)
	}
	var plainTimes, fxTimes []time.Duration
	size := 0
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		plain, err := r.Render(f.doc)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		var xml bytes.Buffer
		if err := einvoice.WriteCII(&xml, d, einvoice.FacturX); err != nil {
			b.Fatal(err)
		}
		fx, err := FacturX(plain, xml.Bytes(), FacturXMeta{Title: f.doc.Title(), Created: fixedDate})
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		plainTimes, fxTimes = append(plainTimes, t1.Sub(t0)), append(fxTimes, t2.Sub(t0))
		size = len(fx)
	}
	b.ReportMetric(median(plainTimes), "plain-median-ms")
	b.ReportMetric(median(fxTimes), "facturx-median-ms")
	b.ReportMetric(median(fxTimes)/median(plainTimes), "facturx/plain")
	b.ReportMetric(float64(size)/1024, "KiB/facturx")
}
