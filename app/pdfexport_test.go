package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"safeinvoice/auth"
	"safeinvoice/internal/testkit"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// pdfBooks is a vault with issued invoices, a void one, an issued credit
// note and a draft, and a bookkeeper and a clerk besides the administrator.
type pdfBooks struct {
	cfg    Config
	issued []invoice.Invoice // the issued invoices, then the void one
	note   invoice.Invoice   // the issued credit note, correcting issued[0]
	draft  invoice.Invoice
}

const (
	pdfBookkeeperPassword = "Copper-Kettle-Forest-7"
	pdfClerkPassword      = "Velvet-Anchor-River-9"
)

// newPDFBooks sets up the vault with n issued invoices (n ≥ 2) and closes
// the administrator's session, so that any user may log in.
func newPDFBooks(t *testing.T, n int) *pdfBooks {
	t.Helper()
	b := &pdfBooks{cfg: testConfig(t)}
	s := initVault(t, b.cfg)
	c := mustClient(t, s, "Dvořák a synové s.r.o.", "ap@dvorak.example")
	for range n {
		b.issued = append(b.issued, mustIssue(t, s, mustDraft(t, s, draft(c.ID)).ID))
	}
	v, err := s.VoidInvoice(mustIssue(t, s, mustDraft(t, s, draft(c.ID)).ID).ID, "sent twice")
	if err != nil {
		t.Fatal(err)
	}
	b.issued = append(b.issued, v)
	cn, err := s.CreateCreditNote(b.issued[0].ID, []invoice.Line{{Description: "Refund", Quantity: "1", UnitPrice: "10.00", TaxRate: "19"}})
	if err != nil {
		t.Fatal(err)
	}
	b.note = mustIssue(t, s, cn.ID)
	b.draft = mustDraft(t, s, draft(c.ID))
	addUser(t, s, "anna", auth.RoleBookkeeper, pdfBookkeeperPassword)
	addUser(t, s, "carl", auth.RoleClerk, pdfClerkPassword)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return b
}

// login logs in and closes the session at the end of the test.
func (b *pdfBooks) login(t *testing.T, user, password string) *Session {
	t.Helper()
	s, err := Login(b.cfg, user, password)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// pdfCheckFiles checks that every path is a PDF file of mode 0600 in dir.
func pdfCheckFiles(t *testing.T, dir string, paths []string) {
	t.Helper()
	for _, p := range paths {
		if filepath.Dir(p) != dir {
			t.Errorf("%s is not in %s", p, dir)
		}
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if !testkit.OwnerOnly(st) {
			t.Errorf("%s: mode %v, want 0600", p, st.Mode().Perm())
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("%PDF-")) {
			t.Errorf("%s does not start with %%PDF-", p)
		}
	}
}

// pdfAuditEntries returns the audit entries with action.
func pdfAuditEntries(t *testing.T, s *Session, action string) []storage.AuditEntry {
	t.Helper()
	var out []storage.AuditEntry
	err := s.vault.View(func(tx *storage.Tx) error {
		return tx.EachAudit(1, func(e storage.AuditEntry) error {
			if e.Action == action {
				out = append(out, e)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// pdfBulkAlerts returns the messages of the bulk-export alerts.
func pdfBulkAlerts(t *testing.T, b *pdfBooks) []string {
	t.Helper()
	s := b.login(t, adminName, adminPassword)
	defer s.Close()
	alerts, err := s.Alerts(false)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range alerts {
		if a.Kind == AlertBulkExport {
			out = append(out, a.Message)
		}
	}
	return out
}

func TestExportPDFsAllIssued(t *testing.T) {
	b := newPDFBooks(t, 3)
	s := b.login(t, adminName, adminPassword)
	dir := t.TempDir()
	var progress testkit.Progress
	paths, err := s.ExportPDFs(context.Background(), dir, nil, progress.Func())
	if err != nil {
		t.Fatal(err)
	}
	// Three issued, one void, one credit note; never the draft.
	if len(paths) != 5 {
		t.Fatalf("exported %d files, want 5: %v", len(paths), paths)
	}
	pdfCheckFiles(t, dir, paths)
	var names []string
	for _, p := range paths {
		names = append(names, filepath.Base(p))
	}
	for _, inv := range append(slices.Clone(b.issued), b.note) {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, inv.Number+" ") }) {
			t.Errorf("no file for %s among %v", inv.Number, names)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 5 {
		t.Errorf("the folder holds %d files, want 5", len(entries))
	}
	if progress.Count() != 5 || progress.Last() != (testkit.Call{Done: 5, Total: 5}) {
		t.Errorf("progress calls %v, want 1..5 of 5", progress.Calls())
	}
	audit := pdfAuditEntries(t, s, "export.pdf")
	if len(audit) != 1 || audit[0].Detail != "5 documents" || audit[0].Object != dir || audit[0].User != adminName {
		t.Errorf("audit entries %+v, want one of 5 documents to %s", audit, dir)
	}
}

func TestExportPDFsNamed(t *testing.T) {
	b := newPDFBooks(t, 3)
	s := b.login(t, "anna", pdfBookkeeperPassword)
	dir := t.TempDir()
	// In the order given, each once, surrounding spaces ignored.
	paths, err := s.ExportPDFs(context.Background(), dir, []string{b.note.Number, " " + b.issued[1].Number, b.note.Number}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 || !strings.HasPrefix(filepath.Base(paths[0]), b.note.Number+" ") ||
		!strings.HasPrefix(filepath.Base(paths[1]), b.issued[1].Number+" ") {
		t.Fatalf("paths %v, want the credit note then %s", paths, b.issued[1].Number)
	}
	pdfCheckFiles(t, dir, paths)
	if _, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command("pdftotext", paths[0], "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		txt := strings.Join(strings.Fields(string(out)), " ")
		for _, w := range []string{"CREDIT NOTE", "Corrects invoice", b.issued[0].Number, "Dvořák a synové s.r.o.", "Acme Tools"} {
			if !strings.Contains(txt, w) {
				t.Errorf("the credit note's text lacks %q:\n%s", w, txt)
			}
		}
	}
	if a := pdfAuditEntries(t, s, "export.pdf"); len(a) != 1 || a[0].Detail != "2 documents" {
		t.Errorf("audit %+v", a)
	}

	// Exporting the same again never overwrites: new names.
	again, err := s.ExportPDFs(context.Background(), dir, []string{b.note.Number}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 1 || again[0] == paths[0] {
		t.Errorf("second export %v overwrote %s", again, paths[0])
	}
}

func TestExportPDFsUnknownNumber(t *testing.T) {
	b := newPDFBooks(t, 2)
	s := b.login(t, adminName, adminPassword)
	dir := t.TempDir()
	_, err := s.ExportPDFs(context.Background(), dir, []string{b.issued[0].Number, "INV-1999-0001", "nope"}, nil)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	for _, n := range []string{`"INV-1999-0001"`, `"nope"`} {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("the error %q does not name %s", err, n)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files written despite the unknown number", len(entries))
	}
	if a := pdfAuditEntries(t, s, "export.pdf"); len(a) != 0 {
		t.Errorf("a refused export is audited: %+v", a)
	}
	// A missing folder is an error too, and nothing is audited.
	if _, err := s.ExportPDFs(context.Background(), filepath.Join(dir, "missing"), nil, nil); err == nil {
		t.Error("export to a missing folder succeeded")
	}
}

func TestExportPDFsRoles(t *testing.T) {
	b := newPDFBooks(t, 2)
	s := b.login(t, "carl", pdfClerkPassword)
	dir := t.TempDir()
	if _, err := s.ExportPDFs(context.Background(), dir, nil, nil); !errors.Is(err, auth.ErrPermission) {
		t.Errorf("clerk: err = %v, want auth.ErrPermission", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the clerk's refused export wrote %d files", len(entries))
	}
}

func TestExportPDFsCancelled(t *testing.T) {
	b := newPDFBooks(t, 2)
	s := b.login(t, adminName, adminPassword)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	paths, err := s.ExportPDFs(ctx, t.TempDir(), nil, nil)
	if !errors.Is(err, context.Canceled) || len(paths) != 0 {
		t.Errorf("cancelled export: %v, %v", paths, err)
	}
}

// More than BulkExportThreshold documents exported at once by a
// bookkeeper raise an alert; by an administrator, or at most the threshold,
// none.
func TestExportBulkAlert(t *testing.T) {
	b := newPDFBooks(t, BulkExportThreshold+1) // +1 void +1 credit note: 23 documents, 22 invoices
	ctx := context.Background()

	admin := b.login(t, adminName, adminPassword)
	if _, err := admin.ExportPDFs(ctx, t.TempDir(), nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ExportCSV(&bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}
	if got := pdfBulkAlerts(t, b); len(got) != 0 {
		t.Fatalf("the administrator's exports raised %q", got)
	}

	anna := b.login(t, "anna", pdfBookkeeperPassword)
	var few []string
	for _, inv := range b.issued[:BulkExportThreshold] {
		few = append(few, inv.Number)
	}
	if _, err := anna.ExportPDFs(ctx, t.TempDir(), few, nil); err != nil {
		t.Fatal(err)
	}
	paths, err := anna.ExportPDFs(ctx, t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != BulkExportThreshold+3 {
		t.Fatalf("exported %d, want %d", len(paths), BulkExportThreshold+3)
	}
	n, err := anna.ExportCSV(&bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if err := anna.Close(); err != nil {
		t.Fatal(err)
	}
	got := pdfBulkAlerts(t, b)
	slices.Sort(got)
	want := []string{
		"bookkeeper anna exported 23 invoices as PDF",
		"bookkeeper anna exported " + strconv.Itoa(n) + " invoices as CSV",
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("alerts %q, want %q", got, want)
	}
}

// TestExportFollowsPDFSettings: the paper, the number format, the client
// fields and the closing note of the settings reach the PDF, and by default
// the client's address and tax id stay off it.
func TestExportFollowsPDFSettings(t *testing.T) {
	for _, tool := range []string{"pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s (poppler-utils) is not installed", tool)
		}
	}
	s := initVault(t, testConfig(t))
	c, _, err := s.SaveClient(invoice.Client{Name: "Kowalski Sp. z o.o.", Email: "ap@kowalski.example",
		Address: "ul. Piotrkowska 12\n90-001 Łódź", TaxID: "PL5250001009"})
	if err != nil {
		t.Fatal(err)
	}
	inv := mustIssue(t, s, mustDraft(t, s, draft(c.ID, invoice.Line{Description: "Audit", Quantity: "1", UnitPrice: "1234.50", TaxRate: "23"})).ID)
	export := func() (text, info string) {
		t.Helper()
		paths, err := s.ExportPDFs(context.Background(), t.TempDir(), []string{inv.Number}, nil)
		if err != nil || len(paths) != 1 {
			t.Fatalf("export: %v %v", paths, err)
		}
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", paths[0], "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		meta, err := exec.Command("pdfinfo", paths[0]).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(strings.Fields(string(out)), " "), string(meta)
	}
	text, info := export()
	if strings.Contains(text, "Piotrkowska") || strings.Contains(text, "PL5250001009") || !strings.Contains(text, "1,234.50") {
		t.Errorf("default PDF: %s", text)
	}
	if !strings.Contains(info, "595.") { // A4 is 595.276 × 841.89 pt
		t.Errorf("default paper: %s", info)
	}
	st, err := s.Settings()
	if err != nil {
		t.Fatal(err)
	}
	st.PDFPaper, st.PDFLocale, st.PDFClientAddress, st.PDFClientTaxID = "letter", "de-DE", true, true
	st.PDFNote = "Vielen Dank für Ihren Auftrag."
	if err := s.SaveSettings(st); err != nil {
		t.Fatal(err)
	}
	text, info = export()
	for _, want := range []string{"Piotrkowska", "PL5250001009", "1.234,50", "Vielen Dank für Ihren Auftrag."} {
		if !strings.Contains(text, want) {
			t.Errorf("%q missing from %s", want, text)
		}
	}
	if !strings.Contains(info, "612 x 792 pts") {
		t.Errorf("letter paper: %s", info)
	}
}
