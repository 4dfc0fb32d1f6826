package einvoice

import (
	"fmt"
	"slices"

	"github.com/bojanz/currency"
	"github.com/cockroachdb/apd/v3"

	"safeinvoice/invoice"
)

// Seller is what the seller's settings give an e-invoice.
type Seller struct {
	Party
	IBAN, BIC string
}

// Why a category without tax charges none, when the line does not say.
var defaultExemptions = map[string][2]string{
	invoice.VATReverseCharge:  {"Reverse charge", "VATEX-EU-AE"},
	invoice.VATIntraCommunity: {"Intra-community supply", "VATEX-EU-IC"},
	invoice.VATExport:         {"Export outside the EU", "VATEX-EU-G"},
	invoice.VATOutOfScope:     {"Not subject to VAT", "VATEX-EU-O"},
}

// Build makes the Document of an issued invoice or credit note inv for
// client, from seller, with inv's Totals: the PDF's amounts. corrected is,
// for a credit note, the invoice it corrects (nil if unknown).
func Build(inv *invoice.Invoice, corrected *invoice.Invoice, client invoice.Client, seller Seller) (Document, error) {
	t, err := inv.Totals()
	if err != nil {
		return Document{}, err
	}
	d := Document{
		CreditNote: inv.IsCreditNote(), Number: inv.Number, IssueDate: inv.IssueDate, DueDate: inv.DueDate,
		Currency: inv.Currency, Note: inv.Notes, Terms: inv.Terms,
		BuyerReference: inv.BuyerReference, OrderRef: inv.OrderReference,
		Seller: seller.Party, IBAN: seller.IBAN, BIC: seller.BIC,
		Buyer: Party{Name: client.Name, Street: client.Address, City: client.City, PostalCode: client.PostalCode,
			Country: client.Country, VATID: client.VATID, Endpoint: client.EAddress, EndpointScheme: client.EAddressScheme, Email: client.Email},
		LineTotal: t.Net.Number(), TaxTotal: t.Tax.Number(), Total: t.Total.Number(),
	}
	if corrected != nil {
		d.Preceding, d.PrecedingDate = corrected.Number, corrected.IssueDate
	}
	if d.CreditNote {
		d.Prepaid, d.Payable = zero(t.Total), t.Total.Number()
	} else {
		prepaid, err := t.Paid.Add(t.Credited)
		if err != nil {
			return Document{}, err
		}
		d.Prepaid, d.Payable = prepaid.Number(), t.Balance.Number()
	}
	for i, l := range inv.Lines {
		line, err := buildLine(l, t.LineNets[i], inv.Currency)
		if err != nil {
			return Document{}, fmt.Errorf("line %d: %w", i+1, err)
		}
		d.Lines = append(d.Lines, line)
	}
	for _, r := range t.Rates {
		tb := TaxBreakdown{Category: r.Category, Rate: r.Rate, Base: r.Net.Number(), Tax: r.Tax.Number()}
		for _, l := range inv.Lines {
			if l.VATCategory() != r.Category || !sameRate(l.TaxRate, r.Rate) {
				continue
			}
			if tb.ExemptionReason == "" {
				tb.ExemptionReason = l.ExemptionReason
			}
			if tb.ExemptionCode == "" {
				tb.ExemptionCode = l.ExemptionCode
			}
		}
		if def, ok := defaultExemptions[r.Category]; ok && tb.ExemptionReason == "" && tb.ExemptionCode == "" {
			tb.ExemptionReason, tb.ExemptionCode = def[0], def[1]
		}
		d.Taxes = append(d.Taxes, tb)
	}
	// A seller outside the scope of VAT states no VAT id (BR-O-02).
	if slices.ContainsFunc(d.Taxes, func(tb TaxBreakdown) bool { return tb.Category == invoice.VATOutOfScope }) {
		d.Seller.VATID, d.Buyer.VATID = "", ""
	}
	return d, nil
}

func zero(a currency.Amount) string {
	z, _ := a.Sub(a)
	return z.Number()
}

func sameRate(a, b string) bool {
	x, err1 := invoice.ParseRate(a)
	y, err2 := invoice.ParseRate(b)
	return err1 == nil && err2 == nil && x.Cmp(y) == 0
}

// buildLine writes one line's quantity, prices and net.
func buildLine(l invoice.Line, net currency.Amount, code string) (Line, error) {
	out := Line{Description: l.Description, Quantity: l.Quantity, Unit: l.Unit, Price: l.UnitPrice, NetPrice: l.UnitPrice,
		Net: net.Number(), Category: l.VATCategory(), Rate: l.TaxRate}
	if out.Unit == "" {
		out.Unit = invoice.DefaultUnit
	}
	if r, err := invoice.ParseRate(l.TaxRate); err == nil {
		out.Rate = reduce(r)
	}
	price, err := invoice.ParseUnitPrice(l.UnitPrice, code)
	if err != nil {
		return out, err
	}
	p, _, err := apd.NewFromString(price.Number())
	if err != nil {
		return out, err
	}
	c := apd.BaseContext.WithPrecision(40)
	c.Rounding = apd.RoundHalfUp
	// A price is never negative in an e-invoice (BR-27): a discount line
	// of −20.00 × 1 is written 20.00 × −1, the same net.
	if p.Negative {
		q, _, err := apd.NewFromString(l.Quantity)
		if err != nil {
			return out, err
		}
		q.Neg(q)
		p.Neg(p)
		out.Quantity, out.Price, out.NetPrice = reduce(q), p.Text('f'), p.Text('f')
	}
	disc, err := invoice.ParseDiscount(l.Discount)
	if err != nil {
		return out, err
	}
	if disc.IsZero() {
		return out, nil
	}
	// The discount is a price discount per unit: net price =
	// price × (1 − discount/100), kept to 6 decimals.
	keep := new(apd.Decimal)
	if _, err := c.Sub(keep, apd.New(100, 0), disc); err != nil {
		return out, err
	}
	np := new(apd.Decimal)
	if _, err := c.Mul(np, p, keep); err != nil {
		return out, err
	}
	if _, err := c.Quo(np, np, apd.New(100, 0)); err != nil {
		return out, err
	}
	if _, err := c.Quantize(np, np, -6); err != nil {
		return out, err
	}
	unitDisc := new(apd.Decimal)
	if _, err := c.Sub(unitDisc, p, np); err != nil {
		return out, err
	}
	out.NetPrice, out.Discount = reduce(np), reduce(unitDisc)
	return out, nil
}

// reduce writes d without trailing zeros ("19", "7.5", "0.333333").
func reduce(d *apd.Decimal) string {
	r := new(apd.Decimal)
	r.Reduce(d)
	return r.Text('f')
}

// Check lists everything d lacks for format f, in words; nil when it can
// be written. The rules are EN 16931's, plus Peppol BIS Billing 3.0's for
// the UBL formats and the German BR-DE rules for XRechnung.
func Check(d Document, f Format) error {
	var ps []string
	add := func(format string, a ...any) { ps = append(ps, fmt.Sprintf(format, a...)) }
	if digits, ok := currency.GetDigits(d.Currency); ok && digits > 2 {
		add("%s amounts have %d decimals; EN 16931 allows at most two, so invoices in %s cannot be e-invoices", d.Currency, digits, d.Currency)
	}
	s, b := d.Seller, d.Buyer
	if s.Name == "" {
		add("the business has no name")
	}
	if s.Country == "" {
		add("the business has no country: e-invoices need the seller's country")
	}
	if b.Country == "" {
		add("client %s has no country: e-invoices need the buyer's country", b.Name)
	}
	cats := map[string]bool{}
	for _, t := range d.Taxes {
		cats[t.Category] = true
	}
	if cats[invoice.VATOutOfScope] && len(cats) > 1 {
		add("lines outside the scope of VAT (O) cannot share an invoice with taxed or exempt lines")
	}
	needSellerVAT := cats[invoice.VATStandard] || cats[invoice.VATZero] || cats[invoice.VATExempt] || cats[invoice.VATReverseCharge] ||
		cats[invoice.VATIntraCommunity] || cats[invoice.VATExport] || cats[invoice.VATCanary] || cats[invoice.VATCeutaMelilla]
	if needSellerVAT && s.VATID == "" {
		add("the business has no VAT id: e-invoices with VAT categories need the seller's VAT id")
	}
	if cats[invoice.VATOutOfScope] && s.TaxID == "" {
		add("the business has no tax number: an invoice outside the scope of VAT needs one")
	}
	if (cats[invoice.VATReverseCharge] || cats[invoice.VATIntraCommunity]) && b.VATID == "" {
		add("client %s has no VAT id: reverse-charge and intra-community lines need the buyer's VAT id", b.Name)
	}
	for i, l := range d.Lines {
		if l.Category == "" {
			add("line %d has a 0%% rate but no VAT category: choose Z (zero-rated), E (exempt), AE (reverse charge), K (intra-community), G (export) or O (outside the scope of VAT)", i+1)
		}
	}
	for _, t := range d.Taxes {
		if t.Category == invoice.VATExempt && t.ExemptionReason == "" && t.ExemptionCode == "" {
			add("the exempt lines (E) give no exemption reason: say why no VAT is charged (a text, or a VATEX code)")
		}
	}
	if f.UBL() || f.XRechnung() {
		if s.Endpoint == "" {
			add("the business has no electronic address: %s needs the seller's", f)
		}
		if b.Endpoint == "" {
			add("client %s has no electronic address: %s needs the buyer's", b.Name, f)
		}
	}
	if f.UBL() {
		for _, p := range []struct {
			who    string
			scheme string
		}{{"the business", s.EndpointScheme}, {"client " + b.Name, b.EndpointScheme}} {
			if p.scheme == "EM" {
				add("%s has an e-mail address as electronic address: the Peppol network addresses participants by an id (0208 Belgian enterprise number, 0088 GLN, 9930 German VAT number…)", p.who)
			}
		}
	}
	if f == Peppol && d.BuyerReference == "" && d.OrderRef == "" {
		add("the invoice has no buyer reference and no order reference: Peppol needs one of them")
	}
	if f.XRechnung() {
		if d.BuyerReference == "" {
			add("the invoice has no buyer reference: XRechnung needs it (the Leitweg-ID of a public buyer)")
		}
		if s.City == "" || s.PostalCode == "" {
			add("the business has no city or postal code: XRechnung needs the seller's")
		}
		if b.City == "" || b.PostalCode == "" {
			add("client %s has no city or postal code: XRechnung needs the buyer's", b.Name)
		}
		if s.Contact == "" || s.Phone == "" || s.Email == "" {
			add("the business has no contact name, phone or email: XRechnung needs all three")
		}
		if d.IBAN == "" {
			add("the business has no IBAN: XRechnung needs the payment account")
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return &IncompleteError{Number: d.Number, Format: f, Problems: ps}
}
