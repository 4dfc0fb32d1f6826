package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const testPassword = "correct horse battery staple"

func encryptedFixture(t *testing.T) (fixture, string) {
	t.Helper()
	f := fixtures(t)[0]
	f.opts.Password = testPassword
	b, err := Render(f.doc, f.seller, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(f.doc.Client.Name)) || bytes.Contains(b, []byte("discovery workshop")) {
		t.Fatal("the encrypted file shows client data in clear")
	}
	path := filepath.Join(t.TempDir(), "locked.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return f, path
}

// TestPasswordAES256 checks with qpdf that a password-protected PDF uses
// AES-256 (security handler revision 6), that the password opens it and
// that another password does not.
func TestPasswordAES256(t *testing.T) {
	needTool(t, "qpdf", "qpdf")
	f, path := encryptedFixture(t)

	// AESv3 is AES-256 (V = 5). pdfcpu v0.6.0 writes security handler
	// revision 5; revision 6 (PDF 2.0) would also be accepted.
	out := run(t, "qpdf", "--show-encryption", "--password="+testPassword, path)
	if !strings.Contains(out, "R = 5") && !strings.Contains(out, "R = 6") {
		t.Errorf("qpdf --show-encryption shows no AES-256 revision (R = 5 or 6):\n%s", out)
	}
	for _, w := range []string{"stream encryption method: AESv3", "string encryption method: AESv3", "file encryption method: AESv3", "Supplied password is user password"} {
		if !strings.Contains(out, w) {
			t.Errorf("qpdf --show-encryption lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "RC4") {
		t.Errorf("RC4 in use:\n%s", out)
	}
	if out := run(t, "qpdf", "--check", "--password="+testPassword, path); !strings.Contains(out, "No syntax or stream encoding errors") {
		t.Errorf("qpdf --check:\n%s", out)
	}
	if err := exec.Command("qpdf", "--check", "--password=wrong", path).Run(); err == nil {
		t.Error("a wrong password opens the file")
	}
	if err := exec.Command("qpdf", "--check", path).Run(); err == nil {
		t.Error("the file opens without a password")
	}

	needTool(t, "pdftotext", "poppler-utils")
	text := normSpace(run(t, "pdftotext", "-enc", "UTF-8", "-upw", testPassword, path, "-"))
	for _, w := range []string{f.doc.Invoice.Number, f.doc.Client.Name, "Website redesign — discovery workshop"} {
		if !strings.Contains(text, w) {
			t.Errorf("%q missing from the decrypted text", w)
		}
	}
}
