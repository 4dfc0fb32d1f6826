package pdf

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bojanz/currency"
)

// DefaultLocale is the locale used when Options.Locale is empty.
const DefaultLocale = "en"

// numbers formats the amounts, quantities and percentages of one document
// for one currency and one locale. It is built per document and never
// shared between goroutines.
type numbers struct {
	code   string
	money  *currency.Formatter // amounts, with the currency's minor units
	price  *currency.Formatter // unit prices: minor units, up to 6 digits
	plain  *currency.Formatter // quantities and percentages: no currency
	locale currency.Locale
}

// newNumbers returns the formatters for currency code in locale (a BCP 47
// tag such as "de-DE"; CLDR falls back to the parent locale, then "en"). A
// locale whose digits or signs the embedded font cannot draw (Arabic-Indic
// digits, for example) falls back to DefaultLocale rather than printing
// empty boxes.
func newNumbers(code, locale string) (*numbers, error) {
	if !currency.IsValid(code) {
		return nil, fmt.Errorf("unknown currency %q", code)
	}
	loc := currency.NewLocale(locale)
	if loc.IsEmpty() {
		loc = currency.NewLocale(DefaultLocale)
	}
	probe, _ := currency.NewAmount("-1234567.891", code)
	f := currency.NewFormatter(loc)
	f.CurrencyDisplay = currency.DisplayNone
	if !fontCovers(f.Format(probe)) {
		loc = currency.NewLocale(DefaultLocale)
	}
	n := &numbers{code: code, locale: loc}
	n.money = currency.NewFormatter(loc)
	n.money.MaxDigits = currency.DefaultDigits
	n.price = currency.NewFormatter(loc)
	n.price.MaxDigits = 6
	n.plain = currency.NewFormatter(loc)
	n.plain.CurrencyDisplay = currency.DisplayNone
	n.plain.MinDigits = 0
	n.plain.MaxDigits = 6
	// A symbol the embedded font cannot draw (for example the Thai baht
	// sign) is replaced by the ISO code, which it always can.
	if sym, ok := currency.GetSymbol(code, loc); ok && !fontCovers(sym) {
		n.money.SymbolMap[code] = code
		n.price.SymbolMap[code] = code
	}
	return n, nil
}

// amount formats a money amount: "€1,234.50", "1.234,50 €", "¥1,500".
func (n *numbers) amount(a currency.Amount) string { return n.money.Format(a) }

// unitPrice formats a unit price, keeping digits beyond the minor units.
func (n *numbers) unitPrice(a currency.Amount) string { return n.price.Format(a) }

// decimal formats a plain decimal string (a quantity or a percentage) with
// the locale's separators: "1,000.5" or "1.000,5". The string must already
// be validated by the invoice package.
func (n *numbers) decimal(s string) string {
	a, err := currency.NewAmount(s, n.code)
	if err != nil {
		return s
	}
	return n.plain.Format(a)
}

// percent formats a percentage such as "19" as "19%".
func (n *numbers) percent(s string) string { return n.decimal(s) + "%" }

// fontCovers reports whether every rune of s lies in the blocks that Noto
// Sans (assets.FontRegular) draws: Latin, Greek, Cyrillic, general
// punctuation and currency symbols. It is deliberately conservative.
func fontCovers(s string) bool {
	for _, r := range s {
		switch {
		case r < 0x0530: // Latin, IPA, spacing modifiers, combining marks, Greek, Cyrillic
		case r >= 0x1E00 && r <= 0x1FFF: // Latin Extended Additional, Greek Extended
		case r >= 0x2000 && r <= 0x20C0: // punctuation, super/subscripts, currency symbols
		default:
			return false
		}
	}
	return true
}

// oneLine folds the line breaks and tabs of a multi-line field into spaces
// for places that print one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// truncate cuts s to at most n runes, marking the cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
