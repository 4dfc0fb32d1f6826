package invoice

// Party is one side of an invoice as documents show it: the seller (the
// business, from the settings) or the buyer (a client, see Client.Party).
// Only Name is required. Minimal information is the rule: a client needs no
// more than a name and an email address, and documents print the buyer's
// address and tax id only when the settings ask for them.
type Party struct {
	// Name is the legal or trading name.
	Name string
	// Address is the postal address; line breaks separate its lines.
	Address string
	// Email is a contact address.
	Email string
	// TaxID is the VAT or tax number, printed as "Tax ID".
	TaxID string
	// VATID is the VAT identifier, printed as "VAT ID" (for the buyer,
	// when a reverse-charge or intra-community line needs it).
	VATID string
}

// Party returns the client as the buyer of an invoice.
func (c *Client) Party() Party {
	return Party{Name: c.Name, Address: c.Address, Email: c.Email, TaxID: c.TaxID, VATID: c.VATID}
}
