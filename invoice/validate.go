package invoice

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text limits, in characters (runes), enforced by the Validate methods.
const (
	MaxNameLen        = 200   // Client.Name
	MaxEmailLen       = 254   // Client.Email
	MaxAddressLen     = 1000  // Client.Address (multi-line)
	MaxTaxIDLen       = 50    // Client.TaxID
	MaxIDLen          = 128   // IDs and references (ID, ClientID, Corrects, NoteID)
	MaxNumberLen      = 64    // Invoice.Number, Credit.Number
	MaxDescriptionLen = 1000  // Line.Description (multi-line)
	MaxNotesLen       = 10000 // Invoice.Notes and Terms (multi-line)
	MaxShortTextLen   = 500   // VoidReason, Payment.Note
)

// checkText checks s against the text rules: valid UTF-8, at most max
// runes, no control characters; multi-line text may hold line breaks and
// tabs. It returns nil or an error wrapping ErrText.
func checkText(s string, max int, multiLine bool) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: not valid UTF-8", ErrText)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("%w: %d characters, at most %d allowed", ErrText, n, max)
	}
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			if !multiLine {
				return fmt.Errorf("%w: must be one line", ErrText)
			}
		case r == '\t' && multiLine:
		case unicode.IsControl(r):
			return fmt.Errorf("%w: control character %U", ErrText, r)
		}
	}
	return nil
}

// requiredText is checkText for a field that must not be blank.
func requiredText(s string, max int, multiLine bool) error {
	if strings.TrimSpace(s) == "" {
		return ErrRequired
	}
	return checkText(s, max, multiLine)
}

// CheckEmail reports whether s is a syntactically sane e-mail address: a
// bare addr-spec "local@domain" (no display name, no spaces, no quotes),
// at most MaxEmailLen characters, a local part of at most 64 characters
// that neither starts nor ends with "." nor holds "..", and a domain of at
// least two dot-separated labels of letters, digits and inner hyphens (any
// script: internationalised domains are accepted), the last label at least
// two letters long. It does not prove the address exists. The error wraps
// ErrRequired or ErrEmail.
func CheckEmail(s string) error {
	if s == "" {
		return ErrRequired
	}
	if err := checkText(s, MaxEmailLen, false); err != nil {
		return err
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || strings.Contains(domain, "@") {
		return fmt.Errorf("%w: want exactly one @", ErrEmail)
	}
	if local == "" || utf8.RuneCountInString(local) > 64 {
		return fmt.Errorf("%w: the part before @ must have 1 to 64 characters", ErrEmail)
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return fmt.Errorf("%w: misplaced dot before @", ErrEmail)
	}
	for _, r := range local {
		if unicode.IsSpace(r) || strings.ContainsRune(`"(),:;<>[\]`, r) {
			return fmt.Errorf("%w: character %q not allowed", ErrEmail, r)
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return fmt.Errorf("%w: the domain needs a dot, like example.com", ErrEmail)
	}
	for _, l := range labels {
		if l == "" || utf8.RuneCountInString(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return fmt.Errorf("%w: bad domain", ErrEmail)
		}
		for _, r := range l {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && !unicode.Is(unicode.Mn, r) {
				return fmt.Errorf("%w: character %q not allowed in the domain", ErrEmail, r)
			}
		}
	}
	tld := labels[len(labels)-1]
	if utf8.RuneCountInString(tld) < 2 || strings.IndexFunc(tld, unicode.IsDigit) >= 0 {
		return fmt.Errorf("%w: bad top-level domain", ErrEmail)
	}
	return nil
}

// Validate checks the client: Name is required and one line; Email is
// required and passes CheckEmail; Address (multi-line) and TaxID (one line)
// are optional, so an email-only client is valid. ID is not checked beyond
// being one line: the storage layer assigns it. The error is a
// *ValidationError listing every problem; its FieldErrors never repeat the
// text of name, address or tax id.
func (c *Client) Validate() error {
	var ps problems
	ps.add("id", "", checkText(c.ID, MaxIDLen, false))
	ps.add("name", "", requiredText(c.Name, MaxNameLen, false))
	ps.add("email", "", CheckEmail(c.Email))
	ps.add("address", "", checkText(c.Address, MaxAddressLen, true))
	ps.add("tax_id", "", checkText(c.TaxID, MaxTaxIDLen, false))
	ps.add("city", "", checkText(c.City, MaxNameLen, false))
	ps.add("postal_code", "", checkText(c.PostalCode, MaxTaxIDLen, false))
	ps.add("country", c.Country, CheckCountry(c.Country))
	ps.add("vat_id", "", CheckVATID(c.VATID))
	ps.add("electronic_address", "", checkText(c.EAddress, MaxEmailLen, false))
	ps.add("electronic_address_scheme", c.EAddressScheme, CheckScheme(c.EAddressScheme))
	if (c.EAddress == "") != (c.EAddressScheme == "") {
		ps.add("electronic_address_scheme", "", fmt.Errorf("%w: an electronic address and its scheme go together", ErrRequired))
	}
	if c.EAddressScheme == "EM" && c.EAddress != "" {
		ps.add("electronic_address", "", CheckEmail(c.EAddress))
	}
	ps.add("einvoice", c.EInvoice, CheckEInvoiceFormat(c.EInvoice))
	return ps.err()
}

// IsCreditNote reports whether inv is a credit note. An empty Kind means
// KindInvoice.
func (inv *Invoice) IsCreditNote() bool { return inv.Kind == KindCreditNote }

// Validate checks everything about the invoice that does not need other
// records:
//   - Kind is KindInvoice, KindCreditNote, KindQuote or empty (an
//     invoice); a credit note names the invoice it Corrects; a quote has
//     no payments or credits and only a quote's states (draft, sent,
//     accepted, declined), which no other document has.
//   - Status is one of the five states; a draft has no Number and no
//     payments or credits; any other state has a Number; a void invoice has
//     no payments or credits.
//   - ClientID is required; Currency is a known ISO 4217 code.
//   - IssueDate and DueDate are valid "YYYY-MM-DD" dates, due >= issue.
//   - There is at least one line; each line has a description and valid
//     quantity, unit price, tax rate and discount (see the Parse functions).
//   - Each payment and credit has a valid date and a positive amount in the
//     currency's minor units.
//   - Text fields respect the text limits (one line where it matters).
//
// ID is not checked beyond being one line: the storage layer assigns it.
// The error is a *ValidationError whose FieldErrors name the field, the
// line ("line 2 unit_price") and, for numbers, dates and codes, the value.
func (inv *Invoice) Validate() error {
	var ps problems
	ps.add("id", "", checkText(inv.ID, MaxIDLen, false))
	switch inv.Kind {
	case "", KindInvoice:
		if inv.Corrects != "" {
			ps.add("corrects", "", fmt.Errorf("%w: only a credit note corrects an invoice", ErrInvalid))
		}
	case KindCreditNote:
		ps.add("corrects", "", requiredText(inv.Corrects, MaxIDLen, false))
	case KindQuote:
		if inv.Corrects != "" || inv.FromQuote != "" {
			ps.add("corrects", "", fmt.Errorf("%w: a quote corrects no invoice and comes from no quote", ErrInvalid))
		}
		if len(inv.Payments) > 0 || len(inv.Credits) > 0 {
			ps.add("payments", "", fmt.Errorf("%w: a quote has no payments or credits", ErrInvalid))
		}
	default:
		ps.add("kind", string(inv.Kind), fmt.Errorf("%w: unknown kind", ErrInvalid))
	}
	switch inv.Status {
	case StatusDraft:
		if inv.Number != "" {
			ps.add("number", inv.Number, fmt.Errorf("%w: a draft has no number; it is assigned at issue", ErrInvalid))
		}
		if len(inv.Payments) > 0 || len(inv.Credits) > 0 || len(inv.Reminders) > 0 {
			ps.add("payments", "", fmt.Errorf("%w: a draft has no payments, credits or reminders", ErrInvalid))
		}
	case StatusSent, StatusAccepted, StatusDeclined:
		ps.add("number", inv.Number, requiredText(inv.Number, MaxNumberLen, false))
		if !inv.IsQuote() {
			ps.add("status", string(inv.Status), fmt.Errorf("%w: only a quote is %s", ErrInvalid, inv.Status))
		}
	case StatusIssued, StatusPartiallyPaid, StatusPaid, StatusVoid:
		ps.add("number", inv.Number, requiredText(inv.Number, MaxNumberLen, false))
		if inv.IsQuote() {
			ps.add("status", string(inv.Status), fmt.Errorf("%w: a quote is draft, sent, accepted or declined", ErrInvalid))
		}
		if inv.Status == StatusVoid && (len(inv.Payments) > 0 || len(inv.Credits) > 0) {
			ps.add("payments", "", fmt.Errorf("%w: a void invoice has no payments or credits", ErrInvalid))
		}
	case "":
		ps.add("status", "", ErrRequired)
	default:
		ps.add("status", string(inv.Status), fmt.Errorf("%w: unknown status", ErrInvalid))
	}
	ps.add("client_id", "", requiredText(inv.ClientID, MaxIDLen, false))
	_, curErr := currencyDigits(inv.Currency)
	ps.add("currency", inv.Currency, curErr)
	issue, issueErr := ParseDate(inv.IssueDate)
	ps.add("issue_date", inv.IssueDate, issueErr)
	due, dueErr := ParseDate(inv.DueDate)
	ps.add("due_date", inv.DueDate, dueErr)
	if issueErr == nil && dueErr == nil && due.Before(issue) {
		ps.add("due_date", inv.DueDate, fmt.Errorf("%w %s", ErrDueBeforeIssue, inv.IssueDate))
	}
	ps.add("notes", "", checkText(inv.Notes, MaxNotesLen, true))
	ps.add("terms", "", checkText(inv.Terms, MaxNotesLen, true))
	ps.add("void_reason", "", checkText(inv.VoidReason, MaxShortTextLen, true))
	ps.add("buyer_reference", "", checkText(inv.BuyerReference, MaxShortTextLen, false))
	ps.add("order_reference", "", checkText(inv.OrderReference, MaxShortTextLen, false))
	if len(inv.Lines) == 0 {
		ps.add("lines", "", ErrNoLines)
	}
	for i, l := range inv.Lines {
		p := fmt.Sprintf("line %d ", i+1)
		ps.add(p+"description", "", requiredText(l.Description, MaxDescriptionLen, true))
		if curErr == nil {
			if _, _, err := lineNet(l, inv.Currency, 0, p); err != nil {
				appendProblems(&ps, err, fmt.Sprintf("line %d", i+1))
			}
		}
		ps.add(p+"unit", l.Unit, CheckUnit(l.Unit))
		ps.add(p+"tax_category", l.TaxCategory, checkCategoryRate(l))
		ps.add(p+"exemption_reason", "", checkText(l.ExemptionReason, MaxShortTextLen, false))
		ps.add(p+"exemption_code", l.ExemptionCode, CheckExemptionCode(l.ExemptionCode))
	}
	for i, p := range inv.Payments {
		f := fmt.Sprintf("payment %d ", i+1)
		_, err := ParseDate(p.Date)
		ps.add(f+"date", p.Date, err)
		if curErr == nil {
			ps.add(f+"amount", p.Amount, checkPositive(p.Amount, inv.Currency))
		}
		ps.add(f+"note", "", checkText(p.Note, MaxShortTextLen, false))
	}
	for i, c := range inv.Credits {
		f := fmt.Sprintf("credit %d ", i+1)
		ps.add(f+"note_id", "", requiredText(c.NoteID, MaxIDLen, false))
		ps.add(f+"number", "", checkText(c.Number, MaxNumberLen, false))
		_, err := ParseDate(c.Date)
		ps.add(f+"date", c.Date, err)
		if curErr == nil {
			ps.add(f+"amount", c.Amount, checkPositive(c.Amount, inv.Currency))
		}
	}
	return ps.err()
}

// checkCategoryRate checks a line's VAT category and that it agrees with
// its rate: S needs a rate above zero; Z, E, AE, K, G and O a zero rate.
func checkCategoryRate(l Line) error {
	if err := CheckVATCategory(l.TaxCategory); err != nil || l.TaxCategory == "" {
		return err
	}
	r, err := ParseRate(l.TaxRate)
	if err != nil {
		return nil // reported with the rate
	}
	switch {
	case l.TaxCategory == VATStandard && r.Sign() == 0:
		return fmt.Errorf("%w: the standard rate category S needs a rate above zero; a 0%% line is Z, E, AE, K, G or O", ErrInvalid)
	case l.TaxCategory != VATStandard && l.TaxCategory != VATCanary && l.TaxCategory != VATCeutaMelilla && r.Sign() != 0:
		return fmt.Errorf("%w: category %s charges no tax, so its rate must be 0", ErrInvalid, l.TaxCategory)
	}
	return nil
}

// checkPositive checks that s is a money amount in code greater than zero.
func checkPositive(s, code string) error {
	a, err := ParseAmount(s, code)
	if err != nil {
		return err
	}
	if !a.IsPositive() {
		return fmt.Errorf("%w: must be greater than zero", ErrRange)
	}
	return nil
}

// ValidatePayment checks a payment on its own against the currency code:
// a valid date, a positive amount with at most the currency's minor units,
// a one-line note. The error is a *ValidationError.
func ValidatePayment(p Payment, code string) error {
	var ps problems
	_, err := ParseDate(p.Date)
	ps.add("date", p.Date, err)
	if _, err := currencyDigits(code); err != nil {
		ps.add("currency", code, err)
	} else {
		ps.add("amount", p.Amount, checkPositive(p.Amount, code))
	}
	ps.add("note", "", checkText(p.Note, MaxShortTextLen, false))
	return ps.err()
}
