package assets

import (
	"bytes"
	"strings"
	"testing"
)

// TestFontsAreTrueType checks that the font is TrueType (glyf outlines,
// which gofpdf can subset) and that the licence travels with it.
func TestFontsAreTrueType(t *testing.T) {
	for name, b := range map[string][]byte{"regular": FontRegular} {
		if len(b) < 100_000 {
			t.Errorf("%s font is only %d bytes", name, len(b))
		}
		if !bytes.HasPrefix(b, []byte{0, 1, 0, 0}) {
			t.Errorf("%s font does not start with the TrueType version tag", name)
		}
		if !bytes.Contains(b[:1024], []byte("glyf")) {
			t.Errorf("%s font has no glyf table", name)
		}
	}
	if !strings.Contains(FontLicense, "SIL OPEN FONT LICENSE Version 1.1") {
		t.Error("font licence text is missing")
	}
}
