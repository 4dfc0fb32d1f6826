package fsutil

import (
	"errors"
	"io"
	"os"
	"path/filepath"
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
	if !testkit.OwnerOnly(st) {
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

func TestRenameReplacesAFile(t *testing.T) {
	dir := t.TempDir()
	old, next := filepath.Join(dir, "alice.key"), filepath.Join(dir, "alice.key.next")
	if err := WriteBytes(old, []byte("old"), 0o600, true); err != nil {
		t.Fatal(err)
	}
	if err := WriteBytes(next, []byte("new"), 0o600, true); err != nil {
		t.Fatal(err)
	}
	if err := Rename(next, old); err != nil {
		t.Fatalf("rename over an existing file: %v", err)
	}
	if got, err := os.ReadFile(old); err != nil || string(got) != "new" {
		t.Fatalf("after the rename: %q, %v; want new", got, err)
	}
	if _, err := os.Stat(next); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the old name is still there: %v", err)
	}
	free := filepath.Join(dir, "bob.key")
	if err := Rename(old, free); err != nil {
		t.Fatalf("rename to a free name: %v", err)
	}
	if got, err := os.ReadFile(free); err != nil || string(got) != "new" {
		t.Errorf("after the rename to a free name: %q, %v; want new", got, err)
	}
	if err := Rename(filepath.Join(dir, "missing"), free); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("rename of a missing file: %v, want fs.ErrNotExist", err)
	}
	if got, _ := os.ReadFile(free); string(got) != "new" {
		t.Errorf("a failed rename changed the target to %q", got)
	}
}

func TestRenameFolderMovesAFolderAndNeverReplacesOne(t *testing.T) {
	dir := t.TempDir()
	staging, target := filepath.Join(dir, ".books.restoring"), filepath.Join(dir, "books")
	for _, d := range []string{staging, target} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "MARKER"), []byte(d), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := RenameFolder(staging, target); !errors.Is(err, os.ErrExist) {
		t.Fatalf("move onto a folder that holds files: %v, want fs.ErrExist", err)
	}
	if got, _ := os.ReadFile(filepath.Join(target, "MARKER")); string(got) != target {
		t.Errorf("the existing folder's file changed to %q", got)
	}
	aside := filepath.Join(dir, "books.before-restore")
	if err := RenameFolder(target, aside); err != nil {
		t.Fatalf("move aside: %v", err)
	}
	if err := RenameFolder(staging, target); err != nil {
		t.Fatalf("move into the freed name: %v", err)
	}
	if got, err := os.ReadFile(filepath.Join(target, "MARKER")); err != nil || string(got) != staging {
		t.Errorf("the moved folder holds %q, %v; want %q", got, err, staging)
	}
	if got, err := os.ReadFile(filepath.Join(aside, "MARKER")); err != nil || string(got) != target {
		t.Errorf("the folder moved aside holds %q, %v; want %q", got, err, target)
	}
}
