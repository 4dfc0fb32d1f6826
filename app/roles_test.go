package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"safeinvoice/auth"
	"safeinvoice/invoice"
)

// Every role against every use case of the session, with the expected
// outcome written out by hand (not derived from auth's matrix), run on a
// real vault.
func TestRolesAgainstUseCases(t *testing.T) {
	cfg := testConfig(t)
	admin := initVault(t, cfg)
	client := mustClient(t, admin, "Client", "c@example.com")
	passwords := map[auth.Role]string{}
	for _, r := range []auth.Role{auth.RoleBookkeeper, auth.RoleClerk, auth.RoleAuditor} {
		passwords[r] = "Sturdy-Horse-Lamp-" + string(r)
		addUser(t, admin, string(r), r, passwords[r])
	}
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}

	type useCase struct {
		name string
		run  func(s *Session, fx *fixture) error
	}
	cases := []useCase{
		{"list invoices", func(s *Session, fx *fixture) error { _, err := s.ListInvoices(InvoiceQuery{}); return err }},
		{"dashboard", func(s *Session, fx *fixture) error { _, err := s.Dashboard(); return err }},
		{"view invoice", func(s *Session, fx *fixture) error { _, err := s.Invoice(fx.issued); return err }},
		{"view clients", func(s *Session, fx *fixture) error { _, err := s.Clients(); return err }},
		{"save client", func(s *Session, fx *fixture) error {
			_, _, err := s.SaveClient(invoice.Client{Name: "New", Email: "n@example.com"})
			return err
		}},
		{"create draft", func(s *Session, fx *fixture) error { _, _, err := s.SaveDraft(draft(fx.client)); return err }},
		{"edit draft", func(s *Session, fx *fixture) error {
			inv := draft(fx.client)
			inv.ID, inv.Status, inv.Kind, inv.Notes = fx.draft, invoice.StatusDraft, invoice.KindInvoice, "edited"
			_, _, err := s.SaveDraft(inv)
			return err
		}},
		{"delete draft", func(s *Session, fx *fixture) error { return s.DeleteDraft(fx.draft) }},
		{"issue", func(s *Session, fx *fixture) error { _, err := s.IssueInvoice(fx.draft); return err }},
		{"record payment", func(s *Session, fx *fixture) error {
			_, err := s.RecordPayment(fx.issued, invoice.Payment{Date: "2026-11-20", Amount: "1.00"})
			return err
		}},
		{"void", func(s *Session, fx *fixture) error { _, err := s.VoidInvoice(fx.issued, "test"); return err }},
		{"credit note", func(s *Session, fx *fixture) error {
			_, err := s.CreateCreditNote(fx.issued, []invoice.Line{{Description: "x", Quantity: "1", UnitPrice: "1.00", TaxRate: "19"}})
			return err
		}},
		{"duplicate", func(s *Session, fx *fixture) error { _, err := s.DuplicateInvoice(fx.issued); return err }},
		{"import", func(s *Session, fx *fixture) error {
			_, err := s.Import(context.Background(), &ImportFile{Clients: []ImportClient{{ID: "x", Name: "Imported", Email: "i@example.com"}}}, nil)
			return err
		}},
		{"export csv", func(s *Session, fx *fixture) error { _, err := s.ExportCSV(&bytes.Buffer{}); return err }},
		{"verify audit", func(s *Session, fx *fixture) error { _, err := s.VerifyAudit(); return err }},
		{"check books", func(s *Session, fx *fixture) error {
			r, err := s.CheckBooks(context.Background(), nil)
			if err == nil && !r.OK() {
				return fmt.Errorf("problems in intact books: %v", r.Problems)
			}
			return err
		}},
		{"read audit log", func(s *Session, fx *fixture) error { _, err := s.AuditLog(AuditFilter{}); return err }},
		{"export pdf", func(s *Session, fx *fixture) error {
			_, err := s.ExportPDFs(context.Background(), t.TempDir(), nil, nil)
			return err
		}},
		{"recovery kit", func(s *Session, fx *fixture) error { _, err := s.RecoveryKitPDF(); return err }},
		{"view users", func(s *Session, fx *fixture) error { _, err := s.Users(); return err }},
		{"add user", func(s *Session, fx *fixture) error {
			return s.AddUser(fmt.Sprintf("new%d", time.Now().UnixNano()%1e9), auth.RoleClerk, "Velvet-Canyon-Pebble-33")
		}},
		{"view policy", func(s *Session, fx *fixture) error { _, err := s.Policy(); return err }},
		{"set policy", func(s *Session, fx *fixture) error { return s.SetPolicy("min_length", "12") }},
		{"view alerts", func(s *Session, fx *fixture) error { _, err := s.Alerts(false); return err }},
		{"edit settings", func(s *Session, fx *fixture) error {
			st, err := s.Settings()
			if err != nil {
				return err
			}
			return s.SaveSettings(st)
		}},
		{"run backup", func(s *Session, fx *fixture) error {
			_, err := s.BackupNow(context.Background(), t.TempDir(), nil)
			return err
		}},
		{"list backups", func(s *Session, fx *fixture) error { _, err := s.ListBackups(t.TempDir()); return err }},
		{"verify backups", func(s *Session, fx *fixture) error {
			_, err := s.VerifyBackups(context.Background(), t.TempDir(), nil)
			return err
		}},
	}
	allowed := map[auth.Role][]string{
		auth.RoleAdministrator: {"list invoices", "dashboard", "view invoice", "view clients", "save client", "create draft", "edit draft",
			"delete draft", "issue", "record payment", "void", "credit note", "duplicate", "import", "export csv", "verify audit",
			"check books", "read audit log", "export pdf", "recovery kit", "view users", "add user", "view policy", "set policy", "view alerts",
			"edit settings", "run backup", "list backups", "verify backups"},
		auth.RoleBookkeeper: {"list invoices", "dashboard", "view invoice", "view clients", "save client", "create draft", "edit draft",
			"delete draft", "issue", "record payment", "void", "credit note", "duplicate", "import", "export csv",
			"export pdf", "view policy", "run backup", "list backups", "verify backups"},
		auth.RoleClerk: {"list invoices", "dashboard", "view invoice", "view clients", "save client", "create draft", "edit draft", "delete draft",
			"duplicate", "view policy"},
		auth.RoleAuditor: {"list invoices", "dashboard", "view invoice", "view clients", "verify audit", "check books", "read audit log", "view users", "view policy",
			"list backups", "verify backups"},
	}
	passwords[auth.RoleAdministrator] = adminPassword
	names := map[auth.Role]string{auth.RoleAdministrator: adminName, auth.RoleBookkeeper: "bookkeeper", auth.RoleClerk: "clerk", auth.RoleAuditor: "auditor"}
	for _, role := range auth.Roles() {
		ok := map[string]bool{}
		for _, n := range allowed[role] {
			ok[n] = true
		}
		for _, uc := range cases {
			t.Run(string(role)+"/"+uc.name, func(t *testing.T) {
				fx := newFixture(t, cfg, client.ID)
				s, err := Login(cfg, names[role], passwords[role])
				if err != nil {
					t.Fatal(err)
				}
				err = uc.run(s, fx)
				if cerr := s.Close(); cerr != nil {
					t.Fatal(cerr)
				}
				switch {
				case ok[uc.name] && err != nil:
					t.Errorf("%s should be allowed to %s: %v", role, uc.name, err)
				case !ok[uc.name] && !errors.Is(err, auth.ErrPermission):
					t.Errorf("%s should be refused %s with ErrPermission, got %v", role, uc.name, err)
				case !ok[uc.name] && err.Error() == "":
					t.Errorf("empty refusal message")
				}
			})
		}
	}
	s, err := Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.VerifyAudit(); err != nil {
		t.Fatalf("audit after the role table: %v", err)
	}
}

// fixture holds a fresh draft and issued invoice made by the administrator
// for one case.
type fixture struct {
	client        string
	draft, issued string
}

func newFixture(t *testing.T, cfg Config, client string) *fixture {
	t.Helper()
	a, err := Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	fx := &fixture{client: client}
	fx.draft = mustDraft(t, a, draft(client)).ID
	fx.issued = mustIssue(t, a, mustDraft(t, a, draft(client)).ID).ID
	return fx
}

// Refused actions are on the trail, and a user refused five within an hour
// raises an alert for the administrators.
func TestRefusalsAreAuditedAndRepeatedOnesAlerted(t *testing.T) {
	cfg := testConfig(t)
	admin := initVault(t, cfg)
	addUser(t, admin, "carl", auth.RoleClerk, bobPassword)
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		carl, err := Login(cfg, "carl", bobPassword) // a command each, as on the command line
		if err != nil {
			t.Fatal(err)
		}
		if _, err := carl.ExportCSV(&bytes.Buffer{}); !errors.Is(err, auth.ErrPermission) {
			t.Fatalf("export %d: %v", i, err)
		}
		if err := carl.Close(); err != nil {
			t.Fatal(err)
		}
	}
	s := login(t, cfg)
	defer s.Close()
	entries, err := s.AuditLog(AuditFilter{Action: "access.denied"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 5 || entries[0].User != "carl" || entries[0].Object != string(auth.PermExportCSV) {
		t.Errorf("refusals on the trail: %+v", entries)
	}
	alerts, err := s.Alerts(true)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range alerts {
		if a.Kind == AlertRefused && strings.Contains(a.Message, "clerk carl was refused 5 actions within an hour") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d refusal alerts, want 1: %+v", n, alerts)
	}
}

// A bookkeeper's backup to a folder of their choosing does not make it the
// backup folder, which only an administrator sets.
func TestBackupToElsewhereByANonAdministratorKeepsTheFolder(t *testing.T) {
	cfg := testConfig(t)
	admin := initVault(t, cfg)
	addUser(t, admin, "bea", auth.RoleBookkeeper, bobPassword)
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}
	bea, err := Login(cfg, "bea", bobPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bea.BackupNow(context.Background(), t.TempDir(), nil); err != nil {
		t.Fatal(err)
	}
	if err := bea.Close(); err != nil {
		t.Fatal(err)
	}
	s := login(t, cfg)
	defer s.Close()
	bs, err := s.BackupSettings()
	if err != nil {
		t.Fatal(err)
	}
	if bs.Dir != "" {
		t.Errorf("the bookkeeper's backup set the backup folder to %s", bs.Dir)
	}
}
