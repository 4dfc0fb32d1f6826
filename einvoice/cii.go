package einvoice

import (
	"io"
	"strconv"
	"strings"
)

// Specification identifiers (BT-24) and the business process (BT-23).
const (
	specEN16931   = "urn:cen.eu:en16931:2017"
	specXRechnung = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
	specPeppol    = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
	processPeppol = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
)

// Document type codes (UNTDID 1001).
const (
	typeInvoice    = "380"
	typeCreditNote = "381"
)

// paymentCreditTransfer is the payment means of an IBAN: a SEPA credit
// transfer (UNTDID 4461).
const paymentCreditTransfer = "58"

func (d Document) typeCode() string {
	if d.CreditNote {
		return typeCreditNote
	}
	return typeInvoice
}

// ciiDate is a date in the CII format 102 (YYYYMMDD).
func ciiDate(name, date, ns string) *node {
	if date == "" {
		return nil
	}
	return el(name, leaf(ns+":DateTimeString", strings.ReplaceAll(date, "-", ""), "format", "102"))
}

// streetLines splits a multi-line street into at most three lines, the
// rest joined into the third.
func streetLines(s string) []string {
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > 3 {
		lines = append(lines[:2], strings.Join(lines[2:], ", "))
	}
	return append(lines, "", "", "")[:3]
}

func ciiAddress(p Party) *node {
	street := streetLines(p.Street)
	return el("ram:PostalTradeAddress",
		leaf("ram:PostcodeCode", p.PostalCode),
		leaf("ram:LineOne", street[0]), leaf("ram:LineTwo", street[1]), leaf("ram:LineThree", street[2]),
		leaf("ram:CityName", p.City), leaf("ram:CountryID", p.Country))
}

func ciiParty(name string, p Party, seller bool) *node {
	var contact *node
	if seller {
		contact = el("ram:DefinedTradeContact",
			leaf("ram:PersonName", p.Contact),
			el("ram:TelephoneUniversalCommunication", leaf("ram:CompleteNumber", p.Phone)),
			el("ram:EmailURIUniversalCommunication", leaf("ram:URIID", p.Email)))
	}
	var taxRegs []*node
	if p.VATID != "" {
		taxRegs = append(taxRegs, el("ram:SpecifiedTaxRegistration", leaf("ram:ID", p.VATID, "schemeID", "VA")))
	}
	if seller && p.TaxID != "" {
		taxRegs = append(taxRegs, el("ram:SpecifiedTaxRegistration", leaf("ram:ID", p.TaxID, "schemeID", "FC")))
	}
	kids := []*node{
		leaf("ram:Name", p.Name),
		contact,
		ciiAddress(p),
	}
	if p.Endpoint != "" {
		kids = append(kids, el("ram:URIUniversalCommunication", leaf("ram:URIID", p.Endpoint, "schemeID", p.EndpointScheme)))
	}
	return el(name, append(kids, taxRegs...)...)
}

// ciiTax is an ApplicableTradeTax: a line's category and rate, or with
// amounts a breakdown.
func ciiTax(t TaxBreakdown, amounts bool) *node {
	var calc, base, reason, code *node
	if amounts {
		calc, base = leaf("ram:CalculatedAmount", t.Tax), leaf("ram:BasisAmount", t.Base)
		reason, code = leaf("ram:ExemptionReason", t.ExemptionReason), leaf("ram:ExemptionReasonCode", t.ExemptionCode)
	}
	return el("ram:ApplicableTradeTax", calc, leaf("ram:TypeCode", "VAT"), reason, base,
		leaf("ram:CategoryCode", t.Category), code, leaf("ram:RateApplicablePercent", t.Rate))
}

// WriteCII writes d as a UN/CEFACT Cross Industry Invoice D16B at the
// EN 16931 profile (FacturX) or to XRechnung 3.0 (XRechnungCII), after
// Check.
func WriteCII(w io.Writer, d Document, f Format) error {
	if err := Check(d, f); err != nil {
		return err
	}
	spec := specEN16931
	if f.XRechnung() {
		spec = specXRechnung
	}
	var lines []*node
	for i, l := range d.Lines {
		var gross *node
		if l.Discount != "" {
			gross = el("ram:GrossPriceProductTradePrice", leaf("ram:ChargeAmount", l.Price),
				el("ram:AppliedTradeAllowanceCharge",
					el("ram:ChargeIndicator", leaf("udt:Indicator", "false")),
					leaf("ram:ActualAmount", l.Discount)))
		}
		lines = append(lines, el("ram:IncludedSupplyChainTradeLineItem",
			el("ram:AssociatedDocumentLineDocument", leaf("ram:LineID", strconv.Itoa(i+1))),
			el("ram:SpecifiedTradeProduct", leaf("ram:Name", oneLine(l.Description))),
			el("ram:SpecifiedLineTradeAgreement", gross,
				el("ram:NetPriceProductTradePrice", leaf("ram:ChargeAmount", l.NetPrice))),
			el("ram:SpecifiedLineTradeDelivery", leaf("ram:BilledQuantity", l.Quantity, "unitCode", l.Unit)),
			el("ram:SpecifiedLineTradeSettlement",
				ciiTax(TaxBreakdown{Category: l.Category, Rate: l.Rate}, false),
				el("ram:SpecifiedTradeSettlementLineMonetarySummation", leaf("ram:LineTotalAmount", l.Net)))))
	}
	var taxes []*node
	for _, t := range d.Taxes {
		taxes = append(taxes, ciiTax(t, true))
	}
	var payment *node
	if d.IBAN != "" {
		payment = el("ram:SpecifiedTradeSettlementPaymentMeans",
			leaf("ram:TypeCode", paymentCreditTransfer),
			el("ram:PayeePartyCreditorFinancialAccount", leaf("ram:IBANID", d.IBAN)),
			el("ram:PayeeSpecifiedCreditorFinancialInstitution", leaf("ram:BICID", d.BIC)))
	}
	// An intra-community supply states where the goods went and when
	// (BR-IC-11, BR-IC-12): the buyer's country, on the issue date.
	var delivery []*node
	if d.needsDelivery() {
		delivery = []*node{
			el("ram:ShipToTradeParty", ciiAddress(d.Buyer)),
			el("ram:ActualDeliverySupplyChainEvent", ciiDate("ram:OccurrenceDateTime", d.IssueDate, "udt")),
		}
	}
	var preceding *node
	if d.Preceding != "" {
		preceding = el("ram:InvoiceReferencedDocument", leaf("ram:IssuerAssignedID", d.Preceding),
			ciiDate("ram:FormattedIssueDateTime", d.PrecedingDate, "qdt"))
	}
	var notes []*node
	if d.Note != "" {
		notes = append(notes, el("ram:IncludedNote", leaf("ram:Content", d.Note)))
	}
	header := []*node{
		el("ram:ApplicableHeaderTradeAgreement",
			leaf("ram:BuyerReference", d.BuyerReference),
			ciiParty("ram:SellerTradeParty", d.Seller, true),
			ciiParty("ram:BuyerTradeParty", d.Buyer, false),
			el("ram:BuyerOrderReferencedDocument", leaf("ram:IssuerAssignedID", d.OrderRef))),
		{name: "ram:ApplicableHeaderTradeDelivery", kids: delivery},
		el("ram:ApplicableHeaderTradeSettlement", append(append(append([]*node{
			leaf("ram:InvoiceCurrencyCode", d.Currency),
			payment}, taxes...),
			el("ram:SpecifiedTradePaymentTerms", leaf("ram:Description", d.Terms), ciiDate("ram:DueDateDateTime", d.DueDate, "udt")),
			el("ram:SpecifiedTradeSettlementHeaderMonetarySummation",
				leaf("ram:LineTotalAmount", d.LineTotal),
				leaf("ram:TaxBasisTotalAmount", d.LineTotal),
				leaf("ram:TaxTotalAmount", d.TaxTotal, "currencyID", d.Currency),
				leaf("ram:GrandTotalAmount", d.Total),
				leaf("ram:TotalPrepaidAmount", d.Prepaid),
				leaf("ram:DuePayableAmount", d.Payable))),
			preceding)...),
	}
	root := el("rsm:CrossIndustryInvoice",
		el("rsm:ExchangedDocumentContext",
			el("ram:BusinessProcessSpecifiedDocumentContextParameter", leaf("ram:ID", processPeppol)),
			el("ram:GuidelineSpecifiedDocumentContextParameter", leaf("ram:ID", spec))),
		el("rsm:ExchangedDocument", append([]*node{
			leaf("ram:ID", d.Number),
			leaf("ram:TypeCode", d.typeCode()),
			ciiDate("ram:IssueDateTime", d.IssueDate, "udt")}, notes...)...),
		el("rsm:SupplyChainTradeTransaction", append(lines, header...)...),
	).withAttrs(
		"xmlns:rsm", "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
		"xmlns:qdt", "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
		"xmlns:ram", "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
		"xmlns:udt", "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100")
	return write(w, root)
}

// needsDelivery: an intra-community supply states where the goods went
// (BR-IC-12).
func (d Document) needsDelivery() bool {
	for _, t := range d.Taxes {
		if t.Category == "K" {
			return true
		}
	}
	return false
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
