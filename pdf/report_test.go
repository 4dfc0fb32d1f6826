package pdf

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safeinvoice/invoice"
	"safeinvoice/reports"
)

func testReport(t *testing.T) Report {
	t.Helper()
	months, err := reports.Months("2026-01-01", "2026-03-31")
	if err != nil {
		t.Fatal(err)
	}
	c, err := reports.RevenueChart([]reports.RevenueRow{{Month: "2026-02", Currency: "EUR", Gross: "1190.00", Received: "500.00"}}, "EUR", months)
	if err != nil {
		t.Fatal(err)
	}
	return Report{Title: "Revenue per month", Period: "2026-01-01 to 2026-03-31", Charts: []reports.Chart{c},
		Columns: []ReportColumn{{Title: "Month", Size: 4}, {Title: "Currency", Size: 3}, {Title: "Invoiced gross", Size: 6, Amount: true}},
		Rows: []ReportRow{{Currency: "EUR", Cells: []string{"2026-02", "EUR", "1190.00"}},
			{Currency: "EUR", Cells: []string{"Total", "EUR", "1190.00"}, Total: true}}}
}

func TestRenderReportIsDeterministicAndWellFormed(t *testing.T) {
	r, err := NewRenderer(invoice.Party{Name: "Acme Tools"}, Options{CreationDate: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), Locale: "de-DE"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := r.RenderReport(testReport(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.RenderReport(testReport(t))
	if err != nil || !bytes.Equal(a, b) {
		t.Fatalf("two renders differ (%v)", err)
	}
	needTool(t, "qpdf", "qpdf")
	needTool(t, "pdftotext", "poppler-utils")
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, a, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v\n%s", err, out)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	// German separators, the chart's legend, axis and bar labels.
	for _, w := range []string{"Acme Tools", "Revenue per month", "1.190,00", "Invoiced", "Received", "2026-03", "1.19k", "500", "Made 2026-12-01 09:00"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("no %q in\n%s", w, out)
		}
	}
}

func TestRenderReportRefusesWhatDoesNotFit(t *testing.T) {
	r, err := NewRenderer(invoice.Party{Name: "Acme"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wide := testReport(t)
	wide.Columns[0].Size = 20
	short := testReport(t)
	short.Rows[0].Cells = short.Rows[0].Cells[:2]
	for name, rep := range map[string]Report{"too wide": wide, "short row": short} {
		if _, err := r.RenderReport(rep); !errors.Is(err, ErrReport) {
			t.Errorf("%s: %v, want ErrReport", name, err)
		}
	}
}
