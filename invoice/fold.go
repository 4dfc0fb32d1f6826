package invoice

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s and strips diacritics, so that "muller" finds
// "Müller" and "lodz" finds "Łódź".
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch r {
		case 'ł', 'Ł':
			r = 'l'
		case 'ø', 'Ø':
			r = 'o'
		case 'đ', 'Đ':
			r = 'd'
		case 'ß':
			b.WriteString("ss")
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// ClientKey is what makes two clients the same client: the name folded
// (Fold) and the email address in lower case, both trimmed. An import
// reuses a client of the vault with the same key instead of adding another.
func ClientKey(name, email string) string {
	return Fold(strings.TrimSpace(name)) + "\x00" + strings.ToLower(strings.TrimSpace(email))
}
