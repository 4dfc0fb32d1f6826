package invoice

import (
	"fmt"
	"strings"
)

// NormalizeIBAN removes the spaces an IBAN is often written with and
// upper-cases it.
func NormalizeIBAN(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// CheckIBAN checks an IBAN (normalized, see NormalizeIBAN): a country
// code, two check digits and up to 30 letters and digits, whose ISO 7064
// mod-97 check gives 1. "" is allowed.
func CheckIBAN(iban string) error {
	if iban == "" {
		return nil
	}
	if len(iban) < 15 || len(iban) > 34 || CheckCountry(iban[:2]) != nil || iban[2] < '0' || iban[2] > '9' || iban[3] < '0' || iban[3] > '9' {
		return fmt.Errorf("%w: IBAN (a country code, two check digits and the account, such as DE02 1203 0000 0000 2020 51)", ErrCode)
	}
	rem := 0
	for _, r := range iban[4:] + iban[:4] {
		switch {
		case r >= '0' && r <= '9':
			rem = (rem*10 + int(r-'0')) % 97
		case r >= 'A' && r <= 'Z':
			rem = (rem*100 + int(r-'A'+10)) % 97
		default:
			return fmt.Errorf("%w: IBAN with the character %q", ErrCode, r)
		}
	}
	if rem != 1 {
		return fmt.Errorf("%w: IBAN whose check digits do not match (a typing error?)", ErrCode)
	}
	return nil
}

// CheckBIC checks a BIC (SWIFT code): 4 letters of the bank, the country,
// 2 letters or digits of the location and optionally 3 of the branch. ""
// is allowed.
func CheckBIC(bic string) error {
	if bic == "" {
		return nil
	}
	ok := (len(bic) == 8 || len(bic) == 11) && CheckCountry(bic[4:6]) == nil &&
		strings.IndexFunc(bic[:4], func(r rune) bool { return r < 'A' || r > 'Z' }) < 0 &&
		strings.IndexFunc(bic[6:], func(r rune) bool { return (r < 'A' || r > 'Z') && (r < '0' || r > '9') }) < 0
	if !ok {
		return fmt.Errorf("%w: BIC (8 or 11 letters and digits, such as BYLADEM1001)", ErrCode)
	}
	return nil
}
