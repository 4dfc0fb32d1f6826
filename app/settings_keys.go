package app

import (
	"fmt"
	"slices"
	"strings"

	"safeinvoice/auth"
)

// SettingKey is a setting the command line shows and sets by name.
type SettingKey struct {
	Key, Description string
	field            func(*Settings) *string
}

// settingKeys are the business profile and payment settings by name.
var settingKeys = []SettingKey{
	{"business.name", "the business's legal name", func(st *Settings) *string { return &st.BusinessName }},
	{"business.address", "street and number (lines separated by \\n)", func(st *Settings) *string { return &st.BusinessAddress }},
	{"business.city", "city", func(st *Settings) *string { return &st.BusinessCity }},
	{"business.postal_code", "postal code", func(st *Settings) *string { return &st.BusinessPostalCode }},
	{"business.country", "country, ISO 3166-1 two-letter code (DE, FR, BE…)", func(st *Settings) *string { return &st.BusinessCountry }},
	{"business.vat_id", "VAT identifier (DE123456789)", func(st *Settings) *string { return &st.BusinessVATID }},
	{"business.tax_id", "tax registration number", func(st *Settings) *string { return &st.BusinessTaxID }},
	{"business.email", "contact e-mail address", func(st *Settings) *string { return &st.BusinessEmail }},
	{"business.phone", "contact phone number", func(st *Settings) *string { return &st.BusinessPhone }},
	{"business.contact", "contact person", func(st *Settings) *string { return &st.BusinessContact }},
	{"business.electronic_address", "where e-invoices come from: an e-mail address or a Peppol id", func(st *Settings) *string { return &st.BusinessEAddress }},
	{"business.electronic_address_scheme", "its scheme: EM (e-mail), 0208, 0088, 9930…", func(st *Settings) *string { return &st.BusinessEAddressScheme }},
	{"payment.iban", "the account credit transfers go to (IBAN)", func(st *Settings) *string { return &st.PaymentIBAN }},
	{"payment.bic", "its bank's BIC", func(st *Settings) *string { return &st.PaymentBIC }},
	{"payment.terms", "payment terms printed on invoices", func(st *Settings) *string { return &st.PaymentTerms }},
}

// SettingKeys lists the settings SetSetting knows, in order.
func SettingKeys() []SettingKey { return slices.Clone(settingKeys) }

// Setting returns the value of key in st.
func Setting(st Settings, key string) (string, error) {
	k, err := settingKey(key)
	if err != nil {
		return "", err
	}
	return *k.field(&st), nil
}

func settingKey(key string) (SettingKey, error) {
	i := slices.IndexFunc(settingKeys, func(k SettingKey) bool { return k.Key == key })
	if i < 0 {
		var names []string
		for _, k := range settingKeys {
			names = append(names, k.Key)
		}
		return SettingKey{}, fmt.Errorf("unknown setting %q (%s)", key, strings.Join(names, ", "))
	}
	return settingKeys[i], nil
}

// SetSetting sets one setting by name (administrators), checked as
// SaveSettings checks them all, and audited with its name ("" clears it;
// "\n" in business.address separates lines).
func (s *Session) SetSetting(key, value string) error {
	if err := s.require(auth.PermEditSettings); err != nil {
		return err
	}
	k, err := settingKey(key)
	if err != nil {
		return err
	}
	st, err := s.Settings()
	if err != nil {
		return err
	}
	if key == "business.address" {
		value = strings.ReplaceAll(value, `\n`, "\n")
	}
	*k.field(&st) = value
	return s.saveSettings(st, "set "+key)
}
