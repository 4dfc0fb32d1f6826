package app

import (
	"testing"

	"safeinvoice/auth"
	"safeinvoice/internal/testkit"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// TestMain lets tests run this test binary as a child process that does one
// of these bodies' work (see testkit.ChildMain).
func TestMain(m *testing.M) {
	testkit.ChildMain(m, map[string]func(){
		"backup-writer":   backupWriterChild,
		"importer":        importerChild,
		"mail-sender":     mailSenderChild,
		"pdf-exporter":    pdfExporterChild,
		"resident-memory": residentMemoryChild,
		"schedule-runner": scheduleRunnerChild,
	})
}

// addUser creates an account with a role directly in the vault, as the
// accounts use cases will; tests use it to log in as every role.
func addUser(t *testing.T, s *Session, name string, role auth.Role, password string) {
	t.Helper()
	err := s.vault.Update(s.user.Name, func(tx *storage.Tx) error {
		u, err := s.signUser(auth.User{Name: name, Role: role, Created: s.cfg.now().UTC(), PasswordChanged: s.cfg.now().UTC()})
		if err != nil {
			return err
		}
		if err := tx.PutUser(u); err != nil {
			return err
		}
		return tx.Audit("user.add", name, string(role))
	})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := s.signerFor(role)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.vault.AddSlot(name, auth.NormalizePassword(password), signer); err != nil {
		t.Fatal(err)
	}
}

func mustClient(t *testing.T, s *Session, name, email string) invoice.Client {
	t.Helper()
	c, _, err := s.SaveClient(invoice.Client{Name: name, Email: email})
	if err != nil {
		t.Fatalf("SaveClient: %v", err)
	}
	return c
}

func draft(clientID string, lines ...invoice.Line) invoice.Invoice {
	if len(lines) == 0 {
		lines = []invoice.Line{{Description: "Consulting", Quantity: "2", UnitPrice: "150.00", TaxRate: "19"}}
	}
	return invoice.Invoice{ClientID: clientID, Currency: "EUR", IssueDate: "2026-11-01", DueDate: "2026-12-01", Lines: lines}
}

func mustDraft(t *testing.T, s *Session, inv invoice.Invoice) invoice.Invoice {
	t.Helper()
	d, _, err := s.SaveDraft(inv)
	if err != nil {
		t.Fatalf("SaveDraft: %v", err)
	}
	return d
}

func mustIssue(t *testing.T, s *Session, id string) invoice.Invoice {
	t.Helper()
	inv, err := s.IssueInvoice(id)
	if err != nil {
		t.Fatalf("IssueInvoice: %v", err)
	}
	return inv
}
