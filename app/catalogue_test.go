package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safeinvoice/auth"
	"safeinvoice/internal/fsutil"
	"safeinvoice/invoice"
)

func TestTheCatalogueRoundTripsThroughCSV(t *testing.T) {
	cfg := testConfig(t)
	s := initVault(t, cfg)
	hour, err := s.SaveItem(invoice.Item{Description: " Consulting, per hour ", UnitPrice: "95.00", Unit: "hur", TaxRate: "19"})
	if err != nil {
		t.Fatal(err)
	}
	if hour.ID == "" || hour.Description != "Consulting, per hour" || hour.Unit != "HUR" {
		t.Errorf("saved %+v", hour)
	}
	if _, err := s.SaveItem(invoice.Item{Description: "consulting, PER hour", UnitPrice: "1"}); !errors.Is(err, ErrDuplicateItem) {
		t.Errorf("a second item of the same description: %v", err)
	}
	var verr *invoice.ValidationError
	if _, err := s.SaveItem(invoice.Item{Description: "Bad", UnitPrice: "12,50", Unit: "XYZ1"}); !errors.As(err, &verr) ||
		!strings.Contains(err.Error(), "unit_price") || !strings.Contains(err.Error(), "unit") {
		t.Errorf("a bad item: %v", err)
	}
	if _, err := s.SaveItem(invoice.Item{Description: "=HYPERLINK(\"http://evil.example\")", UnitPrice: "1.00", TaxRate: "0", TaxCategory: "E"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "catalogue.csv")
	if n, err := s.ExportCatalogue(out); err != nil || n != 2 {
		t.Fatalf("export %d %v", n, err)
	}
	data, _ := os.ReadFile(out)
	text := string(data)
	if !strings.HasPrefix(text, "\ufeffdescription,unit_price,unit,tax_rate,tax_category\n") ||
		!strings.Contains(text, `"'=HYPERLINK(""http://evil.example"")",1.00,,0,E`) || !strings.Contains(text, "\"Consulting, per hour\",95.00,HUR,19,") {
		t.Errorf("the export:\n%s", text)
	}
	if _, err := s.ExportCatalogue(out); !errors.Is(err, fsutil.ErrExists) {
		t.Errorf("exported over a file: %v", err)
	}

	// Into new books: the same items, the formula cell restored.
	s2 := initVault(t, testConfig(t))
	if res, err := s2.ImportCatalogue(out); err != nil || res.Created != 2 {
		t.Fatalf("import %+v %v", res, err)
	}
	items, _ := s2.Items() // by description: "=" sorts first
	if len(items) != 2 || items[0].Description != `=HYPERLINK("http://evil.example")` || items[1].UnitPrice != "95.00" || items[1].Unit != "HUR" {
		t.Errorf("imported %+v", items)
	}
	// Again with a changed price and a new item: one updated, one added.
	edited := filepath.Join(dir, "edited.csv")
	if err := os.WriteFile(edited, []byte("description,unit_price,tax_rate\n\"CONSULTING, per hour\",99.00,19\nTravel,0.42,19\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if res, err := s2.ImportCatalogue(edited); err != nil || res.Created != 1 || res.Updated != 1 {
		t.Fatalf("second import %+v %v", res, err)
	}
	items, _ = s2.Items()
	if len(items) != 3 || items[1].Description != "CONSULTING, per hour" || items[1].UnitPrice != "99.00" || items[1].Unit != "HUR" ||
		items[2].Description != "Travel" {
		t.Errorf("after the second import (the unit kept, as the file has no unit column) %+v", items)
	}
	// A category for a known item without its rate: the rate stays; a
	// blank rate keeps it too.
	cat := filepath.Join(dir, "category.csv")
	if err := os.WriteFile(cat, []byte("description,unit_price,tax_category\nTravel,0.42,S\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if res, err := s2.ImportCatalogue(cat); err != nil || res.Updated != 1 {
		t.Fatalf("a category without a rate: %+v %v", res, err)
	}
	blank := filepath.Join(dir, "blank.csv")
	if err := os.WriteFile(blank, []byte("description,unit_price,tax_rate\nTravel,0.45,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.ImportCatalogue(blank); err != nil {
		t.Fatal(err)
	}
	items, _ = s2.Items()
	if items[2].TaxRate != "19" || items[2].TaxCategory != "S" || items[2].UnitPrice != "0.45" {
		t.Errorf("travel after the partial files: %+v", items[2])
	}
	// All or nothing: one bad row, nothing changes, each row named.
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("description,unit_price,tax_rate\nPainting,40.00,19\nGlue,abc,19\n,1.00,7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = s2.ImportCatalogue(bad)
	if err == nil || !strings.Contains(err.Error(), "CSV row 3") || !strings.Contains(err.Error(), "CSV row 4") {
		t.Errorf("a bad import: %v", err)
	}
	if after, _ := s2.Items(); len(after) != 3 {
		t.Errorf("a failed import left %d items", len(after))
	}
	for _, body := range []string{"", "description,colour\nx,red\n", "unit_price\n1\n"} {
		p := filepath.Join(dir, "x.csv")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s2.ImportCatalogue(p); err == nil {
			t.Errorf("imported %q", body)
		}
	}
	// An item's line, picked into an invoice, totals as typed.
	d := draft(mustClient(t, s2, "Initech", "ap@initech.example").ID, items[1].Line())
	if inv := mustDraft(t, s2, d); inv.Lines[0].UnitPrice != "99.00" || inv.Lines[0].Quantity != "1" {
		t.Errorf("the line from the catalogue %+v", inv.Lines[0])
	}
	if err := s2.DeleteItem(items[2].ID); err != nil {
		t.Fatal(err)
	}
	if after, _ := s2.Items(); len(after) != 2 {
		t.Errorf("%d items after a delete", len(after))
	}
}

func TestClerksPickFromTheCatalogueButDoNotChangeIt(t *testing.T) {
	cfg := testConfig(t)
	s := initVault(t, cfg)
	if _, err := s.SaveItem(invoice.Item{Description: "Hosting", UnitPrice: "49.00", TaxRate: "19"}); err != nil {
		t.Fatal(err)
	}
	addUser(t, s, "carl", auth.RoleClerk, bobPassword)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	clerk, err := Login(cfg, "carl", bobPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer clerk.Close()
	if items, err := clerk.Items(); err != nil || len(items) != 1 {
		t.Errorf("a clerk reads the catalogue: %v %v", items, err)
	}
	if _, err := clerk.SaveItem(invoice.Item{Description: "Cheap", UnitPrice: "0.01"}); !errors.Is(err, auth.ErrPermission) {
		t.Errorf("a clerk added an item: %v", err)
	}
}
