package pdf

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDumpFixtures writes every fixture's PDF to $SAFEINVOICE_PDF_DUMP, to
// look at them; it does nothing when the variable is unset.
func TestDumpFixtures(t *testing.T) {
	dir := os.Getenv("SAFEINVOICE_PDF_DUMP")
	if dir == "" {
		t.Skip("set SAFEINVOICE_PDF_DUMP to a folder to write the fixtures' PDFs there")
	}
	for _, f := range fixtures(t) {
		b, err := Render(f.doc, f.seller, f.opts)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.name+".pdf"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
