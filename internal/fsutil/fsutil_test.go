package fsutil

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"safeinvoice/internal/testkit"
)

func TestWriteFileCreatesAndReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	if err := WriteBytes(p, []byte("one"), 0o600, false); err != nil {
		t.Fatal(err)
	}
	if err := WriteBytes(p, []byte("two"), 0o600, false); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil || string(got) != "two" {
		t.Fatalf("got %q, %v; want two", got, err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	// Windows has no permission bits (see fsutil_windows_test.go).
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	assertNoTemp(t, dir)
}

func TestWriteFileNoReplaceKeepsExisting(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	if err := WriteBytes(p, []byte("keep"), 0o644, true); err != nil {
		t.Fatal(err)
	}
	err := WriteBytes(p, []byte("lost"), 0o644, true)
	if !errors.Is(err, ErrExists) {
		t.Fatalf("second write: %v, want ErrExists", err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "keep" {
		t.Errorf("existing file changed to %q", got)
	}
	assertNoTemp(t, dir)
}

func TestWriteFileFailedWriterLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	if err := WriteBytes(p, []byte("old"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteFile(p, 0o644, false, func(w io.Writer) error {
		_, _ = w.Write([]byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "old" {
		t.Errorf("old file changed to %q", got)
	}
	assertNoTemp(t, dir)
}

func TestWriteFileMissingFolder(t *testing.T) {
	err := WriteBytes(filepath.Join(t.TempDir(), "gone", "a.txt"), []byte("x"), 0o644, false)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("got %v, want a not-exist error", err)
	}
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	for _, n := range testkit.DirNames(t, dir) {
		if IsTemp(n) {
			t.Errorf("temporary file left behind: %s", n)
		}
	}
}

func TestRemoveAllRemovesATree(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "scratch")
	if err := os.MkdirAll(filepath.Join(dir, "a", "b"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "x"), filepath.Join(dir, "a", "b", "y")} {
		if err := os.WriteFile(p, []byte("z"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("after RemoveAll: %v", err)
	}
	if err := RemoveAll(dir); err != nil {
		t.Errorf("RemoveAll of a missing folder: %v", err)
	}
}
