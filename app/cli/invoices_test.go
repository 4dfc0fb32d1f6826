package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func initCLIVault(t *testing.T) (dir, pw string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "data")
	pw = writePasswordFile(t, testPassword)
	if r := run(t, "", "--data-dir", dir, "--password-file", pw, "init", "--user", "admin"); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	return dir, pw
}

func TestImportListExportCSV(t *testing.T) {
	dir, pw := initCLIVault(t)
	as := []string{"--data-dir", dir, "--user", "admin", "--password-file", pw}
	r := run(t, "", append(as, "import", "../../interchange/testdata/import.json")...)
	if r.code != 0 || !strings.Contains(r.stdout, "Imported 5 invoices and 3 new clients") {
		t.Fatalf("import: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = run(t, "", append(as, "list", "--json")...)
	if r.code != 0 {
		t.Fatalf("list: %s", r.stderr)
	}
	var rows []map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 {
		t.Fatalf("%d rows", len(rows))
	}
	wantKeys := []string{"number", "status", "client", "issue_date", "due_date", "currency", "total", "balance"}
	for _, k := range wantKeys {
		if _, ok := rows[0][k]; !ok {
			t.Errorf("list --json lacks %q: %v", k, rows[0])
		}
	}
	r = run(t, "", append(as, "list", "--status", "void")...)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 2 || !strings.Contains(lines[1], "INV-2026-0003") || !strings.Contains(lines[1], "1.375") {
		t.Errorf("list --status void:\n%s", r.stdout)
	}
	if r := run(t, "", append(as, "list", "--status", "mailed")...); r.code != ExitUsage {
		t.Errorf("bad status accepted: %d %s", r.code, r.stderr)
	}
	out := filepath.Join(t.TempDir(), "books.csv")
	r = run(t, "", append(as, "export-csv", "--out", out)...)
	if r.code != 0 {
		t.Fatalf("export-csv: %s", r.stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(data), "A-17") {
		t.Fatalf("csv: %v", err)
	}
	// Never over an existing file.
	r = run(t, "", append(as, "export-csv", "--out", out)...)
	assertOneLineError(t, r, "already exists")
}

func TestImportRefusalIsOneLineNamingTheRecord(t *testing.T) {
	dir, pw := initCLIVault(t)
	bad := filepath.Join(t.TempDir(), "bad.json")
	data := `{"clients": [{"id": "c1", "name": "A", "email": "a@example.com"}], "invoices": [
{"client": "c1", "currency": "EUR", "issue_date": "2026-11-01", "due_date": "2026-12-01", "status": "draft",
 "lines": [{"description": "B", "quantity": "1", "unit_price": "12,50", "tax_rate": "19"}]}]}`
	if err := os.WriteFile(bad, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "--data-dir", dir, "--user", "admin", "--password-file", pw, "import", bad)
	assertOneLineError(t, r, `invoice 1: line 1 unit_price "12,50"`)
	r = run(t, "", "--data-dir", dir, "--user", "admin", "--password-file", pw, "list", "--json")
	if strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("refused import wrote: %s", r.stdout)
	}
}

func TestDemoData(t *testing.T) {
	dir, pw := initCLIVault(t)
	as := []string{"--data-dir", dir, "--user", "admin", "--password-file", pw}
	r := run(t, "", append(as, "demo-data", "--invoices", "300", "--clients", "20")...)
	if r.code != 0 || !strings.Contains(r.stdout, "Made up 300 invoices for 20 clients") {
		t.Fatalf("demo-data: %d %q %q", r.code, r.stdout, r.stderr)
	}
	// More demo data may follow demo data, but never real invoices.
	r = run(t, "", append(as, "demo-data", "--invoices", "3", "--clients", "1")...)
	if r.code != 0 {
		t.Fatalf("demo-data on demo books: %d %q", r.code, r.stderr)
	}
	real, rpw := initCLIVault(t)
	ras := []string{"--data-dir", real, "--user", "admin", "--password-file", rpw}
	if r := run(t, "", append(ras, "import", "../../interchange/testdata/import.json")...); r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}
	r = run(t, "", append(ras, "demo-data", "--invoices", "3")...)
	assertOneLineError(t, r, "these books hold real invoices")
	r = run(t, "", append(as, "list", "--json")...)
	var rows []map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 303 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	statuses := map[string]int{}
	for _, row := range rows {
		statuses[row["status"]]++
	}
	for _, st := range []string{"paid", "overdue"} {
		if statuses[st] == 0 {
			t.Errorf("no %s invoices in the demo data: %v", st, statuses)
		}
	}
}
