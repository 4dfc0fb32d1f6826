package einvoice

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// validator finds the official rule sets' runner beside the repository
// (../shared/tools/einvoice-validate, see its README). Without it the
// tests that need it skip loudly, unless SAFEINVOICE_REQUIRE_EINVOICE is
// set (as CI sets it), which makes them fail.
func validator(t *testing.T) string {
	t.Helper()
	path := os.Getenv("EINVOICE_VALIDATE")
	if path == "" {
		root, err := filepath.Abs(filepath.Join("..", "..", "shared", "tools", "einvoice-validate"))
		if err != nil {
			t.Fatal(err)
		}
		path = root
	}
	_, err := os.Stat(path)
	if err == nil {
		_, err = exec.LookPath("java")
	}
	if err != nil {
		msg := "THE OFFICIAL E-INVOICE RULES ARE NOT AVAILABLE (" + path + ", java): " + err.Error()
		if os.Getenv("SAFEINVOICE_REQUIRE_EINVOICE") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return path
}

// validate runs the official rules over files in one call and fails the
// test for every fatal rule.
func validate(t *testing.T, xrechnung bool, files ...string) {
	t.Helper()
	args := []string{"--quiet"}
	if xrechnung {
		args = append(args, "--xrechnung")
	}
	cmd := exec.Command(validator(t), append(args, files...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if strings.Contains(line, ": fatal ") || strings.HasPrefix(line, "einvoice-validate:") {
			t.Error(line)
		}
	}
	if err != nil && !t.Failed() {
		t.Errorf("einvoice-validate: %v\n%s", err, out.String())
	}
}

// writeCorpus writes every corpus invoice in format f into dir.
func writeCorpus(t *testing.T, dir string, f Format) []string {
	t.Helper()
	var files []string
	for _, c := range corpus(t) {
		seller := testSeller()
		if f.UBL() { // Peppol addresses participants, not mailboxes
			seller.Endpoint, seller.EndpointScheme = "4012345000009", "0088"
			c.client.EAddress, c.client.EAddressScheme = c.client.VATID, "9930"
			if c.client.VATID == "" {
				c.client.EAddress, c.client.EAddressScheme = "0614141000005", "0088"
			}
			if c.client.Country == "FR" {
				c.client.EAddressScheme = "9957"
			}
		}
		d, err := Build(&c.inv, c.corrected, c.client, seller)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var buf bytes.Buffer
		if err := Write(&buf, d, f); err != nil {
			t.Fatalf("%s as %s: %v", c.name, f, err)
		}
		path := filepath.Join(dir, c.name+"-"+string(f)+".xml")
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	return files
}

func TestTheCorpusPassesTheOfficialRules(t *testing.T) {
	validator(t)
	dir := t.TempDir()
	if d := os.Getenv("EINVOICE_KEEP"); d != "" {
		dir = d
	}
	var plain, xr []string
	for _, f := range Formats {
		files := writeCorpus(t, dir, f)
		if f.XRechnung() {
			xr = append(xr, files...)
		} else {
			plain = append(plain, files...)
		}
	}
	validate(t, false, plain...)
	validate(t, true, xr...)
}
