package invoice

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultPattern is the numbering pattern used until the user sets one.
const DefaultPattern = "INV-{YYYY}-{SEQ:4}"

// MaxPatternLen is the longest pattern accepted, in bytes.
const MaxPatternLen = 64

// MaxSeqWidth is the widest {SEQ:n} accepted.
const MaxSeqWidth = 12

// Pattern is a parsed invoice-number pattern such as "INV-{YYYY}-{SEQ:4}".
// It holds literal text and the tokens {YYYY} (four-digit year of the issue
// date), {YY} (two-digit year), {MM} (two-digit month) and exactly one
// {SEQ:n} (the sequence number, zero-padded to n digits, 1 <= n <= 12).
//
// The sequence is global and gap-free: it never resets per year or month,
// even when the pattern shows the year. The storage layer owns the counter
// and hands each issued invoice the next value; Pattern only formats it.
// Since literal text is limited to ASCII letters, digits and "-", "_", ".",
// "#", and a pattern may not start with "-" or "." nor end with ".", every
// number it formats is a safe file name on Windows, macOS and Linux, and
// is never mistaken for a command-line flag.
//
// The zero Pattern is not valid; use ParsePattern. A Pattern is immutable
// and safe for concurrent use.
type Pattern struct {
	raw   string
	parts []patternPart
	width int
}

type tokenKind uint8

const (
	tokLiteral tokenKind = iota
	tokYYYY
	tokYY
	tokMM
	tokSeq
)

type patternPart struct {
	kind    tokenKind
	literal string
}

// ParsePattern parses s. It rejects, with an error wrapping ErrPattern and
// saying what is wrong and where: an empty or over-long pattern, an unknown
// token, an unclosed "{" or a stray "}", a missing {SEQ:n} or more than
// one, a width outside 1..12, characters outside the allowed literal set
// (in particular / \ : * ? " < > | and spaces, which are unsafe in file
// names), and a leading "-" or "." or trailing ".".
func ParsePattern(s string) (Pattern, error) {
	bad := func(format string, args ...any) (Pattern, error) {
		return Pattern{}, fmt.Errorf("%w %q: %s", ErrPattern, truncate(s, MaxPatternLen+8), fmt.Sprintf(format, args...))
	}
	if s == "" {
		return bad("empty; try %s", DefaultPattern)
	}
	if len(s) > MaxPatternLen {
		return bad("longer than %d characters", MaxPatternLen)
	}
	p := Pattern{raw: s}
	seqs := 0
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.parts = append(p.parts, patternPart{kind: tokLiteral, literal: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return bad("unclosed \"{\" at position %d", i+1)
			}
			tok := s[i+1 : i+end]
			if strings.ContainsRune(tok, '{') {
				return bad("unclosed \"{\" at position %d", i+1)
			}
			flush()
			switch {
			case tok == "YYYY":
				p.parts = append(p.parts, patternPart{kind: tokYYYY})
			case tok == "YY":
				p.parts = append(p.parts, patternPart{kind: tokYY})
			case tok == "MM":
				p.parts = append(p.parts, patternPart{kind: tokMM})
			case tok == "SEQ":
				return bad("{SEQ} needs a width, like {SEQ:4}")
			case strings.HasPrefix(tok, "SEQ:"):
				w := tok[len("SEQ:"):]
				n, err := strconv.Atoi(w)
				if err != nil || n < 1 || n > MaxSeqWidth || strconv.Itoa(n) != w {
					return bad("bad width %q in {%s}: want a number from 1 to %d", w, tok, MaxSeqWidth)
				}
				seqs++
				if seqs > 1 {
					return bad("more than one {SEQ:n}")
				}
				p.width = n
				p.parts = append(p.parts, patternPart{kind: tokSeq})
			default:
				return bad("unknown token {%s} (known: {YYYY}, {YY}, {MM}, {SEQ:n})", tok)
			}
			i += end + 1
		case c == '}':
			return bad("\"}\" without \"{\" at position %d", i+1)
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == '#':
			lit.WriteByte(c)
			i++
		case strings.IndexByte(`/\:*?"<>|`, c) >= 0:
			return bad("character %q at position %d is unsafe in file names", c, i+1)
		case c == ' ' || c == '\t':
			return bad("space at position %d; use \"-\" or \"_\"", i+1)
		default:
			r, _ := utf8.DecodeRuneInString(s[i:])
			return bad("character %q at position %d not allowed; use letters, digits, \"-\", \"_\", \".\" or \"#\"", r, i+1)
		}
	}
	flush()
	if seqs == 0 {
		return bad("no {SEQ:n}; the sequence number is required, like %s", DefaultPattern)
	}
	if s[0] == '-' || s[0] == '.' {
		return bad("must not start with %q", s[0])
	}
	if s[len(s)-1] == '.' {
		return bad("must not end with \".\"")
	}
	return p, nil
}

// truncate returns s cut to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// String returns the pattern as it was parsed.
func (p Pattern) String() string { return p.raw }

// SeqWidth returns n of the pattern's {SEQ:n}; 0 for the zero Pattern.
func (p Pattern) SeqWidth() int { return p.width }

// Format returns the number for sequence value seq and the invoice's issue
// date: {YYYY}, {YY} and {MM} come from issueDate's calendar date in its
// own location ({YYYY} prints the last four digits of years outside
// 0–9999, which ParseDate never yields); {SEQ:n} is seq zero-padded to n digits, and simply longer
// when seq needs more than n digits (pattern {SEQ:2}, seq 100 → "100").
// Sequences start at 1; seq 0 formats as zeros. The zero Pattern formats
// as "".
func (p Pattern) Format(seq uint64, issueDate time.Time) string {
	var b strings.Builder
	y, m, _ := issueDate.Date()
	for _, part := range p.parts {
		switch part.kind {
		case tokLiteral:
			b.WriteString(part.literal)
		case tokYYYY:
			fmt.Fprintf(&b, "%04d", ((y%10000)+10000)%10000)
		case tokYY:
			fmt.Fprintf(&b, "%02d", ((y%100)+100)%100)
		case tokMM:
			fmt.Fprintf(&b, "%02d", int(m))
		case tokSeq:
			fmt.Fprintf(&b, "%0*d", p.width, seq)
		}
	}
	return b.String()
}

// MarshalText returns the pattern text, for settings stored as JSON.
func (p Pattern) MarshalText() ([]byte, error) {
	if p.parts == nil {
		return nil, fmt.Errorf("%w: zero pattern", ErrPattern)
	}
	return []byte(p.raw), nil
}

// UnmarshalText parses text with ParsePattern.
func (p *Pattern) UnmarshalText(text []byte) error {
	q, err := ParsePattern(string(text))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// Seq returns the sequence value that number was formatted with, and
// whether number is one this pattern formats at all: Seq(Format(n, d))
// is n for every n >= 1 and date d. A number written under another
// pattern gives false.
func (p Pattern) Seq(number string) (uint64, bool) {
	if p.parts == nil {
		return 0, false
	}
	var re strings.Builder
	re.WriteString("^")
	for _, part := range p.parts {
		switch part.kind {
		case tokLiteral:
			re.WriteString(regexp.QuoteMeta(part.literal))
		case tokYYYY:
			re.WriteString(`(\d{4})`)
		case tokYY, tokMM:
			re.WriteString(`(\d{2})`)
		case tokSeq:
			fmt.Fprintf(&re, `(?P<seq>\d{%d,20})`, p.width)
		}
	}
	re.WriteString("$")
	rx, err := regexp.Compile(re.String())
	if err != nil {
		return 0, false
	}
	m := rx.FindStringSubmatch(number)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseUint(m[rx.SubexpIndex("seq")], 10, 64)
	if err != nil || n == 0 {
		return 0, false
	}
	// The fields around the sequence must be a date's, and the number
	// exactly what Format writes (no extra leading zeros).
	year, month := 2000, time.January
	i := 1
	for _, part := range p.parts {
		switch part.kind {
		case tokYYYY:
			year, _ = strconv.Atoi(m[i])
			i++
		case tokYY:
			yy, _ := strconv.Atoi(m[i])
			year = 2000 + yy
			i++
		case tokMM:
			mm, _ := strconv.Atoi(m[i])
			month = time.Month(mm)
			i++
		case tokSeq:
			i++
		}
	}
	if month < time.January || month > time.December {
		return 0, false
	}
	if p.Format(n, time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)) != number {
		return 0, false
	}
	return n, true
}
