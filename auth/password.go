package auth

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/match"
	"github.com/trustelem/zxcvbn/matching"
	"github.com/trustelem/zxcvbn/scoring"
	"golang.org/x/text/unicode/norm"
)

// MaxPasswordLength is the longest password accepted, in characters (runes
// after NormalizePassword). It is far above what anyone types, so pasted
// passphrases and generated passwords fit; it only bounds the work done.
const MaxPasswordLength = 1024

// strengthWindow is how many leading characters zxcvbn evaluates. Its
// dictionary matching is quadratic in the length (in bytes), so the window
// keeps the live meter under about 20 ms even for 64 CJK characters. Sixty-four
// characters that zxcvbn finds guessable make a guessable password; longer
// passwords are accepted, their tail is simply not scored.
const strengthWindow = 64

// NormalizePassword returns the form of password that SafeInvoice checks,
// hashes and hands to the key-slot KDF: Unicode NFKC normalisation, as NIST
// SP 800-63B §5.1.1.2 recommends. The same characters typed with different
// keyboards or input methods (a precomposed "é" or "e" plus a combining
// accent, full-width or half-width digits from an IME) then give the same
// password. Nothing else changes: spaces, case and symbols are kept, nothing
// is trimmed. NFKC is idempotent, so normalising twice is harmless.
//
// The caller must apply it both when a password is set (before wrapping the
// key slot) and at every login (before unwrapping it): age's scrypt takes the
// string as given. Invalid UTF-8 is returned unchanged (and CheckPassword
// refuses it).
func NormalizePassword(password string) string {
	if !utf8.ValidString(password) {
		return password
	}
	return norm.NFKC.String(password)
}

// PasswordContext is what CheckPassword and Strength know about the person
// choosing a password. All fields are optional.
type PasswordContext struct {
	// UserName is the account's name; a password may not contain it, and its
	// parts make a password weaker.
	UserName string
	// BusinessName is the vault's business name; its words make a password
	// weaker.
	BusinessName string
	// OldPassword is the password being replaced, when known (a user changing
	// their own password; not after an administrator's reset). The new one
	// may not equal it and is weaker for resembling it.
	OldPassword string
	// History is the user's PasswordHistory (HashForHistory strings, oldest
	// first). The newest Policy.HistorySize entries may not be reused.
	History []string
}

// ErrPasswordPolicy is wrapped by every *PolicyError: the password breaks a
// rule of the policy.
var ErrPasswordPolicy = errors.New("password refused by policy")

// Rule names the rule of the policy a password broke.
type Rule string

// The rules CheckPassword enforces, in the order it checks them.
const (
	// RuleInvalid: the password is not valid UTF-8 text.
	RuleInvalid Rule = "invalid"
	// RuleTooShort: fewer characters than Policy.MinLength.
	RuleTooShort Rule = "too-short"
	// RuleTooLong: more characters than MaxPasswordLength.
	RuleTooLong Rule = "too-long"
	// RuleSameAsOld: equal to PasswordContext.OldPassword.
	RuleSameAsOld Rule = "same-as-old"
	// RuleContainsUserName: contains the user name (ignoring case), for names
	// of 3 or more characters.
	RuleContainsUserName Rule = "contains-user-name"
	// RuleTooWeak: the Strength score is below Policy.MinStrength.
	RuleTooWeak Rule = "too-weak"
	// RuleReused: found among the newest Policy.HistorySize history entries.
	// Checked last, as it costs one slow hash per entry.
	RuleReused Rule = "reused"
)

// Description says what is wrong, completing "the password …".
func (r Rule) Description() string {
	switch r {
	case RuleInvalid:
		return "is not valid text"
	case RuleTooShort:
		return "is too short"
	case RuleTooLong:
		return "is too long"
	case RuleSameAsOld:
		return "is the same as the old one"
	case RuleReused:
		return "was used recently"
	case RuleContainsUserName:
		return "contains the user name"
	case RuleTooWeak:
		return "is too easy to guess"
	}
	return "breaks rule " + string(r)
}

// PolicyError is a password refused by the policy: which rule it broke and a
// readable hint on what to do instead. It wraps ErrPasswordPolicy and never
// contains the password.
type PolicyError struct {
	Rule Rule
	Hint string
}

// Error reads like "password is too short: use at least 12 characters, this
// one has 9".
func (e *PolicyError) Error() string {
	return "password " + e.Rule.Description() + ": " + e.Hint
}

// Unwrap returns ErrPasswordPolicy.
func (e *PolicyError) Unwrap() error { return ErrPasswordPolicy }

// CheckPassword returns nil if password satisfies p, and otherwise a
// *PolicyError (wrapping ErrPasswordPolicy) for the first rule broken, in the
// order of the Rule constants. The password is normalised with
// NormalizePassword first (so is ctx.OldPassword); its length is counted in
// Unicode characters (runes), not bytes. Any Unicode text up to
// MaxPasswordLength characters is allowed. Checking the history costs one
// slow hash per entry checked (see HashForHistory).
func (p Policy) CheckPassword(password string, ctx PasswordContext) error {
	if !utf8.ValidString(password) {
		return &PolicyError{RuleInvalid, "the password must be valid UTF-8 text"}
	}
	pw := NormalizePassword(password)
	n := utf8.RuneCountInString(pw)
	if n < p.MinLength {
		return &PolicyError{RuleTooShort, fmt.Sprintf("use at least %d characters, this one has %d; a few unrelated words are long and easy to remember", p.MinLength, n)}
	}
	if n > MaxPasswordLength {
		return &PolicyError{RuleTooLong, fmt.Sprintf("use at most %d characters, this one has %d", MaxPasswordLength, n)}
	}
	if ctx.OldPassword != "" && pw == NormalizePassword(ctx.OldPassword) {
		return &PolicyError{RuleSameAsOld, "choose a password different from your current one"}
	}
	if name := strings.ToLower(NormalizePassword(ctx.UserName)); utf8.RuneCountInString(name) >= 3 &&
		strings.Contains(strings.ToLower(pw), name) {
		return &PolicyError{RuleContainsUserName, "leave your user name out of the password"}
	}
	if p.MinStrength > 0 {
		score, hints := Strength(pw, ctx)
		if score < p.MinStrength {
			return &PolicyError{RuleTooWeak, fmt.Sprintf("strength %d of 4, at least %d needed: %s", score, p.MinStrength, strings.Join(hints, "; "))}
		}
	}
	if p.HistorySize > 0 && inHistory(pw, newest(ctx.History, p.HistorySize)) {
		return &PolicyError{RuleReused, fmt.Sprintf("choose one that is not among your last %d passwords", p.HistorySize)}
	}
	return nil
}

// newest returns the last n entries of h.
func newest(h []string, n int) []string {
	if n < len(h) {
		return h[len(h)-n:]
	}
	return h
}

// Hints that Strength may return, in the order it returns them.
const (
	hintUserInputs  = "avoid your user name, the business name and your old password"
	hintCommon      = "avoid common passwords"
	hintWords       = "avoid dictionary words and common phrases"
	hintNames       = "avoid names and surnames"
	hintReversed    = "spelling words backwards does not help much"
	hintL33t        = "swapping letters for look-alikes such as @ for a or 0 for o does not help much"
	hintCapitals    = "a capital at the start or all capitals does not help much"
	hintSpatial     = "avoid keyboard patterns like qwerty or asdf"
	hintRepeat      = "avoid repeats like aaa or abcabc"
	hintSequence    = "avoid sequences like abc or 123"
	hintYears       = "avoid recent years"
	hintDates       = "avoid dates"
	hintAddWords    = "add another word or two; uncommon words are better"
	hintInvalidText = "the password must be valid UTF-8 text"
)

// Strength estimates how hard password is to guess, for a live meter. The
// score is zxcvbn's, 0 (too guessable) to 4 (very unguessable); the user
// name and its parts, the business name and its words, the old password and
// the product's own name count as known words. Repeats and sequences of
// non-ASCII characters ("ééé…", "αβγ…"), which the Go port of zxcvbn misses,
// are detected here. Hints say what to avoid, in plain English, and end with
// "add another word or two…"; there are none when the score is 4. The password is normalised first; only its first 64
// characters are evaluated. Strength never fails: invalid UTF-8 scores 0.
func Strength(password string, ctx PasswordContext) (score int, hints []string) {
	if !utf8.ValidString(password) {
		return 0, []string{hintInvalidText}
	}
	pw := NormalizePassword(password)
	if utf8.RuneCountInString(pw) > strengthWindow {
		pw = string([]rune(pw)[:strengthWindow])
	}
	matches := matching.Omnimatch(pw, userInputs(ctx))
	matches = append(matches, runeRepeats(pw)...)
	matches = append(matches, runeSequences(pw)...)
	res := scoring.MostGuessableMatchSequence(pw, matches, false)
	score = guessesToScore(res.Guesses)
	if score >= 4 {
		return score, nil
	}
	return score, hintsFor(res.Sequence)
}

// guessesToScore is zxcvbn's mapping from estimated guesses to a score
// (github.com/trustelem/zxcvbn's unexported function of the same name).
func guessesToScore(guesses float64) int {
	const delta = 5
	switch {
	case guesses < 1e3+delta:
		return 0
	case guesses < 1e6+delta:
		return 1
	case guesses < 1e8+delta:
		return 2
	case guesses < 1e10+delta:
		return 3
	}
	return 4
}

// runeSequences finds runs of 3 or more characters with a constant step of
// 1 to 5 code points that contain a non-ASCII character, such as "αβγδ" or
// "あいうえお", as zxcvbn "sequence" matches: the Go port compares bytes and
// misses them. Guesses follow zxcvbn (26 per character, doubled when
// descending), counted in characters.
func runeSequences(pw string) []*match.Match {
	if utf8.RuneCountInString(pw) == len(pw) {
		return nil
	}
	runes := []rune(pw)
	offs := runeOffsets(pw, runes)
	var out []*match.Match
	emit := func(i, j int) { // runes[i..j] inclusive
		n := j - i + 1
		delta := int(runes[i+1]) - int(runes[i])
		token := pw[offs[i]:offs[j+1]]
		if n < 3 || delta == 0 || delta > 5 || delta < -5 || utf8.RuneCountInString(token) == len(token) {
			return
		}
		g := 26 * float64(n)
		if delta < 0 {
			g *= 2
		}
		out = append(out, &match.Match{
			Pattern:       "sequence",
			I:             offs[i],
			J:             offs[j+1] - 1,
			Token:         token,
			SequenceName:  "unicode",
			SequenceSpace: 26,
			Ascending:     delta > 0,
			Guesses:       max(g, scoring.MinSubmatchGuessesMultiChar),
		})
	}
	start := 0
	for k := 2; k <= len(runes); k++ {
		if k == len(runes) || int(runes[k])-int(runes[k-1]) != int(runes[start+1])-int(runes[start]) {
			emit(start, k-1)
			start = k - 1
		}
	}
	return out
}

// runeOffsets returns the byte offset of each rune of pw, and len(pw) last.
func runeOffsets(pw string, runes []rune) []int {
	offs := make([]int, len(runes)+1)
	for i, k := 0, 0; i < len(runes); i++ {
		offs[i] = k
		k += utf8.RuneLen(runes[i])
	}
	offs[len(runes)] = len(pw)
	return offs
}

// runeRepeats finds repeated units containing non-ASCII characters, such as
// "éééé" or "日本日本", as zxcvbn "repeat" matches. The Go port's own repeat
// matcher mixes byte and rune offsets and misses them, so a password of
// twelve "é" would otherwise score 4. Scanning left to right, each run is
// reported once, with the shortest unit that covers the longest run, and the
// scan continues after it; indices are byte offsets, as the scoring expects.
func runeRepeats(pw string) []*match.Match {
	if utf8.RuneCountInString(pw) == len(pw) {
		return nil // ASCII: zxcvbn handles it
	}
	runes := []rune(pw)
	offs := runeOffsets(pw, runes)
	same := func(a, b, n int) bool {
		for k := 0; k < n; k++ {
			if runes[a+k] != runes[b+k] {
				return false
			}
		}
		return true
	}
	baseGuesses := map[string]float64{}
	var out []*match.Match
	for i := 0; i < len(runes); {
		bestL, bestCount := 0, 0
		for l := 1; i+2*l <= len(runes); l++ {
			count := 1
			for i+(count+1)*l <= len(runes) && same(i, i+count*l, l) {
				count++
			}
			if count >= 2 && count*l > bestCount*bestL {
				bestL, bestCount = l, count
			}
		}
		if bestCount < 2 {
			i++
			continue
		}
		start, end := i, i+bestCount*bestL
		i = end // like zxcvbn, scan on after the run
		unit := string(runes[start : start+bestL])
		token := pw[offs[start]:offs[end]]
		if utf8.RuneCountInString(token) == len(token) {
			continue // ASCII: zxcvbn handles it
		}
		g, ok := baseGuesses[unit]
		if !ok {
			g = scoring.MostGuessableMatchSequence(unit, matching.Omnimatch(unit, nil), false).Guesses
			baseGuesses[unit] = g
		}
		out = append(out, &match.Match{
			Pattern:     "repeat",
			I:           offs[start],
			J:           offs[end] - 1,
			Token:       token,
			BaseToken:   unit,
			BaseGuesses: g,
			RepeatCount: bestCount,
		})
	}
	return out
}

// maxContextWords bounds how many words of a name userInputs combines.
const maxContextWords = 8

// userInputs lists the words zxcvbn treats as known to an attacker.
func userInputs(ctx PasswordContext) []string {
	var in []string
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.ToLower(NormalizePassword(s))
		if utf8.RuneCountInString(s) >= 3 && !seen[s] {
			seen[s] = true
			in = append(in, s)
		}
	}
	notWord := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
	for _, s := range []string{ctx.UserName, ctx.BusinessName} {
		add(s)
		words := strings.FieldsFunc(s, notWord)
		if len(words) > maxContextWords {
			words = words[:maxContextWords]
		}
		// Every run of consecutive words, joined by a space and by nothing:
		// "Acme Plumbing Ltd" gives "acme", "acme plumbing", "acmeplumbing",
		// "plumbing ltd", …
		for i := range words {
			add(words[i])
			for j := i + 2; j <= len(words); j++ {
				add(strings.Join(words[i:j], " "))
				add(strings.Join(words[i:j], ""))
			}
		}
	}
	if ctx.OldPassword != "" {
		add(ctx.OldPassword)
	}
	for _, s := range []string{"safeinvoice", "safe", "invoice", "invoices"} {
		add(s)
	}
	return in
}

// hintsFor turns a zxcvbn match sequence into hints, without duplicates.
func hintsFor(seq []*match.Match) []string {
	found := map[string]bool{}
	for _, m := range seq {
		switch m.Pattern {
		case "dictionary":
			switch m.DictionaryName {
			case "user_inputs":
				found[hintUserInputs] = true
			case "passwords":
				found[hintCommon] = true
			case "female_names", "male_names", "surnames":
				found[hintNames] = true
			default:
				found[hintWords] = true
			}
			if m.Reversed {
				found[hintReversed] = true
			}
			if m.L33t {
				found[hintL33t] = true
			}
			if hasUpper(m.Token) {
				found[hintCapitals] = true
			}
		case "spatial":
			found[hintSpatial] = true
		case "repeat":
			found[hintRepeat] = true
		case "sequence":
			found[hintSequence] = true
		case "regex":
			found[hintYears] = true
		case "date":
			found[hintDates] = true
		}
	}
	var hints []string
	for _, h := range [...]string{
		hintUserInputs, hintCommon, hintWords, hintNames, hintReversed,
		hintL33t, hintCapitals, hintSpatial, hintRepeat, hintSequence,
		hintYears, hintDates,
	} {
		if found[h] {
			hints = append(hints, h)
		}
	}
	return append(hints, hintAddWords)
}

func hasUpper(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}
