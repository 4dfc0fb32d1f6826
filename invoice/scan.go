package invoice

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FindingKind says what kind of sensitive data a Finding looks like.
type FindingKind string

// The kinds of sensitive data the scanner looks for.
const (
	FindingSSN      FindingKind = "ssn"      // a US Social Security number
	FindingTaxID    FindingKind = "tax_id"   // a tax identifier (EIN, Steuer-ID, NI number, VAT id, ...)
	FindingIBAN     FindingKind = "iban"     // a bank account number (IBAN, mod-97 valid)
	FindingCard     FindingKind = "card"     // a payment card number (Luhn valid)
	FindingPassword FindingKind = "password" // a password, PIN or secret written out
)

// Finding is one piece of text that looks like sensitive data. It never
// holds the data itself: Excerpt is masked.
type Finding struct {
	Kind FindingKind `json:"kind"`
	// Detail names the precise shape, such as "US SSN", "US EIN",
	// "German tax id", "UK NI number", "VAT id", "IBAN", "card".
	Detail string `json:"detail"`
	// Field names the scanned field ("notes", "line 2 description") when
	// the finding comes from ScanClient or ScanInvoice; empty from Scan.
	Field string `json:"field,omitempty"`
	// Start and End are the byte offsets of the match in the scanned text
	// (text[Start:End]), for highlighting.
	Start int `json:"start"`
	End   int `json:"end"`
	// Excerpt is the match with its secret characters replaced by "*":
	// "***-**-****", "**** **** **** 1111", "DE** **** **** **** **** 3000"
	// (the last four of a card or IBAN, and an IBAN's country, are kept so
	// a person can recognise it), "password: ****" (fixed length).
	Excerpt string `json:"excerpt"`
}

// Scan returns the findings in text, in order of position, without
// overlaps (the longest match wins). It detects:
//   - US SSNs "123-45-6789" (and "123 45 6789" or "123456789" right after
//     "SSN" or "social security"), except the numbers never issued: area
//     000, 666 or 900–999, group 00, serial 0000;
//   - tax ids: US EINs "12-3456789" with a valid IRS prefix (a prefix
//     starting with 0 only right after a tax keyword), German Steuer-IDs
//     (11 digits, with their digit rule and ISO 7064 check digit), German
//     Steuernummern "21/815/08150", UK NI numbers "AB 12 34 56 C", EU VAT
//     ids "DE123456789", "ATU12345678", Swiss UIDs "CHE-123.456.789", and
//     any number of six or more digits right after a tax keyword ("Tax ID:",
//     "Steuernummer", "TIN", "USt-IdNr.");
//   - IBANs, with or without spaces, of the right length for their
//     country and valid under mod-97;
//   - payment card numbers of 13–19 digits starting with 2–6, valid under
//     Luhn, written as one run or grouped like a card (4-4-4-4, 4-6-5, ...)
//     with spaces or dashes;
//   - passwords written out: "password: x", "pwd=x", "Passwort ist x",
//     "PIN 1234", "api key: x" and the like in several languages.
//
// A match must stand alone: a number inside a longer number or word
// (INV-2026-0001, an order number, a phone number with its "+" prefix) is
// not reported. Scan never fails; what to do with findings (warn or block)
// is the caller's policy.
func Scan(text string) []Finding {
	var fs []Finding
	fs = append(fs, scanPasswords(text)...)
	fs = append(fs, scanKeywordIDs(text)...)
	fs = append(fs, scanSSN(text)...)
	fs = append(fs, scanTaxShapes(text)...)
	fs = append(fs, scanIBAN(text)...)
	fs = append(fs, scanCards(text)...)
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return (b.End - b.Start) - (a.End - a.Start)
	})
	out := fs[:0]
	end := -1
	for _, f := range fs {
		if f.Start < end {
			continue
		}
		out = append(out, f)
		end = f.End
	}
	return out
}

// ScanClient scans every text field of c and names the field of each
// finding ("name", "email", "address", "tax_id"). In tax_id, where a tax
// identifier belongs, tax-id findings are not reported; SSNs, IBANs, cards
// and passwords are.
func ScanClient(c *Client) []Finding {
	var fs []Finding
	fs = append(fs, scanField("name", c.Name)...)
	fs = append(fs, scanField("email", c.Email)...)
	fs = append(fs, scanField("address", c.Address)...)
	for _, f := range scanField("tax_id", c.TaxID) {
		if f.Kind != FindingTaxID {
			fs = append(fs, f)
		}
	}
	return fs
}

// ScanInvoice scans every free-text field of inv and names the field of
// each finding: "number", "notes", "terms", "void_reason",
// "line N description" and "payment N note" (1-based).
func ScanInvoice(inv *Invoice) []Finding {
	var fs []Finding
	fs = append(fs, scanField("number", inv.Number)...)
	for i, l := range inv.Lines {
		fs = append(fs, scanField(fmt.Sprintf("line %d description", i+1), l.Description)...)
	}
	fs = append(fs, scanField("notes", inv.Notes)...)
	fs = append(fs, scanField("terms", inv.Terms)...)
	fs = append(fs, scanField("void_reason", inv.VoidReason)...)
	for i, p := range inv.Payments {
		fs = append(fs, scanField(fmt.Sprintf("payment %d note", i+1), p.Note)...)
	}
	return fs
}

func scanField(field, text string) []Finding {
	fs := Scan(text)
	for i := range fs {
		fs[i].Field = field
	}
	return fs
}

// ---- boundaries and masking ----

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// standsAlone reports whether text[i:j] is not glued to a longer token
// (aloneBefore(i) and aloneAfter(j)).
func standsAlone(text string, i, j int) bool {
	return aloneBefore(text, i) && aloneAfter(text, j)
}

// aloneBefore reports whether a token may start at i: the rune before is
// not a letter, digit or one of "-/._+@#,".
func aloneBefore(text string, i int) bool {
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:i])
		if isAlnum(r) || strings.ContainsRune("-/._+@#,", r) {
			return false
		}
	}
	return true
}

// aloneAfter reports whether a token may end at j: the rune after is not a
// letter, digit or one of "-/_@", nor "." or "," followed by a letter or
// digit.
func aloneAfter(text string, j int) bool {
	if j < len(text) {
		r, n := utf8.DecodeRuneInString(text[j:])
		if isAlnum(r) || strings.ContainsRune("-/_@", r) {
			return false
		}
		if r == '.' || r == ',' {
			if r2, _ := utf8.DecodeRuneInString(text[j+n:]); j+n < len(text) && isAlnum(r2) {
				return false
			}
		}
	}
	return true
}

// mask replaces the letters and digits of s by "*", except the first
// keepStart and the last keepEnd of them; other characters stay.
func mask(s string, keepStart, keepEnd int) string {
	total := 0
	for _, r := range s {
		if isAlnum(r) {
			total++
		}
	}
	var b strings.Builder
	k := 0
	for _, r := range s {
		if isAlnum(r) {
			if k >= keepStart && k < total-keepEnd {
				r = '*'
			}
			k++
		}
		b.WriteRune(r)
	}
	return b.String()
}

func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// ---- passwords ----

var (
	passwordRE = regexp.MustCompile(`(?i)\b(passwor[dt]|passwd|pwd|pw|kennwort|passcode|passphrase|mot de passe|contrase(?:ñ|n)a|wachtwoord|api[-_ ]?key|secret|pin)\b[ \t]*(?:[:=]|\b(?:is|ist|lautet|est|es)\b)[ \t]*(\S+)`)
	pinRE      = regexp.MustCompile(`(?i)\bpin(?:[ -]?code)?\b[ \t]*(?:[:=#]|no\.?|nr\.?)?[ \t]*(\d{4,8})\b`)
)

func scanPasswords(text string) []Finding {
	var fs []Finding
	for _, m := range passwordRE.FindAllStringSubmatchIndex(text, -1) {
		if m[0] > 0 {
			if r, _ := utf8.DecodeLastRuneInString(text[:m[0]]); isAlnum(r) {
				continue
			}
		}
		kw := text[m[2]:m[3]]
		if strings.EqualFold(kw, "pin") && digitsOf(text[m[4]:m[5]]) == "" {
			continue // "PIN: see letter" is not a PIN
		}
		fs = append(fs, Finding{Kind: FindingPassword, Detail: "password", Start: m[0], End: m[5], Excerpt: text[m[0]:m[4]] + "****"})
	}
	for _, m := range pinRE.FindAllStringSubmatchIndex(text, -1) {
		if !standsAlone(text, m[2], m[3]) {
			continue
		}
		fs = append(fs, Finding{Kind: FindingPassword, Detail: "PIN", Start: m[0], End: m[3], Excerpt: text[m[0]:m[2]] + "****"})
	}
	return fs
}

// ---- numbers after a keyword ----

var keywordIDRE = regexp.MustCompile(`(?i)\b(ssn|social security(?: number| no\.?)?|tax[- ]?id(?:entification)?(?: number| no\.?)?|tin|steuer[- ]?id|steuer-?identifikationsnummer|steuer-?nummer|steuer-?nr\.?|st\.?-?nr\.?|ust-?id(?:nr)?\.?|vat(?: id| no\.?| number| reg\.?(?: no\.?)?)|ein|national insurance(?: number| no\.?)?|nino)[ \t]*(?:[:#]|no\.?|nr\.?)?[ \t]*([0-9][0-9 ./-]{4,20}[0-9])`)

func scanKeywordIDs(text string) []Finding {
	var fs []Finding
	for _, m := range keywordIDRE.FindAllStringSubmatchIndex(text, -1) {
		val := text[m[4]:m[5]]
		if len(digitsOf(val)) < 6 || !standsAlone(text, m[4], m[5]) {
			continue
		}
		kw := strings.ToLower(text[m[2]:m[3]])
		if (kw == "ein" || kw == "tin") && text[m[2]:m[3]] != strings.ToUpper(kw) {
			continue // the German article "ein", the metal "tin"
		}
		kind, detail := FindingTaxID, "tax id"
		if strings.HasPrefix(kw, "ssn") || strings.HasPrefix(kw, "social") {
			kind, detail = FindingSSN, "US SSN"
			if d := digitsOf(val); len(d) == 9 && !ValidSSN(d[:3], d[3:5], d[5:]) {
				continue
			}
		}
		fs = append(fs, Finding{Kind: kind, Detail: detail, Start: m[0], End: m[5], Excerpt: text[m[0]:m[4]] + mask(val, 0, 0)})
	}
	return fs
}

// ---- SSN ----

var ssnRE = regexp.MustCompile(`(\d{3})-(\d{2})-(\d{4})`)

// ValidSSN reports whether area-group-serial could be an issued US SSN:
// area not 000, 666 or 900–999, group not 00, serial not 0000.
func ValidSSN(area, group, serial string) bool {
	return len(area) == 3 && len(group) == 2 && len(serial) == 4 &&
		area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
}

func scanSSN(text string) []Finding {
	var fs []Finding
	for _, m := range ssnRE.FindAllStringSubmatchIndex(text, -1) {
		if !standsAlone(text, m[0], m[1]) || !ValidSSN(text[m[2]:m[3]], text[m[4]:m[5]], text[m[6]:m[7]]) {
			continue
		}
		fs = append(fs, Finding{Kind: FindingSSN, Detail: "US SSN", Start: m[0], End: m[1], Excerpt: mask(text[m[0]:m[1]], 0, 0)})
	}
	return fs
}

// ---- tax id shapes ----

var (
	einRE      = regexp.MustCompile(`\d{2}-\d{7}`)
	idnrRE     = regexp.MustCompile(`\d{11}|\d{2} \d{3} \d{3} \d{3}`)
	stnrRE     = regexp.MustCompile(`\d{2,3}/\d{3}/\d{5}|\d{3}/\d{4}/\d{4}`)
	ninoRE     = regexp.MustCompile(`(?i)[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]`)
	ninoShape  = regexp.MustCompile(`^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$`)
	vatRE      = regexp.MustCompile(`\b(AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|GB|HR|HU|IE|IT|LT|LU|LV|MT|NL|NO|PL|PT|RO|SE|SI|SK|XI|EU) ?([0-9A-Z+*]{8,14})\b`)
	swissUIDRE = regexp.MustCompile(`CHE[- ]?\d{3}\.\d{3}\.\d{3}`)
)

// einInvalidPrefixes are the two-digit prefixes the IRS never assigns to
// an EIN.
const einInvalidPrefixes = " 00 07 08 09 17 18 19 28 29 49 69 70 78 79 89 96 97 "

// validEINPrefix reports whether p (two digits) is an assigned EIN prefix.
func validEINPrefix(p string) bool {
	return len(p) == 2 && digitsOf(p) == p && !strings.Contains(einInvalidPrefixes, " "+p+" ")
}

// vatFormats are the national parts of EU (and UK, Norwegian) VAT ids.
var vatFormats = map[string]*regexp.Regexp{
	"AT": regexp.MustCompile(`^U\d{8}$`),
	"BE": regexp.MustCompile(`^[01]\d{9}$`),
	"BG": regexp.MustCompile(`^\d{9,10}$`),
	"CY": regexp.MustCompile(`^\d{8}[A-Z]$`),
	"CZ": regexp.MustCompile(`^\d{8,10}$`),
	"DE": regexp.MustCompile(`^\d{9}$`),
	"DK": regexp.MustCompile(`^\d{8}$`),
	"EE": regexp.MustCompile(`^\d{9}$`),
	"EL": regexp.MustCompile(`^\d{9}$`),
	"ES": regexp.MustCompile(`^[A-Z0-9]\d{7}[A-Z0-9]$`),
	"FI": regexp.MustCompile(`^\d{8}$`),
	"FR": regexp.MustCompile(`^[0-9A-HJ-NP-Z]{2}\d{9}$`),
	"GB": regexp.MustCompile(`^(\d{9}|\d{12})$`),
	"HR": regexp.MustCompile(`^\d{11}$`),
	"HU": regexp.MustCompile(`^\d{8}$`),
	"IE": regexp.MustCompile(`^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$`),
	"IT": regexp.MustCompile(`^\d{11}$`),
	"LT": regexp.MustCompile(`^(\d{9}|\d{12})$`),
	"LU": regexp.MustCompile(`^\d{8}$`),
	"LV": regexp.MustCompile(`^\d{11}$`),
	"MT": regexp.MustCompile(`^\d{8}$`),
	"NL": regexp.MustCompile(`^\d{9}B\d{2}$`),
	"NO": regexp.MustCompile(`^\d{9}(MVA)?$`),
	"PL": regexp.MustCompile(`^\d{10}$`),
	"PT": regexp.MustCompile(`^\d{9}$`),
	"RO": regexp.MustCompile(`^\d{6,10}$`),
	"SE": regexp.MustCompile(`^\d{10}01$`),
	"SI": regexp.MustCompile(`^\d{8}$`),
	"SK": regexp.MustCompile(`^\d{10}$`),
	"XI": regexp.MustCompile(`^(\d{9}|\d{12})$`),
	"EU": regexp.MustCompile(`^\d{9}$`),
}

// ValidSteuerID reports whether s (11 digits) is a well-formed German tax
// identification number: first digit not 0; in the first ten digits one
// digit occurs twice or three times (three times not all adjacent) and
// every other at most once; and the eleventh digit is the ISO 7064
// MOD 11,10 check digit.
func ValidSteuerID(s string) bool {
	if len(s) != 11 || digitsOf(s) != s || s[0] == '0' {
		return false
	}
	var count [10]int
	for i := 0; i < 10; i++ {
		count[s[i]-'0']++
	}
	multi := 0
	for d, c := range count {
		switch {
		case c > 3:
			return false
		case c >= 2:
			multi++
			if c == 3 && strings.Contains(s[:10], strings.Repeat(string(rune('0'+d)), 3)) {
				return false
			}
		}
	}
	if multi != 1 {
		return false
	}
	return iso7064Mod1110(s[:10]) == int(s[10]-'0')
}

// iso7064Mod1110 returns the ISO 7064 MOD 11,10 check digit of digits.
func iso7064Mod1110(digits string) int {
	product := 10
	for i := 0; i < len(digits); i++ {
		sum := (int(digits[i]-'0') + product) % 10
		if sum == 0 {
			sum = 10
		}
		product = (sum * 2) % 11
	}
	check := 11 - product
	if check == 10 {
		check = 0
	}
	return check
}

// taxContext reports whether a tax keyword ("EIN", "TIN", "IRS", "tax",
// "Steuer") occurs in the 30 bytes before i.
func taxContext(text string, i int) bool {
	before := text[max(0, i-30):i]
	lower := strings.ToLower(before)
	return strings.Contains(before, "EIN") || strings.Contains(before, "TIN") || strings.Contains(before, "IRS") ||
		strings.Contains(lower, "tax") || strings.Contains(lower, "steuer")
}

func scanTaxShapes(text string) []Finding {
	var fs []Finding
	add := func(detail string, i, j int, keepStart int) {
		fs = append(fs, Finding{Kind: FindingTaxID, Detail: detail, Start: i, End: j, Excerpt: mask(text[i:j], keepStart, 0)})
	}
	for _, m := range einRE.FindAllStringIndex(text, -1) {
		p := text[m[0] : m[0]+2]
		if standsAlone(text, m[0], m[1]) && validEINPrefix(p) && (p[0] != '0' || taxContext(text, m[0])) {
			add("US EIN", m[0], m[1], 0)
		}
	}
	for _, m := range idnrRE.FindAllStringIndex(text, -1) {
		if standsAlone(text, m[0], m[1]) && ValidSteuerID(digitsOf(text[m[0]:m[1]])) {
			add("German tax id", m[0], m[1], 0)
		}
	}
	for _, m := range stnrRE.FindAllStringIndex(text, -1) {
		if standsAlone(text, m[0], m[1]) {
			add("German tax number", m[0], m[1], 0)
		}
	}
	for _, m := range ninoRE.FindAllStringIndex(text, -1) {
		s := text[m[0]:m[1]]
		compact := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
		if !standsAlone(text, m[0], m[1]) || (s != strings.ToUpper(s) && s != strings.ToLower(s)) || !ninoShape.MatchString(compact) {
			continue
		}
		switch compact[:2] {
		case "BG", "GB", "NK", "KN", "TN", "NT", "ZZ":
			continue
		}
		add("UK NI number", m[0], m[1], 0)
	}
	for _, m := range vatRE.FindAllStringSubmatchIndex(text, -1) {
		cc, rest := text[m[2]:m[3]], text[m[4]:m[5]]
		if re := vatFormats[cc]; re != nil && re.MatchString(rest) && standsAlone(text, m[0], m[1]) {
			add("VAT id", m[0], m[1], 2)
		}
	}
	for _, m := range swissUIDRE.FindAllStringIndex(text, -1) {
		if standsAlone(text, m[0], m[1]) {
			add("Swiss UID", m[0], m[1], 3)
		}
	}
	return fs
}

// ---- IBAN ----

// ibanLengths are the IBAN lengths per country (SWIFT IBAN registry).
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
	"BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
	"EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
	"GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
	"IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
	"LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
	"NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
	"SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23,
	"TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}

var ibanStartRE = regexp.MustCompile(`(?i)[A-Z]{2}\d{2}`)

// ValidIBAN reports whether s, with or without spaces, in upper or lower
// case, is an IBAN of the right length for its country whose check digits
// pass ISO 7064 mod-97.
func ValidIBAN(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 5 || ibanLengths[s[:2]] != len(s) {
		return false
	}
	rem := 0
	for _, c := range s[4:] + s[:4] {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}

func scanIBAN(text string) []Finding {
	var fs []Finding
	for _, m := range ibanStartRE.FindAllStringIndex(text, -1) {
		if !aloneBefore(text, m[0]) {
			continue
		}
		want := ibanLengths[strings.ToUpper(text[m[0]:m[0]+2])]
		if want == 0 {
			continue
		}
		n, j := 0, m[0]
		for j < len(text) && n < want {
			c := text[j]
			switch {
			case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
				n++
				j++
			case c == ' ' && n >= 4 && j+1 < len(text) && text[j+1] != ' ':
				j++
			default:
				want = -1 // stop
			}
		}
		if n != want || !aloneAfter(text, j) {
			continue
		}
		if !ValidIBAN(text[m[0]:j]) {
			continue
		}
		fs = append(fs, Finding{Kind: FindingIBAN, Detail: "IBAN", Start: m[0], End: j, Excerpt: mask(text[m[0]:j], 2, 4)})
	}
	return fs
}

// ---- cards ----

// ValidLuhn reports whether the digit string s passes the Luhn check.
func ValidLuhn(s string) bool {
	if len(s) < 2 {
		return false
	}
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// digitRunRE finds runs of digit groups joined by single spaces or dashes.
var digitRunRE = regexp.MustCompile(`\d+(?:[ -]\d+)*`)

// cardLayout reports whether digit groups of these lengths are written
// like a card number: one run, groups of four with a last group of one to
// four, or 4-6-5 / 4-6-4 (American Express, Diners).
func cardLayout(lens []int) bool {
	if len(lens) == 1 {
		return true
	}
	if slices.Equal(lens, []int{4, 6, 5}) || slices.Equal(lens, []int{4, 6, 4}) {
		return true
	}
	for i, l := range lens {
		if (i < len(lens)-1 && l != 4) || l < 1 || l > 4 {
			return false
		}
	}
	return true
}

// cardExcluded are words that, right before a run of digits, say it is not
// a card number.
var cardExcluded = []string{"ean", "gtin", "isbn", "upc", "tracking", "sendung", "awb", "imei", "serial", "order", "bestell", "ref"}

func scanCards(text string) []Finding {
	var fs []Finding
	for _, run := range digitRunRE.FindAllStringIndex(text, -1) {
		if r, _ := utf8.DecodeLastRuneInString(text[:run[0]]); run[0] > 0 && unicode.IsLetter(r) {
			continue // digits of an alphanumeric token such as an IBAN
		}
		// Split the run into groups [start, end).
		var gs [][2]int
		i := run[0]
		for i < run[1] {
			j := i
			for j < run[1] && text[j] >= '0' && text[j] <= '9' {
				j++
			}
			gs = append(gs, [2]int{i, j})
			i = j + 1
		}
		best := [2]int{-1, -1}
		for a := 0; a < len(gs); a++ {
			if a > 0 && text[gs[a][0]-1] != ' ' {
				continue
			}
			n := 0
			for b := a; b < len(gs) && n <= 19; b++ {
				n += gs[b][1] - gs[b][0]
				if n > 19 || (b < len(gs)-1 && text[gs[b][1]] != ' ') {
					continue // the loop ends once n > 19: linear time
				}
				start, end := gs[a][0], gs[b][1]
				s := text[start:end]
				digits := digitsOf(s)
				if len(digits) < 13 || digits[0] < '2' || digits[0] > '6' {
					continue
				}
				if strings.Contains(s, " ") && strings.Contains(s, "-") {
					continue
				}
				lens := make([]int, 0, b-a+1)
				for _, g := range gs[a : b+1] {
					lens = append(lens, g[1]-g[0])
				}
				if !cardLayout(lens) || !ValidLuhn(digits) {
					continue
				}
				if (a == 0 && !aloneBefore(text, start)) || (b == len(gs)-1 && !aloneAfter(text, end)) {
					continue
				}
				if len(lens) == 1 && excludedBefore(text, start) {
					continue
				}
				if end-start > best[1]-best[0] {
					best = [2]int{start, end}
				}
			}
		}
		if best[0] >= 0 {
			fs = append(fs, Finding{Kind: FindingCard, Detail: "card", Start: best[0], End: best[1], Excerpt: mask(text[best[0]:best[1]], 0, 4)})
		}
	}
	return fs
}

// excludedBefore reports whether one of cardExcluded ends within the 16
// bytes before i.
func excludedBefore(text string, i int) bool {
	before := strings.ToLower(text[max(0, i-16):i])
	for _, w := range cardExcluded {
		if strings.Contains(before, w) {
			return true
		}
	}
	return false
}
