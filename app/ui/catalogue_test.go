package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/invoice"
)

// TestTheCatalogueInTheWindow: an item added on the Catalogue screen is
// picked into a new invoice's first line, and a second one into a new
// line, with their prices, units and rates.
func TestTheCatalogueInTheWindow(t *testing.T) {
	cfg, _ := testConfig(t)
	seedVault(t, cfg)
	s, err := app.Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveItem(invoice.Item{Description: "Travel, per km", UnitPrice: "0.42", Unit: "KMT", TaxRate: "19"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, cfg)
	signIn(t, u, adminName, adminPassword)
	sh := u.shell
	onUI(u, func() { sh.open("catalogue") })
	u.Wait()
	if !hasLabel(u, "Travel, per km") || !hasLabel(u, "1 item") {
		t.Fatalf("catalogue: %s", labels(u))
	}
	tap(t, u, "New item")
	es := dialogEntries(u)
	es[0].SetText("Consulting, per hour")
	es[1].SetText("95.00")
	es[2].SetText("hur")
	es[3].SetText("19")
	tap(t, u, "Save")
	u.Wait()
	if !hasLabel(u, "2 items") || !hasLabel(u, "HUR") {
		t.Fatalf("after adding: %q %s", dialogText(u), labels(u))
	}
	test.AssertRendersToMarkup(t, "catalogue.xml", u.win.Canvas())

	onUI(u, func() { newInvoice(sh) })
	u.Wait()
	e := findEditor(t, u)
	pick := func(description string) {
		t.Helper()
		tap(t, u, "From the catalogue…")
		u.Wait()
		var list *widget.List
		for _, o := range overlayObjects(u) {
			if l, ok := o.(*widget.List); ok {
				list = l
			}
		}
		if list == nil {
			t.Fatalf("no catalogue to pick from: %q", dialogText(u))
		}
		for _, es := range dialogEntries(u) {
			onUI(u, func() { es.SetText(description) })
		}
		onUI(u, func() { list.Select(0) })
		u.Wait()
	}
	pick("consult")
	pick("km")
	if len(e.lines) != 2 || e.lines[0].desc.Text != "Consulting, per hour" || e.lines[0].price.Text != "95.00" ||
		e.lines[0].unit.Text != "HUR" || e.lines[1].desc.Text != "Travel, per km" || e.lines[1].unit.Text != "KMT" {
		t.Fatalf("lines: %q %q %q / %q", e.lines[0].desc.Text, e.lines[0].price.Text, e.lines[0].unit.Text, e.lines[1].desc.Text)
	}
	if !hasLabel(u, "€95.42") {
		t.Errorf("totals: %s", labels(u))
	}
}
