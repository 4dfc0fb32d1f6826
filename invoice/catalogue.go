package invoice

import (
	"strings"
	"time"
)

// Item is one product or service of the catalogue, picked into an
// invoice's lines: its description, unit price (a decimal string in the
// invoice's currency), unit (UN/ECE Rec. 20, "" for DefaultUnit), tax rate
// (percent) and, for a rate that needs it, VAT category.
type Item struct {
	ID          string    `json:"id"`
	Description string    `json:"description"`
	UnitPrice   string    `json:"unit_price"`
	Unit        string    `json:"unit,omitempty"`
	TaxRate     string    `json:"tax_rate"`
	TaxCategory string    `json:"tax_category,omitempty"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
}

// Normalize trims the item's fields and upper-cases its codes.
func (it *Item) Normalize() {
	it.Description = strings.TrimSpace(it.Description)
	it.UnitPrice, it.TaxRate = strings.TrimSpace(it.UnitPrice), strings.TrimSpace(it.TaxRate)
	if it.TaxRate == "" {
		it.TaxRate = "0"
	}
	it.Unit, it.TaxCategory = strings.ToUpper(strings.TrimSpace(it.Unit)), strings.ToUpper(strings.TrimSpace(it.TaxCategory))
}

// Line is the invoice line the item makes: one of it.
func (it *Item) Line() Line {
	return Line{Description: it.Description, Quantity: "1", UnitPrice: it.UnitPrice, TaxRate: it.TaxRate, Unit: it.Unit, TaxCategory: it.TaxCategory}
}

// Validate checks the item as a line of an invoice in currency would be
// checked: a description of one line, a unit price, a tax rate, a known
// unit and a category that fits the rate. The error is a
// *ValidationError naming each field.
func (it *Item) Validate(currency string) error {
	var ps problems
	ps.add("id", "", checkText(it.ID, MaxIDLen, false))
	ps.add("description", "", requiredText(it.Description, MaxDescriptionLen, false))
	_, err := ParseUnitPrice(it.UnitPrice, currency)
	ps.add("unit_price", it.UnitPrice, err)
	_, err = ParseRate(it.TaxRate)
	ps.add("tax_rate", it.TaxRate, err)
	ps.add("unit", it.Unit, CheckUnit(it.Unit))
	ps.add("tax_category", it.TaxCategory, checkCategoryRate(it.Line()))
	return ps.err()
}
