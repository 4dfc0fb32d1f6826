package localefix

import "testing"

func TestNeedsFix(t *testing.T) {
	for locale, want := range map[string]bool{
		"C.UTF-8": true, "C.utf8": true, "POSIX.UTF-8": true, "C@euro": true,
		"C": false, "POSIX": false, "": false, "en_US.UTF-8": false, "de_DE": false, "Ca_ES": false,
	} {
		if got := NeedsFix(locale); got != want {
			t.Errorf("NeedsFix(%q) = %v, want %v", locale, got, want)
		}
	}
}
