package ui

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"safeinvoice/internal/fsutil"
	"safeinvoice/internal/testkit"
)

// A file saved from the window (the recovery kit, the audit CSV) is
// written whole and private, and never over a file that is already there.
func TestWriteNewFileWritesOnceAndNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "recovery-kit.pdf")
	if err := writeNewFile(p, []byte("kit")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil || string(got) != "kit" {
		t.Fatalf("saved file: %q, %v; want kit", got, err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if !testkit.OwnerOnly(st) {
		t.Errorf("saved file has mode %o, want 600", st.Mode().Perm())
	}

	err = writeNewFile(p, []byte("other"))
	if !errors.Is(err, fsutil.ErrExists) {
		t.Fatalf("save over an existing file: %v, want fsutil.ErrExists", err)
	}
	if want := p + " already exists; choose another name"; err.Error() != want {
		t.Errorf("the window would say %q, want %q", err, want)
	}
	if got, _ := os.ReadFile(p); string(got) != "kit" {
		t.Errorf("the existing file changed to %q", got)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if fsutil.IsTemp(e.Name()) {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}

	if err := writeNewFile(filepath.Join(dir, "missing", "kit.pdf"), []byte("kit")); err == nil {
		t.Error("save into a missing folder succeeded")
	}
}
