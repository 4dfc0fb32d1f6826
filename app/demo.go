package app

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"safeinvoice/auth"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// ErrRealBooks refuses demo data for books that hold real invoices.
var ErrRealBooks = errors.New("these books hold real invoices: demo data goes only into new books (safeinvoice --data-dir NEW init, then demo-data)")

// DemoOptions size a generated demo data set.
type DemoOptions struct {
	Clients  int
	Invoices int
	// Seed makes the data reproducible.
	Seed uint64
	// Progress, if set, is called after each batch with invoices written
	// so far and the total.
	Progress func(done, total int)
}

// demoBatch is how many invoices one import of the generator carries.
const demoBatch = 5000

var (
	demoFirst = []string{"Anna", "Jan", "Maria", "Piotr", "Eva", "Lukas", "Sofia", "Mateo", "Chloé", "Björn",
		"Zofia", "Dmitri", "Eleni", "Tomáš", "Aoife", "Nikos", "Ingrid", "Paulo", "Yuki", "Omar"}
	demoLast = []string{"Müller", "Kowalski", "Novák", "Rossi", "García", "Dubois", "Jensen", "Papadopoulos",
		"Ivanova", "Smith", "Nowak", "Svoboda", "O'Brien", "Lindqvist", "Costa", "Tanaka", "Haddad", "Fischer",
		"Wójcik", "Horváth"}
	demoKinds = []string{"Bakery", "Consulting", "Print Shop", "Garage", "Studio", "Dental Practice", "Florist",
		"Architects", "Café", "Bookshop", "Hotel", "Logistics", "Software", "Carpentry", "Law Office"}
	demoForms = []string{"GmbH", "Sp. z o.o.", "s.r.o.", "Ltd", "SARL", "AB", "S.L.", "KG", "", ""}
	demoWork  = []struct{ desc, price, rate string }{
		{"Consulting, per hour", "95.00", "19"}, {"Workshop day", "950.00", "19"}, {"Website maintenance, monthly", "120.00", "19"},
		{"Printing, A4 colour, per 100", "18.50", "19"}, {"Delivery", "12.00", "19"}, {"Bread rolls, per dozen", "4.20", "7"},
		{"Wedding bouquet", "85.00", "7"}, {"Oil change", "69.90", "19"}, {"Translation, per page", "32.00", "19"},
		{"Hosting, yearly", "240.00", "19"}, {"Design revision", "60.00", "19"}, {"Travel expenses", "45.30", "0"},
		{"Books (reduced rate)", "24.90", "7"}, {"Software licence", "199.00", "19"}, {"Repair, labour", "55.00", "19"},
	}
	demoCurrencies = []string{"EUR", "EUR", "EUR", "EUR", "EUR", "EUR", "USD", "GBP", "PLN", "CZK"}
)

// GenerateDemo fills the vault with realistic made-up clients and invoices
// (drafts, issued, partly and fully paid, a few void), through the same
// all-or-nothing import as real files, in batches. It is for demos and for
// the large-vault benchmarks. It returns how many invoices were written.
func (s *Session) GenerateDemo(o DemoOptions) (int, error) {
	if o.Clients <= 0 || o.Invoices < 0 {
		return 0, fmt.Errorf("demo data: need at least one client, got %d clients and %d invoices", o.Clients, o.Invoices)
	}
	if err := s.require(auth.PermImport); err != nil {
		return 0, err
	}
	// Made-up invoices never mix with real ones: they go into empty books,
	// or books that hold only demo data, which the settings remember.
	var demo bool
	err := s.update(func(tx *storage.Tx) error {
		set, err := tx.Settings()
		if err != nil {
			return err
		}
		counts, err := tx.Counters()
		if err != nil {
			return err
		}
		if counts["invoice"] > 0 && !set.Demo {
			return fmt.Errorf("demo data: %w", ErrRealBooks)
		}
		demo = set.Demo
		if demo {
			return nil
		}
		set.Demo = true
		if err := tx.PutSettings(set); err != nil {
			return err
		}
		return tx.Audit("demo.start", "", "these books hold made-up demo data from now on")
	})
	if err != nil {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x5afe))
	clients := make([]ImportClient, o.Clients)
	for i := range clients {
		first, last := demoFirst[rng.IntN(len(demoFirst))], demoLast[rng.IntN(len(demoLast))]
		var name string
		if rng.IntN(3) == 0 {
			name = first + " " + last
		} else {
			name = strings.TrimSpace(fmt.Sprintf("%s %s %s", last, demoKinds[rng.IntN(len(demoKinds))], demoForms[rng.IntN(len(demoForms))]))
		}
		clients[i] = ImportClient{ID: fmt.Sprintf("d%d", i), Name: name,
			Email: fmt.Sprintf("billing%d@%s.example", i, strings.ToLower(asciiWord(last)))}
		if rng.IntN(2) == 0 {
			clients[i].Address = fmt.Sprintf("%s %d, %05d", []string{"Hauptstraße", "ul. Długa", "Rue de la Paix", "Main Street", "Vinohradská"}[rng.IntN(5)], 1+rng.IntN(120), 10000+rng.IntN(89999))
		}
	}
	start := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	today := s.cfg.now().UTC()
	days := int(today.Sub(start).Hours() / 24)
	written := 0
	ids, err := s.demoClients(clients)
	if err != nil {
		return 0, err
	}
	for written < o.Invoices {
		n := min(demoBatch, o.Invoices-written)
		f := &ImportFile{}
		for range n {
			issue := start.AddDate(0, 0, rng.IntN(days+1))
			inv := ImportInvoice{
				Client:    ids[rng.IntN(len(ids))],
				Currency:  demoCurrencies[rng.IntN(len(demoCurrencies))],
				IssueDate: issue.Format("2006-01-02"),
				DueDate:   issue.AddDate(0, 0, []int{14, 30, 30, 60}[rng.IntN(4)]).Format("2006-01-02"),
			}
			for range 1 + rng.IntN(3) + rng.IntN(3) {
				w := demoWork[rng.IntN(len(demoWork))]
				inv.Lines = append(inv.Lines, invoice.Line{Description: w.desc, Quantity: fmt.Sprint(1 + rng.IntN(12)), UnitPrice: w.price, TaxRate: w.rate})
			}
			if rng.IntN(10) == 0 {
				for k := range inv.Lines {
					inv.Lines[k].Discount = "5"
				}
			}
			if rng.IntN(8) == 0 {
				inv.Notes = "Thank you for your order. Please quote the invoice number with your payment."
			}
			switch r := rng.IntN(100); {
			case issue.After(today.AddDate(0, 0, -20)) && r < 40:
				inv.Status = "draft"
			case r < 2:
				inv.Status = "void"
			case r < 12:
				inv.Status = "issued"
			case r < 20:
				inv.Status = "issued"
				inv.Payments = []invoice.Payment{{Date: inv.DueDate, Amount: demoPart(inv)}}
			default:
				inv.Status = "paid"
			}
			f.Invoices = append(f.Invoices, inv)
		}
		if _, err := s.Import(context.Background(), f, nil); err != nil {
			return written, fmt.Errorf("demo data: %w", err)
		}
		written += n
		if o.Progress != nil {
			o.Progress(written, o.Invoices)
		}
	}
	return written, nil
}

// demoClients imports the clients once and returns their vault ids.
func (s *Session) demoClients(clients []ImportClient) ([]string, error) {
	if _, err := s.Import(context.Background(), &ImportFile{Clients: clients}, nil); err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	all, err := s.Clients()
	if err != nil {
		return nil, err
	}
	byKey := map[string]string{}
	for _, c := range all {
		byKey[invoice.ClientKey(c.Name, c.Email)] = c.ID
	}
	ids := make([]string, len(clients))
	for i, c := range clients {
		ids[i] = byKey[invoice.ClientKey(c.Name, c.Email)]
	}
	return ids, nil
}

// demoPart is a payment of a round amount surely below the total: about a
// tenth of the first line's unit price (whole units, so any currency).
func demoPart(inv ImportInvoice) string {
	p := inv.Lines[0].UnitPrice
	whole, _, _ := strings.Cut(p, ".")
	if len(whole) > 1 {
		whole = whole[:len(whole)-1]
	} else {
		whole = "1"
	}
	return whole
}

// asciiWord keeps the ASCII letters of s, for made-up email domains.
func asciiWord(s string) string {
	var b strings.Builder
	for _, r := range invoice.Fold(s) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "client"
	}
	return b.String()
}
