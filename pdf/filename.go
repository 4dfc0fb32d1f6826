package pdf

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxFileNameBytes is the longest name, in bytes of UTF-8, that
// SafeFileName returns, extension included. It stays well below the 255
// bytes (Linux, macOS) or 255 UTF-16 units (Windows) of a file name, with
// room for the " (N)" that Export adds to avoid an existing file.
const MaxFileNameBytes = 180

// fileExt is the extension of every exported file.
const fileExt = ".pdf"

// SafeFileName returns the file name, with the ".pdf" extension, of a
// document with the given number and client name, such as
// "INV-2026-0001 Müller & Söhne KG.pdf". Whatever the input, the result
//
//   - is valid UTF-8 in Unicode normalization form C, and not empty;
//   - contains no path separator (/ or \), no character Windows forbids
//     (< > : " | ? *), no control or format character (bidirectional
//     overrides included), and no other character outside letters, marks,
//     digits, punctuation, symbols and plain spaces: each is replaced by
//     "_" (format characters are dropped);
//   - does not start with a dot, a space or a dash, and its stem does not
//     end with a dot or a space;
//   - is not a name Windows reserves (CON, PRN, AUX, NUL, COM0–COM9,
//     LPT0–LPT9 and their superscript-digit forms, CONIN$, CONOUT$), with
//     or without extension, in any case: such a name gets a leading "_";
//   - is at most MaxFileNameBytes long, cut on a character boundary;
//
// so that filepath.Join(dir, SafeFileName(...)) always names a file
// directly inside dir, on Windows, macOS and Linux. Letters of any script
// are kept. Runs of spaces collapse into one.
func SafeFileName(number, clientName string) string {
	return finish(fileStem(number, clientName), 0)
}

// fileStem is the sanitized "number client" from which SafeFileName and
// Export's numbered variants are made.
func fileStem(number, clientName string) string {
	return strings.TrimSpace(sanitize(number)) + " " + strings.TrimSpace(sanitize(clientName))
}

// sanitize replaces or drops every character that is unsafe in a file name
// and collapses white space.
func sanitize(s string) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, "_"))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == ' ' || unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		case unicode.Is(unicode.Cf, r):
			continue // zero-width and bidirectional controls: dropped
		case strings.ContainsRune(`/\<>:"|?*`, r):
			b.WriteByte('_')
		case unicode.IsControl(r), r == utf8.RuneError:
			b.WriteByte('_')
		case unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S):
			b.WriteRune(r)
		default: // unassigned, private use, surrogates, other separators
			b.WriteByte('_')
		}
		space = false
	}
	return b.String()
}

// finish turns a sanitized stem into the final name: trims it, protects its
// start, adds " (n)" when n > 1, cuts it so that the whole name fits in
// MaxFileNameBytes, adds the extension and avoids reserved names.
func finish(stem string, n int) string {
	suffix := ""
	if n > 1 {
		suffix = " (" + strconv.Itoa(n) + ")"
	}
	stem = trimStem(stem)
	if strings.HasPrefix(stem, "-") {
		stem = "_" + stem[1:]
	}
	if stem == "" {
		stem = "invoice"
	}
	limit := MaxFileNameBytes - len(fileExt) - len(suffix) - 1 // 1: room for a "_" prefix
	if len(stem) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(stem[cut]) {
			cut--
		}
		stem = trimStem(stem[:cut])
		if stem == "" {
			stem = "invoice"
		}
	}
	if reserved(stem) {
		stem = "_" + stem
	}
	return stem + suffix + fileExt
}

// trimStem removes the spaces and dots that may not end a Windows name and
// the spaces and dots that would hide a file or climb a folder at its
// start.
func trimStem(s string) string {
	s = strings.TrimRight(s, " .")
	return strings.TrimLeft(s, " .")
}

// reserved reports whether a Windows device name is the part of the stem
// before its first dot (Windows ignores the extension, and trailing spaces
// before it, so "nul.txt" and "CON .x" are devices too).
func reserved(stem string) bool {
	base, _, _ := strings.Cut(stem, ".")
	base = strings.ToUpper(strings.TrimRight(base, " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(base) >= 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) {
		switch base[3:] {
		case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	}
	return false
}
