package einvoice

import (
	"io"
	"strconv"
)

// UBL namespaces.
const (
	nsUBLInvoice    = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
	nsUBLCreditNote = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
	nsCAC           = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
	nsCBC           = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
)

func ublAmount(name, value, currency string) *node {
	return leaf(name, value, "currencyID", currency)
}

func ublAddress(name string, p Party) *node {
	street := streetLines(p.Street)
	return el(name,
		leaf("cbc:StreetName", street[0]),
		leaf("cbc:AdditionalStreetName", street[1]),
		leaf("cbc:CityName", p.City),
		leaf("cbc:PostalZone", p.PostalCode),
		el("cac:AddressLine", leaf("cbc:Line", street[2])),
		el("cac:Country", leaf("cbc:IdentificationCode", p.Country)))
}

func ublParty(name string, p Party, seller bool) *node {
	var endpoint *node
	if p.Endpoint != "" {
		endpoint = leaf("cbc:EndpointID", p.Endpoint, "schemeID", p.EndpointScheme)
	}
	var taxSchemes []*node
	if p.VATID != "" {
		taxSchemes = append(taxSchemes, el("cac:PartyTaxScheme", leaf("cbc:CompanyID", p.VATID), el("cac:TaxScheme", leaf("cbc:ID", "VAT"))))
	}
	if seller && p.TaxID != "" {
		taxSchemes = append(taxSchemes, el("cac:PartyTaxScheme", leaf("cbc:CompanyID", p.TaxID), el("cac:TaxScheme", leaf("cbc:ID", "FC"))))
	}
	var contact *node
	if seller {
		contact = el("cac:Contact", leaf("cbc:Name", p.Contact), leaf("cbc:Telephone", p.Phone), leaf("cbc:ElectronicMail", p.Email))
	} else {
		contact = el("cac:Contact", leaf("cbc:ElectronicMail", p.Email))
	}
	kids := []*node{endpoint, ublAddress("cac:PostalAddress", p)}
	kids = append(kids, taxSchemes...)
	kids = append(kids, el("cac:PartyLegalEntity", leaf("cbc:RegistrationName", p.Name)), contact)
	return el(name, el("cac:Party", kids...))
}

func ublCategory(name string, category, rate, reason, code string) *node {
	var percent *node
	if category != "O" { // outside the scope of VAT carries no rate (BR-O-14)
		percent = leaf("cbc:Percent", rate)
	}
	return el(name, leaf("cbc:ID", category), percent,
		leaf("cbc:TaxExemptionReasonCode", code), leaf("cbc:TaxExemptionReason", reason),
		el("cac:TaxScheme", leaf("cbc:ID", "VAT")))
}

// WriteUBL writes d as a UBL 2.1 Invoice or CreditNote to Peppol BIS
// Billing 3.0 (Peppol), or to XRechnung 3.0 and Peppol at once
// (XRechnungUBL), after Check.
func WriteUBL(w io.Writer, d Document, f Format) error {
	if err := Check(d, f); err != nil {
		return err
	}
	cur := d.Currency
	root, lineName, qtyName := "Invoice", "cac:InvoiceLine", "cbc:InvoicedQuantity"
	ns := nsUBLInvoice
	if d.CreditNote {
		root, lineName, qtyName, ns = "CreditNote", "cac:CreditNoteLine", "cbc:CreditedQuantity", nsUBLCreditNote
	}
	head := []*node{
		leaf("cbc:CustomizationID", specPeppol),
		leaf("cbc:ProfileID", processPeppol),
		leaf("cbc:ID", d.Number),
		leaf("cbc:IssueDate", d.IssueDate),
	}
	if !d.CreditNote {
		head = append(head, leaf("cbc:DueDate", d.DueDate), leaf("cbc:InvoiceTypeCode", typeInvoice))
	} else {
		head = append(head, leaf("cbc:CreditNoteTypeCode", typeCreditNote))
	}
	head = append(head,
		leaf("cbc:Note", d.Note),
		leaf("cbc:DocumentCurrencyCode", cur),
		leaf("cbc:BuyerReference", d.BuyerReference),
		el("cac:OrderReference", leaf("cbc:ID", d.OrderRef)))
	if d.Preceding != "" {
		head = append(head, el("cac:BillingReference", el("cac:InvoiceDocumentReference",
			leaf("cbc:ID", d.Preceding), leaf("cbc:IssueDate", d.PrecedingDate))))
	}
	head = append(head,
		ublParty("cac:AccountingSupplierParty", d.Seller, true),
		ublParty("cac:AccountingCustomerParty", d.Buyer, false))
	if d.needsDelivery() {
		head = append(head, el("cac:Delivery", leaf("cbc:ActualDeliveryDate", d.IssueDate),
			el("cac:DeliveryLocation", ublAddress("cac:Address", d.Buyer))))
	}
	if d.IBAN != "" {
		var due *node
		if d.CreditNote {
			due = leaf("cbc:PaymentDueDate", d.DueDate)
		}
		head = append(head, el("cac:PaymentMeans", leaf("cbc:PaymentMeansCode", paymentCreditTransfer), due,
			el("cac:PayeeFinancialAccount", leaf("cbc:ID", d.IBAN), el("cac:FinancialInstitutionBranch", leaf("cbc:ID", d.BIC)))))
	}
	head = append(head, el("cac:PaymentTerms", leaf("cbc:Note", d.Terms)))
	subtotals := []*node{ublAmount("cbc:TaxAmount", d.TaxTotal, cur)}
	for _, t := range d.Taxes {
		subtotals = append(subtotals, el("cac:TaxSubtotal",
			ublAmount("cbc:TaxableAmount", t.Base, cur), ublAmount("cbc:TaxAmount", t.Tax, cur),
			ublCategory("cac:TaxCategory", t.Category, t.Rate, t.ExemptionReason, t.ExemptionCode)))
	}
	head = append(head, el("cac:TaxTotal", subtotals...),
		el("cac:LegalMonetaryTotal",
			ublAmount("cbc:LineExtensionAmount", d.LineTotal, cur),
			ublAmount("cbc:TaxExclusiveAmount", d.LineTotal, cur),
			ublAmount("cbc:TaxInclusiveAmount", d.Total, cur),
			ublAmount("cbc:PrepaidAmount", d.Prepaid, cur),
			ublAmount("cbc:PayableAmount", d.Payable, cur)))
	for i, l := range d.Lines {
		price := []*node{ublAmount("cbc:PriceAmount", l.NetPrice, cur)}
		if l.Discount != "" {
			price = append(price, el("cac:AllowanceCharge", leaf("cbc:ChargeIndicator", "false"),
				ublAmount("cbc:Amount", l.Discount, cur), ublAmount("cbc:BaseAmount", l.Price, cur)))
		}
		head = append(head, el(lineName,
			leaf("cbc:ID", strconv.Itoa(i+1)),
			leaf(qtyName, l.Quantity, "unitCode", l.Unit),
			ublAmount("cbc:LineExtensionAmount", l.Net, cur),
			el("cac:Item", leaf("cbc:Name", oneLine(l.Description)),
				ublCategory("cac:ClassifiedTaxCategory", l.Category, l.Rate, "", "")),
			el("cac:Price", price...)))
	}
	doc := el(root, head...).withAttrs("xmlns", ns, "xmlns:cac", nsCAC, "xmlns:cbc", nsCBC)
	return write(w, doc)
}
