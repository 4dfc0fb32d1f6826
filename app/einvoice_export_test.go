package app

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"safeinvoice/auth"
	"safeinvoice/einvoice"
	"safeinvoice/internal/testkit"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// eInvoiceBooks is a vault whose business has every e-invoice detail and
// one issued invoice for a Peppol client.
func eInvoiceBooks(t *testing.T) (*Session, invoice.Invoice) {
	t.Helper()
	s := initVault(t, testConfig(t))
	for _, kv := range [][2]string{
		{"business.address", "Hauptstraße 1"}, {"business.city", "Berlin"}, {"business.postal_code", "10115"}, {"business.country", "DE"},
		{"business.vat_id", "DE123456789"}, {"business.electronic_address_scheme", "0088"}, {"business.electronic_address", "4012345000009"},
		{"payment.iban", "DE02120300000000202051"},
	} {
		if err := s.SetSetting(kv[0], kv[1]); err != nil {
			t.Fatalf("%s: %v", kv[0], err)
		}
	}
	c, _, err := s.SaveClient(invoice.Client{Name: "Brouwerij De Ster BV", Email: "factuur@ster.example", Address: "Grote Markt 1",
		City: "Brussel", PostalCode: "1000", Country: "BE", VATID: "BE0123456749", EAddress: "0123456749", EAddressScheme: "0208", EInvoice: "peppol"})
	if err != nil {
		t.Fatal(err)
	}
	d := draft(c.ID)
	d.OrderReference = "PO-778"
	inv := mustIssue(t, s, mustDraft(t, s, d).ID)
	return s, inv
}

func TestExportEInvoicesIsAuditedAtBothEnds(t *testing.T) {
	s, inv := eInvoiceBooks(t)
	dir := t.TempDir()
	paths, err := s.ExportEInvoices(t.Context(), dir, "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 || filepath.Base(paths[0]) != inv.Number+" Brouwerij De Ster BV.xml" {
		t.Fatalf("paths %v", paths)
	}
	if st, err := os.Stat(paths[0]); err != nil || !testkit.OwnerOnly(st) {
		t.Errorf("the file: %v %v", st, err)
	}
	var actions []string
	if err := s.vault.View(func(tx *storage.Tx) error {
		return tx.EachAudit(1, func(e storage.AuditEntry) error {
			if e.Object == dir {
				actions = append(actions, e.Action+" "+e.Detail)
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	if len(actions) != 2 || actions[0] != "export.einvoice.start 1 documents" || actions[1] != "export.einvoice 1 documents" {
		t.Errorf("trail %q", actions)
	}
}

func TestAnIncompleteEInvoiceWritesNothing(t *testing.T) {
	s, inv := eInvoiceBooks(t)
	if err := s.SetSetting("business.country", ""); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	paths, err := s.ExportEInvoices(t.Context(), dir, einvoice.Peppol, []string{inv.Number}, nil)
	if !errors.Is(err, einvoice.ErrIncomplete) || len(paths) != 0 {
		t.Fatalf("export without the seller's country: %v %v", paths, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files written: %v", entries)
	}
}

func TestAClerkMayNotExportEInvoices(t *testing.T) {
	s, _ := eInvoiceBooks(t)
	addUser(t, s, "carl", auth.RoleClerk, "Walrus-Harmonica-Tulip-93")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := Login(s.cfg, "carl", "Walrus-Harmonica-Tulip-93")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ExportEInvoices(t.Context(), t.TempDir(), "", nil, nil); !errors.Is(err, auth.ErrPermission) {
		t.Errorf("a clerk's e-invoice export: %v", err)
	}
	if err := c.SetSetting("payment.iban", "DE02120300000000202051"); !errors.Is(err, auth.ErrPermission) {
		t.Errorf("a clerk's settings set: %v", err)
	}
}

func TestFacturXExportsThePDFWithItsXML(t *testing.T) {
	s, inv := eInvoiceBooks(t)
	paths, err := s.ExportEInvoices(t.Context(), t.TempDir(), einvoice.FacturX, []string{inv.Number}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 || filepath.Ext(paths[0]) != ".pdf" {
		t.Fatalf("paths %v", paths)
	}
	data, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"%PDF-1.7", "/AFRelationship /Alternative", "(factur-x.xml)", "<pdfaid:part>3</pdfaid:part>"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the Factur-X file lacks %s", want)
		}
	}
}
