package auth

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// lengthOnly is a policy that checks nothing but length, to isolate it.
func lengthOnly(n int) Policy {
	p := DefaultPolicy()
	p.MinLength, p.MinStrength, p.HistorySize = n, 0, 0
	return p
}

func wantRule(t *testing.T, err error, rule Rule) {
	t.Helper()
	if rule == "" {
		if err != nil {
			t.Errorf("got %v, want nil", err)
		}
		return
	}
	var pe *PolicyError
	if !errors.As(err, &pe) || !errors.Is(err, ErrPasswordPolicy) {
		t.Errorf("got %v, want *PolicyError %s", err, rule)
		return
	}
	if pe.Rule != rule {
		t.Errorf("rule %s (%v), want %s", pe.Rule, err, rule)
	}
}

func TestCheckPasswordLengthInRunes(t *testing.T) {
	p := lengthOnly(12)
	tests := []struct {
		name, pw string
		rule     Rule
	}{
		{"empty", "", RuleTooShort},
		{"11 ascii", "abcdefghijk", RuleTooShort},
		{"12 ascii", "abcdefghijkl", ""},
		// 11 runes, 33 bytes: bytes do not count.
		{"11 CJK", "日本語のパスワードです", RuleTooShort},
		{"12 CJK", "日本語のパスワードです。", ""},
		// 11 emoji of 4 bytes each.
		{"11 emoji", strings.Repeat("🔑", 11), RuleTooShort},
		{"12 emoji", strings.Repeat("🔑", 12), ""},
		// NFD: 22 runes as typed, 11 after NFKC normalisation.
		{"11 decomposed", strings.Repeat("e\u0301", 11), RuleTooShort},
		{"12 decomposed", strings.Repeat("e\u0301", 12), ""},
		// The ligature "ﬁ" is two characters after NFKC.
		{"ligatures", strings.Repeat("ﬁ", 6), ""},
		{"1024 runes", strings.Repeat("ü", MaxPasswordLength), ""},
		{"1025 runes", strings.Repeat("ü", MaxPasswordLength+1), RuleTooLong},
		{"invalid utf-8", "abcdefghijkl\xff", RuleInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRule(t, p.CheckPassword(tt.pw, PasswordContext{}), tt.rule)
		})
	}
}

func TestCheckPasswordDefaultPolicy(t *testing.T) {
	p := DefaultPolicy()
	long64 := "the quick brown fox jumps over the lazy dog while seven zebras quietly hum"
	long200 := strings.Repeat("Gristle Tanner Quillon Zephyr Fenwick Orchard Lantern Marble ", 4)
	if utf8.RuneCountInString(long64) < 64 || utf8.RuneCountInString(long200) < 200 {
		t.Fatal("test passwords too short")
	}
	tests := []struct {
		name, pw string
		rule     Rule
	}{
		{"passphrase", "correct horse battery staple", ""},
		{"german", "Tänzer am Müllersee", ""},
		{"cjk", "日本語のパスワードです。", ""},
		{"emoji and spaces", "🔑 correct horse 🐎 battery staple ✓", ""},
		{"tabs and symbols", "river\tmoss\u00a0%lantern", ""},
		{"64+", long64, ""},
		{"200+", long200, ""},
		{"200+ repeated", strings.Repeat("a", 200), RuleTooWeak},
		{"200+ non-ascii repeated", strings.Repeat("é", 200), RuleTooWeak},
		{"non-ascii repeated", strings.Repeat("日本", 8), RuleTooWeak},
		{"greek sequence", "αβγδεζηθικλμ", RuleTooWeak},
		{"common", "Password123!", RuleTooWeak},
		{"keyboard", "qwertyuiop12", RuleTooWeak},
		{"short", "Xy7#kq", RuleTooShort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRule(t, p.CheckPassword(tt.pw, PasswordContext{UserName: "mary", BusinessName: "Acme Plumbing"}), tt.rule)
		})
	}
}

func TestCheckPasswordNormalisation(t *testing.T) {
	nfc, nfd := "Café Crème Brûlée", "Cafe\u0301 Cre\u0300me Bru\u0302le\u0301e"
	if nfc == nfd || NormalizePassword(nfd) != nfc || NormalizePassword(nfc) != nfc {
		t.Fatalf("NormalizePassword: %q → %q", nfd, NormalizePassword(nfd))
	}
	if got := NormalizePassword("ＡＢＣ１２３"); got != "ABC123" {
		t.Errorf("full-width: %q", got)
	}
	if got := NormalizePassword("  keep spaces  "); got != "  keep spaces  " {
		t.Errorf("spaces changed: %q", got)
	}
	if got := NormalizePassword("bad\xff"); got != "bad\xff" {
		t.Errorf("invalid utf-8 changed: %q", got)
	}
	// The same password typed NFC then NFD is "the same as the old one".
	p := DefaultPolicy()
	wantRule(t, p.CheckPassword(nfd, PasswordContext{OldPassword: nfc}), RuleSameAsOld)
}

func TestCheckPasswordContextRules(t *testing.T) {
	p := DefaultPolicy()
	t.Run("same as old", func(t *testing.T) {
		wantRule(t, p.CheckPassword("correct horse battery staple", PasswordContext{OldPassword: "correct horse battery staple"}), RuleSameAsOld)
	})
	t.Run("contains user name", func(t *testing.T) {
		wantRule(t, p.CheckPassword("Lantern MARY.JONES orchard", PasswordContext{UserName: "mary.jones"}), RuleContainsUserName)
	})
	t.Run("short user name not checked", func(t *testing.T) {
		wantRule(t, p.CheckPassword("always correct horse staple", PasswordContext{UserName: "al"}), "")
	})
	t.Run("business name makes it weaker", func(t *testing.T) {
		pw := "Zephyrcorp Holdings 77"
		plain, _ := Strength(pw, PasswordContext{})
		ctx := PasswordContext{UserName: "mary", BusinessName: "Zephyrcorp Holdings Ltd"}
		with, hints := Strength(pw, ctx)
		if plain < 3 || with >= plain || with >= 3 {
			t.Fatalf("score %d without business name, %d with", plain, with)
		}
		if hints[0] != hintUserInputs {
			t.Errorf("hints %q", hints)
		}
		wantRule(t, p.CheckPassword(pw, PasswordContext{}), "")
		wantRule(t, p.CheckPassword(pw, ctx), RuleTooWeak)
	})
	t.Run("old password plus a character", func(t *testing.T) {
		old := "Quillonbrook Fenwick"
		wantRule(t, p.CheckPassword(old+"!", PasswordContext{}), "")
		wantRule(t, p.CheckPassword(old+"!", PasswordContext{OldPassword: old}), RuleTooWeak)
	})
	t.Run("strength off", func(t *testing.T) {
		q := p
		q.MinStrength = 0
		wantRule(t, q.CheckPassword("password1234", PasswordContext{}), "")
	})
}

func TestCheckPasswordReuse(t *testing.T) {
	salt := func(b byte) []byte { return []byte(strings.Repeat(string(rune('a'+b)), MinSaltSize)) }
	old := []string{"orchard lantern marble 1", "orchard lantern marble 2", "orchard lantern marble 3"}
	var u User
	for i, pw := range old {
		if err := u.RememberPassword(pw, salt(byte(i)), 24); err != nil {
			t.Fatal(err)
		}
	}
	p := DefaultPolicy()
	ctx := PasswordContext{History: u.PasswordHistory}
	for _, tt := range []struct {
		size int
		pw   string
		rule Rule
	}{
		{5, old[0], RuleReused},
		{5, old[2], RuleReused},
		{5, "orchard lantern marble 4", ""},
		{2, old[0], ""}, // beyond the newest 2
		{2, old[1], RuleReused},
		{0, old[2], ""}, // reuse rule off
	} {
		p.HistorySize = tt.size
		err := p.CheckPassword(tt.pw, ctx)
		wantRule(t, err, tt.rule)
		if err != nil && !strings.Contains(err.Error(), "last 2 passwords") && tt.size == 2 {
			t.Errorf("message %q", err)
		}
	}
}

func TestPolicyErrorMessage(t *testing.T) {
	err := lengthOnly(12).CheckPassword("short", PasswordContext{})
	want := "password is too short: use at least 12 characters, this one has 5; a few unrelated words are long and easy to remember"
	if err == nil || err.Error() != want {
		t.Fatalf("got %q, want %q", err, want)
	}
	err = DefaultPolicy().CheckPassword("Password123!", PasswordContext{})
	if err == nil || !strings.HasPrefix(err.Error(), "password is too easy to guess: strength 1 of 4, at least 3 needed: avoid common passwords") {
		t.Fatalf("got %q", err)
	}
	secret := "Password123!"
	if strings.Contains(err.Error(), secret) {
		t.Fatal("error contains the password")
	}
}

func TestStrengthHints(t *testing.T) {
	tests := []struct {
		pw   string
		hint string
	}{
		{"zxcvbnm,./asdf", hintSpatial},
		{"abcdefghijklmnop", hintSequence},
		{"aaaaaaaaaaaaaaaa", hintRepeat},
		{"12/25/1991", hintDates},
		{"jennifersmith", hintNames},
		{"BASKETBALL", hintCapitals},
		{"BASKETBALL", hintWords},
		{"Basketball1998", hintYears},
		{"Password123!", hintCommon},
		{"αβγδεζηθικλμ", hintSequence},
		{strings.Repeat("é", 12), hintRepeat},
		{"bad\xff", hintInvalidText},
	}
	for _, tt := range tests {
		score, hints := Strength(tt.pw, PasswordContext{})
		if score >= 3 {
			t.Errorf("Strength(%q) = %d, want < 3", tt.pw, score)
		}
		found := false
		for _, h := range hints {
			found = found || h == tt.hint
		}
		if !found {
			t.Errorf("Strength(%q) hints %q, want %q", tt.pw, hints, tt.hint)
		}
		if tt.hint != hintInvalidText && hints[len(hints)-1] != hintAddWords {
			t.Errorf("Strength(%q) hints %q do not end with %q", tt.pw, hints, hintAddWords)
		}
	}
	if score, hints := Strength("correct horse battery staple", PasswordContext{}); score != 4 || hints != nil {
		t.Errorf("strong passphrase: %d %q", score, hints)
	}
}

func TestUserInputs(t *testing.T) {
	got := userInputs(PasswordContext{UserName: "mary.jones", BusinessName: "Zephyrcorp Holdings, Ltd", OldPassword: "Old Secret"})
	want := []string{"mary.jones", "mary", "mary jones", "maryjones", "jones",
		"zephyrcorp holdings, ltd", "zephyrcorp", "zephyrcorp holdings", "zephyrcorpholdings",
		"zephyrcorp holdings ltd", "zephyrcorpholdingsltd", "holdings", "holdings ltd", "holdingsltd", "ltd",
		"old secret", "safeinvoice", "safe", "invoice", "invoices"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("userInputs = %q\nwant %q", got, want)
	}
}

func FuzzStrength(f *testing.F) {
	for _, s := range []string{"", "a", "éé", "日本日本", "αβγ", "e\u0301e\u0301", "\xff\xfe", "aé日🔑", strings.Repeat("ab", 60), "21" + strings.Repeat("U", 2000)} {
		f.Add(s)
	}
	p := DefaultPolicy()
	p.HistorySize = 0
	f.Fuzz(func(t *testing.T, pw string) {
		score, hints := Strength(pw, PasswordContext{UserName: "mary", BusinessName: "Acme"})
		if score < 0 || score > 4 || (score < 4 && len(hints) == 0) {
			t.Fatalf("Strength(%q) = %d, %q", pw, score, hints)
		}
		err := p.CheckPassword(pw, PasswordContext{UserName: "mary"})
		if err != nil && !errors.Is(err, ErrPasswordPolicy) {
			t.Fatalf("CheckPassword(%q) = %v", pw, err)
		}
	})
}

// BenchmarkStrength measures the live meter on worst cases: 64 evaluated
// characters of upper-case or non-ASCII text, and a typical passphrase.
func BenchmarkStrength(b *testing.B) {
	for _, tt := range []struct{ name, pw string }{
		{"passphrase", "correct horse battery staple"},
		{"upper-ascii", strings.Repeat("U", 100)},
		{"non-ascii", strings.Repeat("Ü", 100)},
		{"cjk", strings.Repeat("日本語", 40)},
	} {
		b.Run(tt.name, func(b *testing.B) {
			ctx := PasswordContext{UserName: "mary.jones", BusinessName: "Zephyrcorp Holdings Ltd"}
			for b.Loop() {
				Strength(tt.pw, ctx)
			}
		})
	}
}
