package cli

import (
	"os"
	"regexp"
	"testing"
)

// appVersion is the version in FyneApp.toml, the one source of the
// version: the builds (Makefile, scripts/windows-dist) pass it to Version
// with -ldflags, and fyne package writes it into the Windows exe.
func appVersion(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"\s*$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("FyneApp.toml has no Version")
	}
	return string(m[1])
}

// A build without -ldflags (go test, go run) says the same version as
// FyneApp.toml.
func TestVersionIsFyneAppVersion(t *testing.T) {
	if want := appVersion(t); Version != want {
		t.Errorf("Version is %q, FyneApp.toml says %q: change the default in cli.go", Version, want)
	}
}
