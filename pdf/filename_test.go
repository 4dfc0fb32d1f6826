package pdf

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

func TestSafeFileName(t *testing.T) {
	long := strings.Repeat("Łódź ", 100)
	tests := []struct {
		number, client, want string
	}{
		{"INV-2026-0001", "Müller & Söhne KG", "INV-2026-0001 Müller & Söhne KG.pdf"},
		{"INV-2026-0001", "../../x", "INV-2026-0001 .._.._x.pdf"},
		{"", "../../x", "_.._x.pdf"},
		{"", "..", "invoice.pdf"},
		{"", "CON", "_CON.pdf"},
		{"", "con", "_con.pdf"},
		{"", "nul.txt", "_nul.txt.pdf"},
		{"", "COM1", "_COM1.pdf"},
		{"", "LPT9.tar", "_LPT9.tar.pdf"},
		{"", "COM¹", "_COM¹.pdf"},
		{"", "CONIN$", "_CONIN$.pdf"},
		{"", "CONSOLE", "CONSOLE.pdf"},
		{"", "COM10", "COM10.pdf"},
		{"INV-1", "CON", "INV-1 CON.pdf"},
		{"INV-1", `a/b\c:d*e?f`, "INV-1 a_b_c_d_e_f.pdf"},
		{"INV-1", `<x>|"y"`, "INV-1 _x___y_.pdf"},
		{"INV-1", "tab\there\nnew\rline", "INV-1 tab here new line.pdf"},
		{"INV-1", "nul\x00byte\x1besc\x7fdel", "INV-1 nul_byte_esc_del.pdf"},
		{"INV-1", "C1\u0085\u009fcontrols", "INV-1 C1 _controls.pdf"},
		{"INV-1", "trailing dots...", "INV-1 trailing dots.pdf"},
		{"INV-1", "trailing spaces   ", "INV-1 trailing spaces.pdf"},
		{"INV-1", "evil\u202Efdp.exe", "INV-1 evilfdp.exe.pdf"},
		{"INV-1", "zero\u200bwidth", "INV-1 zerowidth.pdf"},
		{"INV-1", "private\ue000use", "INV-1 private_use.pdf"},
		{"INV-1", "bad \xff utf8", "INV-1 bad _ utf8.pdf"},
		{"INV-1", "Dvořák Ελληνικά Кириллица 日本 😀", "INV-1 Dvořák Ελληνικά Кириллица 日本 😀.pdf"},
		{"INV-1", "Cafe\u0301", "INV-1 Café.pdf"}, // NFD → NFC
		{"", "-rf", "_rf.pdf"},
		{"", ".hidden", "hidden.pdf"},
		{"", "", "invoice.pdf"},
		{"  ", " \t ", "invoice.pdf"},
		{"FV/2026/11/007", "Łódź", "FV_2026_11_007 Łódź.pdf"},
	}
	for _, tt := range tests {
		if got := SafeFileName(tt.number, tt.client); got != tt.want {
			t.Errorf("SafeFileName(%q, %q) = %q, want %q", tt.number, tt.client, got, tt.want)
		}
	}

	got := SafeFileName("INV-1", long)
	if len(got) > MaxFileNameBytes || !utf8.ValidString(got) || !strings.HasSuffix(got, "Łódź.pdf") {
		t.Errorf("long name: %q (%d bytes)", got, len(got))
	}
	for n := 2; n <= maxVariants; n *= 10 {
		v := finish(fileStem("INV-1", long), n, fileExt, MaxFileNameBytes)
		if len(v) > MaxFileNameBytes || !strings.HasSuffix(v, ")"+fileExt) || !utf8.ValidString(v) {
			t.Errorf("variant %d: %q (%d bytes)", n, v, len(v))
		}
	}
}

// checkSafe asserts every promise of SafeFileName about name.
func checkSafe(t *testing.T, name string) {
	t.Helper()
	switch {
	case name == "" || name == fileExt:
		t.Fatalf("empty name %q", name)
	case !utf8.ValidString(name):
		t.Fatalf("invalid UTF-8: %q", name)
	case len(name) > MaxFileNameBytes:
		t.Fatalf("%d bytes > %d: %q", len(name), MaxFileNameBytes, name)
	case strings.ContainsAny(name, `/\<>:"|?*`+"\x00"):
		t.Fatalf("forbidden character in %q", name)
	case filepath.Base(name) != name || filepath.Clean(name) != name:
		t.Fatalf("not a plain base name: %q", name)
	case !strings.HasSuffix(name, fileExt):
		t.Fatalf("no %s extension: %q", fileExt, name)
	case strings.HasPrefix(name, ".") || strings.HasPrefix(name, " ") || strings.HasPrefix(name, "-"):
		t.Fatalf("bad start: %q", name)
	}
	stem := strings.TrimSuffix(name, fileExt)
	if strings.HasSuffix(stem, ".") || strings.HasSuffix(stem, " ") {
		t.Fatalf("stem ends with a dot or space: %q", name)
	}
	if reserved(stem) {
		t.Fatalf("reserved Windows name: %q", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || (unicode.IsSpace(r) && r != ' ') {
			t.Fatalf("control, format or odd space %U in %q", r, name)
		}
	}
}

func FuzzSafeFileName(f *testing.F) {
	for _, s := range []string{"../../x", "CON", "nul.txt", `a/b\c:d*e?f`, "\x00\x01", "trailing. . .", strings.Repeat("ä", 300), "😀\u202e", "..", ".", " ", "COM1 .txt", "\xff\xfe"} {
		f.Add("INV-1", s)
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, number, client string) {
		name := SafeFileName(number, client)
		checkSafe(t, name)
		if name != SafeFileName(number, client) {
			t.Fatal("not deterministic")
		}
		for _, n := range []int{2, 17, maxVariants} {
			checkSafe(t, finish(fileStem(number, client), n, fileExt, MaxFileNameBytes))
		}
	})
}

func TestFreeNameFitsTheFolder(t *testing.T) {
	sep := string(filepath.Separator)
	base, err := filepath.Abs(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := FreeName(base, "INV-7", "Łódź Bakery", ".xml", 1); err != nil || got != "INV-7 Łódź Bakery.xml" {
		t.Errorf("FreeName in a short folder = %q, %v", got, err)
	}
	if got, _ := FreeName(base, "INV-7", "Łódź Bakery", ".pdf", 3); got != "INV-7 Łódź Bakery (3).pdf" {
		t.Errorf("variant 3 = %q", got)
	}
	client := strings.Repeat("Żółć ", 60)
	for _, room := range []int{30, 60, 120, 200} {
		dir := base + sep + strings.Repeat("d", max(1, MaxPathLength-room-len(base)-1))
		for _, n := range []int{1, 2, 1000} {
			name, err := FreeName(dir, "INV-2026-0001", client, ".pdf", n)
			if err != nil {
				t.Fatalf("room %d, variant %d: %v", room, n, err)
			}
			checkSafe(t, name)
			if p := filepath.Join(dir, name); len(utf16.Encode([]rune(p))) > MaxPathLength {
				t.Errorf("room %d, variant %d: %d units: %s", room, n, len(utf16.Encode([]rune(p))), p)
			}
			if !strings.HasPrefix(name, "INV-2026-0001") {
				t.Errorf("room %d: the number is cut: %q", room, name)
			}
		}
	}
	dir := base + sep + strings.Repeat("d", MaxPathLength-len(base)-10)
	if _, err := FreeName(dir, "INV-1", "A", ".pdf", 1); !errors.Is(err, ErrPathTooLong) {
		t.Errorf("FreeName with no room: %v, want ErrPathTooLong", err)
	}
}
