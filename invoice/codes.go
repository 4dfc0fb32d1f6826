package invoice

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Codes of the European e-invoicing norm (EN 16931) that clients, lines
// and the seller carry. They are optional: only a client who receives
// e-invoices needs them.

// ErrCode means a code is not one of its list's.
var ErrCode = errors.New("not a known code")

// VAT categories (UNTDID 5305, as EN 16931 uses them).
const (
	VATStandard       = "S"  // standard rate
	VATZero           = "Z"  // zero-rated goods
	VATExempt         = "E"  // exempt from tax
	VATReverseCharge  = "AE" // VAT reverse charge
	VATIntraCommunity = "K"  // intra-community supply, VAT exempt
	VATExport         = "G"  // export outside the EU, tax not charged
	VATOutOfScope     = "O"  // services outside the scope of tax
	VATCanary         = "L"  // Canary Islands general indirect tax (IGIC)
	VATCeutaMelilla   = "M"  // tax for production, services and importation in Ceuta and Melilla (IPSI)
)

// CategoryName is a VAT category in words, as documents and reports
// print it: "standard rate", "reverse charge"; "" for a code it does not
// know.
func CategoryName(c string) string {
	return map[string]string{
		VATStandard: "standard rate", VATZero: "zero-rated", VATExempt: "exempt from VAT", VATReverseCharge: "reverse charge",
		VATIntraCommunity: "intra-EU supply, exempt", VATExport: "export outside the EU",
		VATOutOfScope: "not subject to VAT", VATCanary: "Canary Islands IGIC", VATCeutaMelilla: "Ceuta and Melilla IPSI",
	}[c]
}

// vatCategories are the categories a line may name.
var vatCategories = []string{VATStandard, VATZero, VATExempt, VATReverseCharge, VATIntraCommunity, VATExport, VATOutOfScope, VATCanary, VATCeutaMelilla}

// ExemptCategories are the categories whose lines must say why no tax is
// charged (an exemption reason text or a VATEX code).
var ExemptCategories = []string{VATExempt, VATReverseCharge, VATIntraCommunity, VATExport, VATOutOfScope}

// CheckVATCategory checks a UNTDID 5305 VAT category code ("" is allowed:
// the line's category then follows from its rate, see Line.VATCategory).
func CheckVATCategory(c string) error {
	if c == "" || slices.Contains(vatCategories, c) {
		return nil
	}
	return fmt.Errorf("%w: VAT category %q (S, Z, E, AE, K, G, O, L or M)", ErrCode, c)
}

// VATCategory is the line's VAT category: the one it names, or S when its
// rate is above zero; "" for a zero rate without one, which an e-invoice
// refuses (it must say whether the line is zero-rated, exempt, reverse
// charged…).
func (l Line) VATCategory() string {
	if l.TaxCategory != "" {
		return l.TaxCategory
	}
	if r, err := ParseRate(l.TaxRate); err == nil && r.Sign() > 0 {
		return VATStandard
	}
	return ""
}

// CheckUnit checks a UN/ECE Recommendation 20 unit code ("" means C62,
// one piece): 2 or 3 upper-case letters and digits, such as C62, HUR, DAY,
// KGM, MTR, LTR.
func CheckUnit(u string) error {
	if u == "" {
		return nil
	}
	if len(u) < 2 || len(u) > 3 || strings.IndexFunc(u, func(r rune) bool { return (r < 'A' || r > 'Z') && (r < '0' || r > '9') }) >= 0 {
		return fmt.Errorf("%w: unit %q (a UN/ECE Rec. 20 code such as C62, HUR, DAY or KGM)", ErrCode, u)
	}
	return nil
}

// DefaultUnit is the unit of a line that names none: one piece.
const DefaultUnit = "C62"

// CheckExemptionCode checks a VATEX exemption code such as VATEX-EU-AE,
// VATEX-EU-IC, VATEX-EU-G, VATEX-EU-O or VATEX-EU-132-1A.
func CheckExemptionCode(c string) error {
	if c == "" {
		return nil
	}
	rest, ok := strings.CutPrefix(c, "VATEX-")
	if !ok || len(rest) < 2 || len(c) > 30 || strings.IndexFunc(rest, func(r rune) bool {
		return (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-'
	}) >= 0 {
		return fmt.Errorf("%w: exemption code %q (a VATEX code such as VATEX-EU-AE or VATEX-EU-132-1A)", ErrCode, c)
	}
	return nil
}

// countries are the ISO 3166-1 alpha-2 codes.
var countries = strings.Fields(`AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT
MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`)

// CheckCountry checks an ISO 3166-1 alpha-2 country code ("" allowed).
func CheckCountry(c string) error {
	if c == "" || slices.Contains(countries, c) {
		return nil
	}
	return fmt.Errorf("%w: country %q (an ISO 3166-1 two-letter code such as DE, FR or BE)", ErrCode, c)
}

// EU VAT identifiers start with the member state's prefix (Greece uses EL,
// Northern Ireland XI).
var vatPrefixes = strings.Fields(`AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI`)

// CheckVATID checks the shape of a VAT identifier ("" allowed): a
// two-letter country prefix, then 2 to 13 letters and digits, no spaces
// (DE123456789, FRXX999999999, BE0123456789). Outside the EU any prefix of
// two letters is accepted, since EN 16931 asks for one.
func CheckVATID(v string) error {
	if v == "" {
		return nil
	}
	bad := len(v) < 4 || len(v) > 15 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z' ||
		strings.IndexFunc(v[2:], func(r rune) bool { return (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '+' && r != '*' }) >= 0
	if bad {
		return fmt.Errorf("%w: VAT id (a country prefix and 2 to 13 letters or digits without spaces, such as DE123456789)", ErrCode)
	}
	return nil
}

// IsEUVATID reports whether a VAT id carries an EU member state's prefix.
func IsEUVATID(v string) bool { return len(v) >= 2 && slices.Contains(vatPrefixes, v[:2]) }

// Electronic address schemes (EAS) SafeInvoice offers; the full list is
// long, these are the ones its users meet.
var eas = map[string]string{
	"EM":   "e-mail address",
	"0002": "SIRENE (France)",
	"0007": "Organisationsnummer (Sweden)",
	"0009": "SIRET (France)",
	"0060": "DUNS number",
	"0088": "GLN (Global Location Number)",
	"0106": "KvK number (Netherlands)",
	"0184": "DIGSTORG (Denmark)",
	"0190": "OIN (Netherlands)",
	"0192": "Organisasjonsnummer (Norway)",
	"0204": "Leitweg-ID (Germany)",
	"0208": "enterprise number (Belgium)",
	"0209": "GS1 identification keys",
	"0210": "codice fiscale (Italy)",
	"0211": "partita IVA (Italy)",
	"0225": "FRCTC electronic address (France)",
	"9906": "partita IVA (Italy, old)",
	"9915": "VAT number (Austria)",
	"9925": "VAT number (Belgium)",
	"9930": "VAT number (Germany)",
	"9944": "VAT number (Netherlands)",
	"9957": "VAT number (France)",
}

// CheckScheme checks an electronic address scheme (EAS) code ("" allowed).
func CheckScheme(s string) error {
	if s == "" {
		return nil
	}
	if _, ok := eas[s]; ok {
		return nil
	}
	return fmt.Errorf("%w: electronic address scheme %q (EM for an e-mail address, 0208 for a Belgian enterprise number, 0088 for a GLN, 9930 for a German VAT number…)", ErrCode, s)
}

// Schemes lists the electronic address schemes with what they are, sorted
// by code.
func Schemes() [][2]string {
	var out [][2]string
	for _, k := range slices.Sorted(maps.Keys(eas)) {
		out = append(out, [2]string{k, eas[k]})
	}
	return out
}

// E-invoice formats a client may receive.
const (
	EInvoiceNone         = ""
	EInvoiceFacturX      = "facturx"
	EInvoiceXRechnungCII = "xrechnung-cii"
	EInvoiceXRechnungUBL = "xrechnung-ubl"
	EInvoicePeppol       = "peppol"
)

// CheckEInvoiceFormat checks a client's e-invoice format ("" or "none":
// PDF only).
func CheckEInvoiceFormat(f string) error {
	switch f {
	case "", "none", EInvoiceFacturX, EInvoiceXRechnungCII, EInvoiceXRechnungUBL, EInvoicePeppol:
		return nil
	}
	return fmt.Errorf("%w: e-invoice format %q (none, facturx, xrechnung-cii, xrechnung-ubl or peppol)", ErrCode, f)
}
