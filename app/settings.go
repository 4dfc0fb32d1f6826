package app

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"regexp"
	"slices"
	"strings"

	"github.com/bojanz/currency"

	"safeinvoice/auth"
	"safeinvoice/invoice"
	"safeinvoice/pdf"
	"safeinvoice/storage"
)

// maxLogoBytes bounds the logo kept in settings and printed on invoices.
const maxLogoBytes = 4 << 20

// maxPDFNote bounds the closing note printed on every PDF.
const maxPDFNote = 2000

// localeTag is the shape of the number-format tags the PDFs accept.
var localeTag = regexp.MustCompile(`^[a-z]{2,3}(-[A-Z]{2})?$`)

// CheckLogo checks a logo for the settings: a PNG or JPEG image of at most
// 4 MiB; no logo (empty) is fine.
func CheckLogo(data []byte) error {
	if len(data) == 0 {
		return nil
	}
	if len(data) > maxLogoBytes {
		return fmt.Errorf("logo: %d bytes, at most %d", len(data), maxLogoBytes)
	}
	if _, format, err := image.DecodeConfig(bytes.NewReader(data)); err != nil || (format != "png" && format != "jpeg") {
		return errors.New("logo: not a PNG or JPEG image")
	}
	return nil
}

// SaveSettings replaces the business profile, numbering patterns, currency
// and payment terms (administrators). Backup settings have their own use
// case (SetBackupSettings) and are kept as they are.
func (s *Session) SaveSettings(next Settings) error {
	return s.saveSettings(next, "business profile, numbering, currency, terms")
}

func (s *Session) saveSettings(next Settings, detail string) error {
	if err := s.require(auth.PermEditSettings); err != nil {
		return err
	}
	next.BusinessName = strings.TrimSpace(next.BusinessName)
	next.Currency = strings.ToUpper(strings.TrimSpace(next.Currency))
	if next.BusinessName == "" {
		return fmt.Errorf("business name: %w", invoice.ErrRequired)
	}
	if !currency.IsValid(next.Currency) {
		return fmt.Errorf("currency %q: %w", next.Currency, invoice.ErrCurrency)
	}
	for name, p := range map[string]string{"number pattern": next.NumberPattern, "credit note pattern": next.CreditNotePattern,
		"quote pattern": next.QuotePattern} {
		if p == "" && name == "quote pattern" {
			continue // the default
		}
		if _, err := invoice.ParsePattern(p); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if next.PaymentDays < 0 || next.PaymentDays > 365 {
		return fmt.Errorf("payment days %d: between 0 and 365", next.PaymentDays)
	}
	if err := CheckLogo(next.Logo); err != nil {
		return err
	}
	if next.DefaultTaxRate = strings.TrimSpace(next.DefaultTaxRate); next.DefaultTaxRate != "" {
		if _, err := invoice.ParseRate(next.DefaultTaxRate); err != nil {
			return fmt.Errorf("default tax rate %q: %w", next.DefaultTaxRate, err)
		}
	}
	next.PDFPaper = strings.ToLower(strings.TrimSpace(next.PDFPaper))
	if next.PDFPaper != "" && next.PDFPaper != string(pdf.A4) && next.PDFPaper != string(pdf.Letter) {
		return fmt.Errorf("paper size %q: choose a4 or letter", next.PDFPaper)
	}
	next.PDFLocale = strings.TrimSpace(next.PDFLocale)
	if next.PDFLocale != "" && !localeTag.MatchString(next.PDFLocale) {
		return fmt.Errorf("number format %q: a language tag such as de-DE or en-US", next.PDFLocale)
	}
	next.PDFNote = strings.TrimSpace(next.PDFNote)
	if n := len(next.PDFNote); n > maxPDFNote {
		return fmt.Errorf("PDF note: %d bytes, at most %d", n, maxPDFNote)
	}
	if err := checkSeller(&next); err != nil {
		return err
	}
	findings := invoice.Scan(next.BusinessAddress + "\n" + next.PaymentTerms + "\n" + next.PDFNote)
	if _, err := s.screen(findings); err != nil {
		return err
	}
	return s.update(func(tx *storage.Tx) error {
		cur, err := tx.Settings()
		if err != nil {
			return err
		}
		next.BackupDir, next.BackupRecipients, next.BackupSchedule = cur.BackupDir, cur.BackupRecipients, cur.BackupSchedule
		next.BackupKeepLast, next.BackupKeepDaily = cur.BackupKeepLast, cur.BackupKeepDaily
		next.BackupKeepWeekly, next.BackupKeepMonthly = cur.BackupKeepWeekly, cur.BackupKeepMonthly
		if err := tx.PutSettings(next); err != nil {
			return err
		}
		return tx.Audit("settings.update", "", detail)
	})
}

// checkSeller tidies and checks what e-invoices need of the seller: codes
// upper-cased, spaces taken out of the VAT id, IBAN and BIC, each checked
// (the IBAN by its mod-97 digits). The IBAN and BIC have fields of their
// own, which the minimal-information scan leaves alone; typed into free
// text they are still flagged.
func checkSeller(st *Settings) error {
	squeeze := func(v string) string { return strings.ToUpper(strings.Join(strings.Fields(v), "")) }
	st.BusinessCountry = strings.ToUpper(strings.TrimSpace(st.BusinessCountry))
	st.BusinessVATID, st.PaymentIBAN, st.PaymentBIC = squeeze(st.BusinessVATID), invoice.NormalizeIBAN(st.PaymentIBAN), squeeze(st.PaymentBIC)
	st.BusinessEAddressScheme = strings.ToUpper(strings.TrimSpace(st.BusinessEAddressScheme))
	for _, p := range []*string{&st.BusinessCity, &st.BusinessPostalCode, &st.BusinessPhone, &st.BusinessContact, &st.BusinessEAddress} {
		*p = strings.TrimSpace(*p)
	}
	var errs []error
	for name, err := range map[string]error{
		"country": invoice.CheckCountry(st.BusinessCountry), "VAT id": invoice.CheckVATID(st.BusinessVATID),
		"IBAN": invoice.CheckIBAN(st.PaymentIBAN), "BIC": invoice.CheckBIC(st.PaymentBIC),
		"electronic address scheme": invoice.CheckScheme(st.BusinessEAddressScheme),
	} {
		if err != nil {
			errs = append(errs, fmt.Errorf("business %s: %w", name, err))
		}
	}
	for name, v := range map[string]string{"city": st.BusinessCity, "postal code": st.BusinessPostalCode, "phone": st.BusinessPhone,
		"contact": st.BusinessContact, "electronic address": st.BusinessEAddress} {
		if len(v) > 200 || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			errs = append(errs, fmt.Errorf("business %s: one line of at most 200 characters", name))
		}
	}
	if st.BusinessEAddress != "" && st.BusinessEAddressScheme == "" {
		errs = append(errs, errors.New("business electronic address: set its scheme first (business.electronic_address_scheme: EM for an e-mail address, 0088 for a GLN…)"))
	}
	if st.BusinessEAddressScheme == "EM" {
		if err := invoice.CheckEmail(st.BusinessEAddress); err != nil {
			errs = append(errs, fmt.Errorf("business electronic address: %w", err))
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// Settings is the business profile and the administrator's choices.
type Settings = storage.Settings

// Settings returns the vault's settings.
func (s *Session) Settings() (storage.Settings, error) {
	return read(s, (*storage.Tx).Settings)
}
