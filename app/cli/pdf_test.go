package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportPDF(t *testing.T) {
	dir, pw := initCLIVault(t)
	as := []string{"--data-dir", dir, "--user", "admin", "--password-file", pw}
	if r := run(t, "", append(as, "import", "../../interchange/testdata/import.json")...); r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}

	// Every issued document: the import holds four besides a draft.
	out := t.TempDir()
	r := run(t, "", append(as, "export-pdf", "--out", out)...)
	if r.code != 0 {
		t.Fatalf("export-pdf: %d %s", r.code, r.stderr)
	}
	if r.stderr != "" {
		t.Errorf("stderr is not empty without a terminal: %q", r.stderr)
	}
	paths := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(paths) != 4 {
		t.Fatalf("export-pdf printed %d lines, want 4 paths:\n%s", len(paths), r.stdout)
	}
	for _, p := range paths {
		if filepath.Dir(p) != out {
			t.Errorf("%q is not a path in %s", p, out)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("%PDF-")) {
			t.Errorf("%s is not a PDF", p)
		}
	}

	// Named numbers, with the flag after them; only those.
	named := t.TempDir()
	r = run(t, "", append(as, "export-pdf", "A-17", "INV-2026-0003", "--out", named)...)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != 0 || len(lines) != 2 || !strings.HasPrefix(filepath.Base(lines[0]), "A-17 ") ||
		!strings.HasPrefix(filepath.Base(lines[1]), "INV-2026-0003 ") {
		t.Fatalf("export-pdf A-17 INV-2026-0003: %d %q %q", r.code, r.stdout, r.stderr)
	}

	// An unknown number: one line naming it, nothing written.
	empty := t.TempDir()
	r = run(t, "", append(as, "export-pdf", "--out", empty, "A-17", "NO-SUCH-1")...)
	assertOneLineError(t, r, `"NO-SUCH-1"`)
	if r.stdout != "" {
		t.Errorf("stdout %q after a refused export", r.stdout)
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("%d files written despite the unknown number", len(entries))
	}

	// Usage errors.
	if r := run(t, "", append(as, "export-pdf", "A-17")...); r.code != ExitUsage {
		t.Errorf("no --out: exit %d %s", r.code, r.stderr)
	}
	r = run(t, "", append(as, "export-pdf", "--out", filepath.Join(empty, "missing"))...)
	assertOneLineError(t, r, "export folder")
}
