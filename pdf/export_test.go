package pdf

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"safeinvoice/internal/fsutil"
	"safeinvoice/internal/testkit"
	"safeinvoice/invoice"
)

// batch returns n valid one-page documents with distinct numbers.
func batch(n int, clientName string) []Document {
	docs := make([]Document, n)
	for i := range docs {
		inv := baseInvoice("EUR",
			invoice.Line{Description: "Consulting", Quantity: "2", UnitPrice: "150.00", TaxRate: "19"},
			invoice.Line{Description: "Travel", Quantity: "1", UnitPrice: "80.00", TaxRate: "7"},
		)
		inv.ID = fmt.Sprintf("i%d", i)
		inv.Number = fmt.Sprintf("INV-2026-%04d", i+1)
		docs[i] = Document{Invoice: inv, Client: testClient(clientName)}
	}
	return docs
}

// listDir returns the names in dir, failing on temporary files.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	names := testkit.DirNames(t, dir)
	for _, n := range names {
		if fsutil.IsTemp(n) {
			t.Errorf("temporary file left behind: %s", n)
		}
	}
	return names
}

func TestExport(t *testing.T) {
	dir := t.TempDir()
	docs := batch(25, "Müller & Söhne KG")
	var calls []int
	paths, err := Export(context.Background(), docs, dir, BatchOptions{
		Seller:   testSeller(),
		Options:  withLogo(t, Options{CreationDate: fixedDate}),
		Progress: func(done, total int) { calls = append(calls, done); _ = total },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 25 || !slices.IsSorted(calls) || calls[24] != 25 {
		t.Errorf("progress calls %v", calls)
	}
	for i, p := range paths {
		want := filepath.Join(dir, fmt.Sprintf("INV-2026-%04d Müller & Söhne KG.pdf", i+1))
		if p != want {
			t.Errorf("path %d = %q, want %q", i, p, want)
		}
		b, err := os.ReadFile(p)
		if err != nil || !strings.HasPrefix(string(b), "%PDF-") {
			t.Errorf("%s: not a PDF (%v)", p, err)
		}
		if st, err := os.Stat(p); err == nil && runtime.GOOS != "windows" && st.Mode().Perm() != FilePerm {
			t.Errorf("%s: mode %v", p, st.Mode())
		}
	}
	if n := len(listDir(t, dir)); n != 25 {
		t.Errorf("%d files, want 25", n)
	}
	// Same bytes as Render.
	one, err := Render(docs[3], testSeller(), withLogo(t, Options{CreationDate: fixedDate}))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(paths[3]); string(got) != string(one) {
		t.Error("exported file differs from Render's bytes")
	}
}

// TestExportNeverOverwrites exports the same documents twice, with a
// foreign file in the way: nothing is overwritten, new names are numbered.
func TestExportNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	docs := batch(3, "ACME")
	foreign := filepath.Join(dir, "INV-2026-0002 ACME (2).pdf")
	if err := os.WriteFile(foreign, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := BatchOptions{Options: Options{CreationDate: fixedDate}, Seller: testSeller()}
	first, err := Export(context.Background(), docs, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Export(context.Background(), docs, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"INV-2026-0001 ACME (2).pdf", "INV-2026-0002 ACME (3).pdf", "INV-2026-0003 ACME (2).pdf"}
	for i := range second {
		if filepath.Base(second[i]) != want[i] {
			t.Errorf("second export %d: %q, want %q", i, filepath.Base(second[i]), want[i])
		}
		if first[i] == second[i] {
			t.Errorf("%s written twice", first[i])
		}
	}
	if b, _ := os.ReadFile(foreign); string(b) != "mine" {
		t.Error("a foreign file was overwritten")
	}
	if n := len(listDir(t, dir)); n != 7 {
		t.Errorf("%d files, want 7", n)
	}
}

// TestExportNamesDuplicatesInOrder exports a batch in which documents
// share names on four workers: the first of each name gets the plain name,
// the later ones (2), (3), … in the order of the batch, every time.
func TestExportNamesDuplicatesInOrder(t *testing.T) {
	a, b := batch(2, "ACME")[0], batch(2, "Beta")[1]
	docs := []Document{a, b, a, a, b, a}
	want := []string{
		"INV-2026-0001 ACME.pdf", "INV-2026-0002 Beta.pdf", "INV-2026-0001 ACME (2).pdf",
		"INV-2026-0001 ACME (3).pdf", "INV-2026-0002 Beta (2).pdf", "INV-2026-0001 ACME (4).pdf",
	}
	opts := BatchOptions{Options: Options{CreationDate: fixedDate}, Seller: testSeller(), Workers: 4}
	for round := range 5 {
		dir := t.TempDir()
		paths, err := Export(context.Background(), docs, dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range paths {
			if filepath.Base(p) != want[i] {
				t.Errorf("round %d, document %d: %q, want %q", round, i, filepath.Base(p), want[i])
			}
		}
	}
}

// TestExportHostileNames exports documents whose client names try to
// leave the folder or use reserved names: every file lands in the folder.
func TestExportHostileNames(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	var docs []Document
	for i, name := range []string{"../../x", "CON", "nul.txt", `a/b\c:d*e?f`, "..", "/etc/passwd", strings.Repeat("Ω", 400), "evil\u202Efdp.exe"} {
		d := batch(1, name)[0]
		d.Invoice.Number = ""
		d.Invoice.Status = invoice.StatusDraft
		d.Invoice.ID = fmt.Sprint(i)
		docs = append(docs, d)
	}
	paths, err := Export(context.Background(), docs, dir, BatchOptions{Options: Options{CreationDate: fixedDate}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if filepath.Dir(p) != dir {
			t.Errorf("%q is outside %s", p, dir)
		}
		checkSafe(t, filepath.Base(p))
	}
	if n := len(listDir(t, dir)); n != len(docs) {
		t.Errorf("%d files in the folder, want %d", n, len(docs))
	}
	if got := listDir(t, root); len(got) != 1 {
		t.Errorf("files escaped into the parent: %v", got)
	}
}

// TestExportCancel cancels an export after a few files: it returns
// context.Canceled promptly, leaves only complete files, and no temporary
// file.
func TestExportCancel(t *testing.T) {
	dir := t.TempDir()
	docs := batch(200, "ACME")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	paths, err := Export(ctx, docs, dir, BatchOptions{
		Options: Options{CreationDate: fixedDate},
		Progress: func(done, total int) {
			if done == 5 {
				cancel()
			}
		},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	written := 0
	for _, p := range paths {
		if p != "" {
			written++
			if b, err := os.ReadFile(p); err != nil || !strings.Contains(string(b), "%%EOF") {
				t.Errorf("%s is incomplete", p)
			}
		}
	}
	names := listDir(t, dir)
	if written < 5 || written > 5+2*8 || len(names) != written {
		t.Errorf("%d paths returned, %d files; want a few more than 5, all listed", written, len(names))
	}

	// Already cancelled: nothing happens.
	paths, err = Export(ctx, docs, t.TempDir(), BatchOptions{})
	if !errors.Is(err, context.Canceled) || slices.ContainsFunc(paths, func(p string) bool { return p != "" }) {
		t.Errorf("cancelled export: %v %v", paths, err)
	}
}

// TestExportStopsOnError checks that an invalid document stops the export
// with an error naming it.
func TestExportStopsOnError(t *testing.T) {
	docs := batch(10, "ACME")
	docs[4].Invoice.Lines[0].Quantity = "abc"
	_, err := Export(context.Background(), docs, t.TempDir(), BatchOptions{Options: Options{CreationDate: fixedDate}})
	var ve *invoice.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "INV-2026-0005") {
		t.Errorf("err = %v, want the validation error of INV-2026-0005", err)
	}

	if _, err := Export(context.Background(), docs, filepath.Join(t.TempDir(), "missing"), BatchOptions{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing folder: %v", err)
	}
	if _, err := Export(context.Background(), docs, t.TempDir(), BatchOptions{Options: Options{Logo: []byte("GIF89a")}}); !errors.Is(err, ErrLogo) {
		t.Errorf("bad logo: %v", err)
	}
}

// deepFolder makes a folder inside t.TempDir whose absolute path has about
// want UTF-16 units.
func deepFolder(t *testing.T, want int) string {
	t.Helper()
	dir := t.TempDir()
	for units(dir) < want-12 {
		dir = filepath.Join(dir, "Buchhaltung")
	}
	dir += strings.Repeat("x", max(0, want-units(dir)))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

func units(s string) int { return len(utf16.Encode([]rune(s))) }

// A long folder path and a long client name: the names are cut so that
// each full path stays within MaxPathLength, the number still leading and
// the variants distinct; a folder that leaves no room is refused before
// anything is written.
func TestExportKeepsPathsWithinMaxPath(t *testing.T) {
	dir := deepFolder(t, 200)
	long := strings.Repeat("Überlange Holzwerkstatt ", 10)
	docs := batch(2, long)
	docs = append(docs, docs[0])
	paths, err := Export(context.Background(), docs, dir, BatchOptions{Options: Options{CreationDate: fixedDate}, Seller: testSeller()})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range paths {
		if units(p) > MaxPathLength {
			t.Errorf("path %d has %d units > %d: %s", i, units(p), MaxPathLength, p)
		}
		if filepath.Dir(p) != dir || !strings.HasPrefix(filepath.Base(p), docs[i].Invoice.Number+" Überlange") || !strings.HasSuffix(p, ".pdf") {
			t.Errorf("path %d = %s", i, p)
		}
	}
	if !strings.HasSuffix(paths[2], " (2).pdf") {
		t.Errorf("the second export of %s is %s, want a (2) variant", docs[0].Invoice.Number, paths[2])
	}
	if n := len(listDir(t, dir)); n != 3 {
		t.Errorf("%d files, want 3", n)
	}

	tooDeep := deepFolder(t, MaxPathLength-20)
	_, err = Export(context.Background(), docs, tooDeep, BatchOptions{Options: Options{CreationDate: fixedDate}})
	if !errors.Is(err, ErrPathTooLong) || !strings.Contains(err.Error(), "choose a folder with a shorter path") {
		t.Fatalf("export into a folder %d units long: %v, want ErrPathTooLong", units(tooDeep), err)
	}
	if n := len(listDir(t, tooDeep)); n != 0 {
		t.Errorf("%d files written into the refused folder", n)
	}
}
