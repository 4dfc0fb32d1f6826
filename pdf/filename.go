package pdf

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxFileNameBytes is the longest name, in bytes of UTF-8, that
// SafeFileName returns, extension included. It stays well below the 255
// bytes (Linux, macOS) or 255 UTF-16 units (Windows) of a file name, with
// room for the " (N)" that Export adds to avoid an existing file.
const MaxFileNameBytes = 180

// MaxPathLength is the longest full path, in UTF-16 units, that Export and
// FreeName give a file: Windows' MAX_PATH (260) less its terminating NUL.
// SafeInvoice itself could write longer paths, but Explorer, mail programs
// and many PDF viewers on Windows cannot open them; a name is shortened to
// fit, and a folder whose own path leaves too little room is refused with
// ErrPathTooLong.
const MaxPathLength = 259

// minStemBytes is the least of a name's stem that a folder must leave room
// for, so that a shortened name still says which invoice it holds.
const minStemBytes = 16

// ErrPathTooLong is returned when a folder's path is so long that no
// recognisable file name fits in MaxPathLength.
var ErrPathTooLong = errors.New("folder path too long for its file names")

// fileExt is the extension of every exported PDF.
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
	return finish(fileStem(number, clientName), 0, fileExt, MaxFileNameBytes)
}

// FreeName returns the name of variant n (1: the plain name; 2 and more:
// "name (n)") with extension ext of the document with the given number and
// client name, to be written in dir: SafeFileName's name with ext,
// shortened where needed so that the whole path, dir made absolute,
// stays within MaxPathLength. It fails with ErrPathTooLong when dir leaves
// less than minStemBytes for the name's stem. To try variant after variant,
// use FreeNames, which does the work common to them once.
func FreeName(dir, number, clientName, ext string, n int) (string, error) {
	names, err := FreeNames(dir, number, clientName, ext)
	if err != nil {
		return "", err
	}
	return names.Variant(n), nil
}

// Names are the name variants of one document in one folder (FreeNames).
type Names struct {
	stem, ext string
	limit     int
}

// FreeNames prepares FreeName's names of a document in dir, with the same
// error.
func FreeNames(dir, number, clientName, ext string) (Names, error) {
	limit, err := nameRoom(dir)
	if err != nil {
		return Names{}, err
	}
	return Names{stem: fileStem(number, clientName), ext: ext, limit: limit}, nil
}

// Variant is FreeName's variant n.
func (ns Names) Variant(n int) string { return finish(ns.stem, n, ns.ext, ns.limit) }

// nameRoom is how many bytes a file name in dir may have so that its full
// path stays within MaxPathLength UTF-16 units (a UTF-8 name never has more
// UTF-16 units than bytes), at most MaxFileNameBytes.
func nameRoom(dir string) (int, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return 0, fmt.Errorf("folder %s: %w", dir, err)
	}
	used := len(utf16.Encode([]rune(abs))) + 1 // the separator before the name
	room := min(MaxFileNameBytes, MaxPathLength-used)
	if room < minStemBytes+len(" (1000)")+len(".xml")+1 {
		return 0, fmt.Errorf("%s: its path has %d characters, which leaves no room for a file name within %d: choose a folder with a shorter path: %w",
			abs, used-1, MaxPathLength, ErrPathTooLong)
	}
	return room, nil
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
// maxBytes, adds the extension ext and avoids reserved names.
func finish(stem string, n int, ext string, maxBytes int) string {
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
	limit := maxBytes - len(ext) - len(suffix) - 1 // 1: room for a "_" prefix
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
	return stem + suffix + ext
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
