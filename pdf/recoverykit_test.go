package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// A key pair made by age-keygen, for tests only.
const (
	testIdentity  = "AGE-SECRET-KEY-14SLNZ9XF5RCP6DLFSJ8Y6C5TNQ8SW396SEYX0R64VUKUNWCNGQWSPGHKP6"
	testRecipient = "age1f60dhgpldulx5nlk936z8fjfk422yru4dyyqw8evruta6ktdtslqpg9gmf"
)

func testKit() KitInfo {
	return KitInfo{
		Business:  "Nordlicht Design GmbH",
		VaultID:   "3f2a9c1e77aa4b6e9d2e0c5a6b1f8e21",
		Created:   fixedDate,
		Identity:  testIdentity,
		Recipient: testRecipient,
	}
}

// writeKit renders k into a temporary file and returns its path.
func writeKit(t *testing.T, k KitInfo) string {
	t.Helper()
	b, err := RecoveryKit(k)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b[:min(len(b), 16)])
	}
	path := filepath.Join(t.TempDir(), "kit.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// pageCount returns the number of pages pdfinfo reports.
func pageCount(t *testing.T, path string) string {
	t.Helper()
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(run(t, "pdfinfo", path))
	if m == nil {
		t.Fatal("pdfinfo shows no page count")
	}
	return m[1]
}

// TestRecoveryKitText reads the kit back with pdftotext: the key comes back
// exactly, on a line of its own, with the details and the instructions.
func TestRecoveryKitText(t *testing.T) {
	needTool(t, "pdftotext", "poppler-utils")
	needTool(t, "pdfinfo", "poppler-utils")
	k := testKit()
	path := writeKit(t, k)
	txt := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	keyLines := 0
	for _, l := range strings.Split(txt, "\n") {
		if strings.TrimSpace(l) == k.Identity {
			keyLines++
		}
	}
	if keyLines != 1 {
		t.Errorf("the key %s is on %d lines of its own, want 1:\n%s", k.Identity, keyLines, txt)
	}
	flat := normSpace(txt)
	for _, want := range []string{
		KitTitle, k.Business, "2026-11-02", k.VaultID, k.Recipient,
		"Anyone who has this key can read every backup",
		"safeinvoice restore --from BACKUP --recovery-key key.txt",
		"age -d -i key.txt -o books.bak FILE",
		"badger restore --dir NEW -f books.bak",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the text lacks %q:\n%s", want, txt)
		}
	}
	// The grouped copy, to type by hand, in rows of five groups of four.
	layout := normSpace(run(t, "pdftotext", "-layout", path, "-"))
	for _, want := range []string{"4SLN Z9XF 5RCP 6DLF SJ8Y", "6C5T NQ8S W396 SEYX 0R64", "VUKU NWCN GQWS PGHK P6"} {
		if !strings.Contains(layout, want) {
			t.Errorf("the layout text lacks the groups %q:\n%s", want, layout)
		}
	}
	if n := pageCount(t, path); n != "1" {
		t.Errorf("the kit has %s pages, want 1", n)
	}
	info := run(t, "pdfinfo", "-isodates", path)
	for _, w := range []string{"Title:           " + KitTitle, "Creator:         SafeInvoice", "CreationDate:    2026-11-02T09:30:00", "ModDate:         2026-11-02T09:30:00"} {
		if !strings.Contains(info, w) {
			t.Errorf("pdfinfo lacks %q:\n%s", w, info)
		}
	}
	if strings.Contains(info, "AGE-SECRET") || strings.Contains(info, k.Business) {
		t.Errorf("the metadata holds more than the title:\n%s", info)
	}
}

// TestRecoveryKitWideKey checks that a key made of the widest letters still
// fits on one line and comes back whole: the key's size is measured, not
// guessed.
func TestRecoveryKitWideKey(t *testing.T) {
	needTool(t, "pdftotext", "poppler-utils")
	for _, c := range []string{"W", "M", "0", "L"} {
		k := testKit()
		k.Identity = identityPrefix + strings.Repeat(c, 58)
		txt := run(t, "pdftotext", writeKit(t, k), "-")
		if !regexp.MustCompile(`(?m)^\s*` + k.Identity + `\s*$`).MatchString(txt) {
			t.Errorf("%s: the key does not come back on one line:\n%s", c, txt)
		}
	}
}

// TestRecoveryKitQR renders the page to an image and decodes its QR code
// with zbarimg: it must give back the key exactly.
func TestRecoveryKitQR(t *testing.T) {
	needTool(t, "pdftoppm", "poppler-utils")
	needTool(t, "zbarimg", "zbar-tools")
	path := writeKit(t, testKit())
	for _, dpi := range []string{"100", "200"} {
		prefix := filepath.Join(t.TempDir(), "page")
		run(t, "pdftoppm", "-png", "-r", dpi, "-singlefile", path, prefix)
		// zbarimg may print D-Bus noise on standard error; the code is on
		// standard output.
		out, err := exec.Command("zbarimg", "--raw", "-q", prefix+".png").Output()
		if err != nil {
			t.Fatalf("%s dpi: zbarimg found no code: %v", dpi, err)
		}
		if got := strings.TrimRight(string(out), "\n"); got != testIdentity {
			t.Errorf("%s dpi: the QR code reads %q, want %q", dpi, got, testIdentity)
		}
	}
}

// TestRecoveryKitFonts checks that the only font is the embedded Noto Sans.
func TestRecoveryKitFonts(t *testing.T) {
	needTool(t, "pdffonts", "poppler-utils")
	out := run(t, "pdffonts", writeKit(t, testKit()))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("want exactly one font:\n%s", out)
	}
	if f := strings.Fields(lines[2]); !strings.Contains(strings.ToLower(lines[2]), "notosans") || f[len(f)-5] != "yes" {
		t.Errorf("font not the embedded Noto Sans: %s", lines[2])
	}
}

func TestRecoveryKitDeterministic(t *testing.T) {
	a, err := RecoveryKit(testKit())
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		b, err := RecoveryKit(testKit())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatal("two renderings of the same kit differ")
		}
	}
	k := testKit()
	k.Created = k.Created.AddDate(0, 0, 1)
	b, err := RecoveryKit(k)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Error("another date gives the same bytes")
	}
}

// TestRecoveryKitOptional checks a kit without business, vault id or
// public key, and one with a hostile business name, stay on one page.
func TestRecoveryKitOptional(t *testing.T) {
	needTool(t, "pdftotext", "poppler-utils")
	needTool(t, "pdfinfo", "poppler-utils")
	for name, k := range map[string]KitInfo{
		"bare":    {Identity: testIdentity, Created: fixedDate},
		"hostile": {Identity: testIdentity, Created: fixedDate, Business: strings.Repeat("Łódź\n", 30) + strings.Repeat("X", 400), VaultID: strings.Repeat("v", 300)},
	} {
		path := writeKit(t, k)
		if n := pageCount(t, path); n != "1" {
			t.Errorf("%s: %s pages, want 1", name, n)
		}
		if txt := run(t, "pdftotext", path, "-"); !strings.Contains(txt, testIdentity) {
			t.Errorf("%s: the key is missing:\n%s", name, txt)
		}
	}
}

func TestRecoveryKitRejects(t *testing.T) {
	for name, k := range map[string]KitInfo{
		"empty":       {},
		"lower case":  {Identity: strings.ToLower(testIdentity)},
		"short":       {Identity: testIdentity[:len(testIdentity)-1]},
		"letter B":    {Identity: testIdentity[:len(testIdentity)-1] + "B"},
		"space":       {Identity: " " + testIdentity},
		"recipient":   {Identity: testIdentity, Recipient: "age1short"},
		"public only": {Identity: testRecipient},
	} {
		if _, err := RecoveryKit(k); !errors.Is(err, ErrKitKey) {
			t.Errorf("%s: err = %v, want ErrKitKey", name, err)
		}
	}
}

func ExampleRecoveryKit() {
	b, err := RecoveryKit(KitInfo{
		Business:  "Nordlicht Design GmbH",
		VaultID:   "3f2a9c1e77aa4b6e9d2e0c5a6b1f8e21",
		Created:   time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC),
		Identity:  "AGE-SECRET-KEY-14SLNZ9XF5RCP6DLFSJ8Y6C5TNQ8SW396SEYX0R64VUKUNWCNGQWSPGHKP6",
		Recipient: "age1f60dhgpldulx5nlk936z8fjfk422yru4dyyqw8evruta6ktdtslqpg9gmf",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(b[:5]))
	_, err = RecoveryKit(KitInfo{Identity: "age1f60dhgpldulx5nlk936z8fjfk422yru4dyyqw8evruta6ktdtslqpg9gmf"})
	fmt.Println(errors.Is(err, ErrKitKey))
	// Output:
	// %PDF-
	// true
}
