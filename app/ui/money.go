package ui

import (
	"slices"
	"strings"

	"github.com/bojanz/currency"

	"safeinvoice/app"
	"safeinvoice/invoice"
)

// moneyFormat formats amounts for people ("€1,234.50"). The window speaks
// English; amounts follow its conventions.
var moneyFormat = currency.NewFormatter(currency.NewLocale("en"))

// formatAmount formats a decimal string in code, or returns it as is when
// it does not parse.
func formatAmount(number, code string) string {
	a, err := currency.NewAmount(number, code)
	if err != nil {
		return strings.TrimSpace(number + " " + code)
	}
	return moneyFormat.Format(a)
}

func formatMoney(a currency.Amount) string {
	if a.CurrencyCode() == "" {
		return "—"
	}
	return moneyFormat.Format(a)
}

// sumsText lists sums one currency a line, by code; "—" when empty.
func sumsText(s app.Sums) string {
	if len(s) == 0 {
		return "—"
	}
	codes := make([]string, 0, len(s))
	for c := range s {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = moneyFormat.Format(s[c])
	}
	return strings.Join(parts, "\n")
}

// statusWords are the statuses as people read them.
var statusWords = map[invoice.Status]string{
	invoice.StatusDraft:         "Draft",
	invoice.StatusIssued:        "Issued",
	invoice.StatusPartiallyPaid: "Partly paid",
	invoice.StatusPaid:          "Paid",
	invoice.StatusVoid:          "Void",
	invoice.StatusOverdue:       "Overdue",
	invoice.StatusSent:          "Sent",
	invoice.StatusAccepted:      "Accepted",
	invoice.StatusDeclined:      "Declined",
	invoice.StatusExpired:       "Expired",
}

func statusWord(s invoice.Status) string {
	if w, ok := statusWords[s]; ok {
		return w
	}
	return string(s)
}
