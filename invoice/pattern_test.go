package invoice

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestPatternFormat(t *testing.T) {
	d := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		pattern string
		seq     uint64
		want    string
	}{
		{"INV-{YYYY}-{SEQ:4}", 1, "INV-2026-0001"},
		{"INV-{YYYY}-{SEQ:4}", 12345, "INV-2026-12345"}, // wider than the width
		{"{YY}{MM}-{SEQ:3}", 7, "2603-007"},
		{"{SEQ:1}", 0, "0"},
		{"{SEQ:12}", 18446744073709551615, "18446744073709551615"},
		{"RE_{YYYY}.{MM}#{SEQ:6}", 42, "RE_2026.03#000042"},
		{"A{SEQ:2}B", 5, "A05B"},
	}
	for _, tt := range tests {
		p, err := ParsePattern(tt.pattern)
		if err != nil {
			t.Fatalf("ParsePattern(%q): %v", tt.pattern, err)
		}
		if got := p.Format(tt.seq, d); got != tt.want {
			t.Errorf("%q.Format(%d) = %q, want %q", tt.pattern, tt.seq, got, tt.want)
		}
		if p.String() != tt.pattern {
			t.Errorf("String() = %q", p.String())
		}
	}
	p, _ := ParsePattern("{YY}-{SEQ:4}")
	if got := p.Format(3, time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)); got != "05-0003" {
		t.Errorf("YY of 2005 = %q", got)
	}
	if p.SeqWidth() != 4 {
		t.Errorf("SeqWidth = %d", p.SeqWidth())
	}
	// The date is taken in its own location: 2026-12-31 23:30 in New York is 2027 in UTC.
	ny := time.FixedZone("EST", -5*3600)
	if got := p.Format(1, time.Date(2026, 12, 31, 23, 30, 0, 0, ny)); got != "26-0001" {
		t.Errorf("local year = %q", got)
	}
}

func TestParsePatternErrors(t *testing.T) {
	tests := []struct{ pattern, msg string }{
		{"", "empty"},
		{"INV-{YYYY}", "no {SEQ:n}"},
		{"INV-{SEQ:4}-{SEQ:2}", "more than one {SEQ:n}"},
		{"INV-{SEQ}", "needs a width"},
		{"INV-{SEQ:0}", "bad width"},
		{"INV-{SEQ:13}", "bad width"},
		{"INV-{SEQ:04}", "bad width"},
		{"INV-{SEQ:x}", "bad width"},
		{"INV-{SEQ:-1}", "bad width"},
		{"INV-{DD}-{SEQ:4}", "unknown token {DD}"},
		{"INV-{yyyy}-{SEQ:4}", "unknown token {yyyy}"},
		{"INV-{}-{SEQ:4}", "unknown token {}"},
		{"INV-{YYYY-{SEQ:4}", "unclosed"},
		{"INV-{SEQ:4", "unclosed"},
		{"INV-}{SEQ:4}", "without"},
		{"INV/{SEQ:4}", "unsafe in file names"},
		{`INV\{SEQ:4}`, "unsafe in file names"},
		{"INV:{SEQ:4}", "unsafe in file names"},
		{"INV*{SEQ:4}", "unsafe in file names"},
		{"INV?{SEQ:4}", "unsafe in file names"},
		{`INV"{SEQ:4}`, "unsafe in file names"},
		{"INV<{SEQ:4}", "unsafe in file names"},
		{"INV>{SEQ:4}", "unsafe in file names"},
		{"INV|{SEQ:4}", "unsafe in file names"},
		{"INV {SEQ:4}", "space"},
		{"INV\x00{SEQ:4}", "not allowed"},
		{"RÉ-{SEQ:4}", `'É'`},
		{"-{SEQ:4}", "must not start"},
		{".{SEQ:4}", "must not start"},
		{"{SEQ:4}.", "must not end"},
		{strings.Repeat("A", 60) + "{SEQ:4}", "longer than"},
	}
	for _, tt := range tests {
		_, err := ParsePattern(tt.pattern)
		if !errors.Is(err, ErrPattern) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ParsePattern(%q) error %v, want ErrPattern mentioning %q", tt.pattern, err, tt.msg)
		}
	}
}

func TestPatternJSON(t *testing.T) {
	type settings struct {
		Numbering Pattern `json:"numbering"`
	}
	p, err := ParsePattern(DefaultPattern)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(settings{p})
	if err != nil || string(b) != `{"numbering":"INV-{YYYY}-{SEQ:4}"}` {
		t.Fatalf("marshal: %s, %v", b, err)
	}
	var s settings
	if err := json.Unmarshal(b, &s); err != nil || s.Numbering.String() != DefaultPattern || s.Numbering.SeqWidth() != 4 {
		t.Fatalf("unmarshal: %+v, %v", s, err)
	}
	if err := json.Unmarshal([]byte(`{"numbering":"INV/{SEQ:4}"}`), &s); !errors.Is(err, ErrPattern) {
		t.Fatalf("bad pattern accepted: %v", err)
	}
	if _, err := json.Marshal(settings{}); err == nil {
		t.Fatal("zero pattern marshalled")
	}
}

// FuzzParsePattern checks that the parser never panics, that every error
// wraps ErrPattern, and that an accepted pattern formats file-name-safe
// numbers that contain the sequence.
func FuzzParsePattern(f *testing.F) {
	for _, s := range []string{DefaultPattern, "{YY}{MM}-{SEQ:3}", "{SEQ:12}", "{SEQ:13}", "INV-{SEQ}", "{{SEQ:4}}", "A}{SEQ:1}", "{", "}", "INV/{SEQ:4}", "RÉ-{SEQ:4}", "{SEQ:4}{SEQ:4}", "-{SEQ:1}", "{SEQ:1}."} {
		f.Add(s, uint64(7), int64(1767225600))
	}
	f.Fuzz(func(t *testing.T, s string, seq uint64, unix int64) {
		p, err := ParsePattern(s)
		if err != nil {
			if !errors.Is(err, ErrPattern) {
				t.Fatalf("ParsePattern(%q): error %v does not wrap ErrPattern", s, err)
			}
			return
		}
		if p.String() != s || p.SeqWidth() < 1 || p.SeqWidth() > MaxSeqWidth || strings.Count(s, "{SEQ:") != 1 {
			t.Fatalf("ParsePattern(%q) accepted: %+v", s, p)
		}
		date := time.Unix(unix%253402300799, 0).UTC()
		n := p.Format(seq, date)
		if n == "" || strings.ContainsAny(n, "/\\:*?\"<>| {}\x00") || n[0] == '-' || n[0] == '.' || strings.HasSuffix(n, ".") {
			t.Fatalf("pattern %q formats unsafe number %q", s, n)
		}
		if !strings.Contains(n, strings.TrimLeft(strings.Repeat("0", p.SeqWidth())+strconv.FormatUint(seq, 10), "0")) {
			t.Fatalf("pattern %q seq %d: %q lacks the sequence", s, seq, n)
		}
		q, err := ParsePattern(p.String())
		if err != nil || q.Format(seq, date) != n {
			t.Fatalf("re-parse of %q: %v", s, err)
		}
	})
}

func TestPatternSeqIsFormatsInverse(t *testing.T) {
	dates := []time.Time{time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), time.Date(1999, 1, 31, 0, 0, 0, 0, time.UTC)}
	for _, raw := range []string{DefaultPattern, "{YYYY}{MM}{SEQ:3}", "CN-{YY}.{SEQ:1}", "{SEQ:6}", "R#{SEQ:2}-{MM}"} {
		p, err := ParsePattern(raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dates {
			for _, n := range []uint64{1, 7, 99, 100, 1000, 123456789} {
				number := p.Format(n, d)
				if got, ok := p.Seq(number); !ok || got != n {
					t.Errorf("%s: Seq(%q) = %d, %v; want %d", raw, number, got, ok, n)
				}
			}
		}
	}
	p, _ := ParsePattern(DefaultPattern)
	for _, other := range []string{"", "INV-2026-", "INV-2026-0000", "INV-2026-07", "INV-2026-00007", "CN-2026-0007", "INV-2026-0007x", "inv-2026-0007"} {
		if n, ok := p.Seq(other); ok {
			t.Errorf("Seq(%q) = %d, true; want false", other, n)
		}
	}
	q, _ := ParsePattern("{YYYY}{MM}{SEQ:3}")
	if n, ok := q.Seq("202613001"); ok {
		t.Errorf("month 13 parsed as %d", n)
	}
}
