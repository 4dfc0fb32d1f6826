package app

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"safeinvoice/auth"
	"safeinvoice/internal/testkit"
	"safeinvoice/storage"
)

// envImportData names, in the environment of TestKillDuringImport's
// children, the data folder they import into.
const (
	envImportData    = "SAFEINVOICE_IMPORT_CHILD_DATA"
	envImportAnchors = "SAFEINVOICE_IMPORT_CHILD_ANCHORS"
	envImportSize    = "SAFEINVOICE_IMPORT_CHILD_SIZE"
)

// importerChild is the body of TestKillDuringImport's children: it
// imports bigImport(size) and acknowledges each progress report, then
// "done" once Import has returned.
func importerChild() {
	size, err := strconv.Atoi(os.Getenv(envImportSize))
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	cfg := Config{DataDir: os.Getenv(envImportData), AnchorDir: os.Getenv(envImportAnchors), WorkFactor: testkit.CheapWorkFactor}
	s, err := Login(cfg, adminName, adminPassword)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	_, err = s.Import(context.Background(), bigImport(size), func(done, total int64) {
		fmt.Printf("%s%d\n", testkit.AckPrefix, done)
	})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(4)
	}
	fmt.Println(testkit.AckPrefix + "done")
	if err := s.Close(); err != nil {
		fmt.Println("error", err)
		os.Exit(5)
	}
}

// invoiceCount logs in and returns how many invoices the vault holds,
// after verifying the whole audit chain.
func invoiceCount(t *testing.T, cfg Config) (int, []storage.Discarded) {
	t.Helper()
	s, err := Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatalf("login after the kill: %v", err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}()
	if _, err := s.vault.VerifyAudit(); err != nil {
		t.Fatalf("the audit chain after the kill: %v", err)
	}
	var n int
	err = s.vault.View(func(tx *storage.Tx) error {
		c, err := tx.Counters()
		n = c["invoice"]
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.ListInvoices(InvoiceQuery{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if page.Matches != n {
		t.Fatalf("the list shows %d invoices where the vault holds %d", page.Matches, n)
	}
	return n, s.Discarded()
}

// A process importing 20,000 invoices is killed with SIGKILL at a random
// moment, 20 times: each time the next login finds all of them or none,
// the audit chain verifies, and an undone import is said so.
func TestKillDuringImport(t *testing.T) {
	if testing.Short() || testkit.RaceEnabled {
		t.Skip("spawns 20 processes that import 20,000 invoices each (make crash runs it)")
	}
	const size = 20000
	cfg := testConfig(t)
	if err := initVault(t, cfg).Close(); err != nil {
		t.Fatal(err)
	}
	env := []string{envImportData + "=" + cfg.DataDir, envImportAnchors + "=" + cfg.AnchorDir, envImportSize + "=" + strconv.Itoa(size)}
	// How long the writing takes here, from the first progress report to
	// the end, so that the kills spread over it and a little past it.
	c := testkit.StartChild(t, "importer", env...)
	var start time.Time
	for {
		l, ok := c.Line()
		if !ok {
			t.Fatal("the first import did not finish")
		}
		if start.IsZero() {
			start = time.Now()
		}
		if l == testkit.AckPrefix+"done" {
			break
		}
	}
	if err := c.Wait(); err != nil {
		t.Fatal(err)
	}
	whole := time.Since(start)
	count, _ := invoiceCount(t, cfg)
	if count != size {
		t.Fatalf("%d invoices after a whole import, want %d", count, size)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	undone, finished := 0, 0
	for round := range 20 {
		c := testkit.StartChild(t, "importer", env...)
		rep := c.KillAfterAck(t, time.Duration(rng.Int64N(int64(whole)*21/20)))
		got, discarded := invoiceCount(t, cfg)
		acked := rep.Acks[len(rep.Acks)-1]
		switch {
		case got == count:
			if acked == "done" {
				t.Fatalf("round %d: the import said it finished, and its invoices are gone", round)
			}
			if len(discarded) > 0 {
				undone++
				if !strings.Contains(discarded[0].String(), fmt.Sprintf("import of %d invoices", size)) {
					t.Errorf("round %d: notice %q", round, discarded[0])
				}
			}
		case got == count+size:
			finished++
			count = got
		default:
			t.Fatalf("round %d: %d invoices after a kill at %s records, want %d or %d", round, got, acked, count, count+size)
		}
		for _, l := range rep.Other {
			if strings.HasPrefix(l, "error") {
				t.Errorf("round %d: the child said %s", round, l)
			}
		}
	}
	if undone == 0 {
		t.Error("no kill came during an import")
	}
	t.Logf("writing a whole import takes %s; 20 kills: %d imports undone at the next login, %d finished", whole.Round(time.Millisecond), undone, finished)
}

// Cancelling at 99 % of a 50,000-invoice import undoes all of it, and
// the same numbers are handed out when the file is imported again.
func TestImportCancelledAt99PercentKeepsNothing(t *testing.T) {
	if testing.Short() || testkit.RaceEnabled {
		t.Skip("imports 50,000 invoices (make crash runs it)")
	}
	const size = 50000
	s := initVault(t, testConfig(t))
	before := lastAudit(t, s).Seq
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	p := testkit.NewProgress(t).CancelAfter(size*99/100, cancel)
	_, err := s.Import(ctx, bigImport(size), p.Func())
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "cancelled, nothing kept") {
		t.Fatalf("got %v, want a cancellation that kept nothing", err)
	}
	if done := p.Last().Done; done < size*99/100 {
		t.Errorf("cancelled at %d of %d records", done, size+1)
	}
	err = s.vault.View(func(tx *storage.Tx) error {
		c, err := tx.Counters()
		if err != nil {
			return err
		}
		if c["invoice"]+c["client"]+c["num"]+c["isum"] != 0 {
			return fmt.Errorf("left after the cancel: %v", c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.vault.VerifyAudit(); err != nil {
		t.Fatal(err)
	}
	if e := lastAudit(t, s); e.Action != "import.rollback" || e.Seq <= before {
		t.Errorf("last audit entry %+v, want import.rollback", e)
	}
	res, err := s.Import(t.Context(), bigImport(10), nil)
	if err != nil || res.Invoices != 10 {
		t.Fatal(res, err)
	}
	if page, err := s.ListInvoices(InvoiceQuery{Sort: "number", Limit: 1}); err != nil || page.Rows[0].Number != "INV-2026-0001" {
		t.Errorf("after the undone import, numbering starts at %+v (%v), want INV-2026-0001", page.Rows, err)
	}
}

// envExportDir names, in the environment of TestKillDuringPDFExport's
// child, the folder it exports into.
const envExportDir = "SAFEINVOICE_EXPORT_CHILD_DIR"

// pdfExporterChild is the body of TestKillDuringPDFExport's child: it logs
// in as the bookkeeper and exports every issued invoice as PDF,
// acknowledging each file.
func pdfExporterChild() {
	cfg := Config{DataDir: os.Getenv(envImportData), AnchorDir: os.Getenv(envImportAnchors), WorkFactor: testkit.CheapWorkFactor}
	s, err := Login(cfg, "bea", bobPassword)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	_, err = s.ExportPDFs(context.Background(), os.Getenv(envExportDir), nil, func(done, total int64) {
		fmt.Printf("%s%d\n", testkit.AckPrefix, done)
	})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(4)
	}
	fmt.Println(testkit.AckPrefix + "done")
}

// A bookkeeper's export of 300 PDFs is killed after its first files: the
// trail names the bookkeeper, the count and the folder, and the bulk
// export alert was raised, before the first file was written.
func TestKillDuringPDFExport(t *testing.T) {
	if testing.Short() || testkit.RaceEnabled {
		t.Skip("renders 300 PDFs in a child process (make crash runs it)")
	}
	cfg := testConfig(t)
	admin := initVault(t, cfg)
	if _, err := admin.Import(context.Background(), bigImport(300), nil); err != nil {
		t.Fatal(err)
	}
	if err := admin.AddUser("bea", auth.RoleBookkeeper, bobPassword); err != nil {
		t.Fatal(err)
	}
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	c := testkit.StartChild(t, "pdf-exporter", envImportData+"="+cfg.DataDir, envImportAnchors+"="+cfg.AnchorDir, envExportDir+"="+dir)
	rep := c.KillAfterAck(t, 50*time.Millisecond)
	if rep.Acks[len(rep.Acks)-1] == "done" {
		t.Fatal("the export finished before the kill")
	}
	written := len(testkit.DirNames(t, dir))
	if written == 0 || written >= 300 {
		t.Errorf("%d files written before the kill, want some but not all", written)
	}
	s := login(t, cfg)
	defer s.Close()
	entries, err := s.AuditLog(AuditFilter{Action: "export.pdf"})
	if err != nil {
		t.Fatal(err)
	}
	var started bool
	for _, e := range entries {
		if e.Action == "export.pdf.start" && e.User == "bea" && e.Object == dir && e.Detail == "300 documents" {
			started = true
		}
		if e.Action == "export.pdf" {
			t.Errorf("an export that was killed has its finishing entry: %+v", e)
		}
	}
	if !started {
		t.Errorf("no export.pdf.start entry naming bea, the folder and 300 documents: %+v", entries)
	}
	if !hasAlertKind(t, s, AlertBulkExport, "bookkeeper bea exported 300 invoices as PDF") {
		t.Error("no bulk-export alert")
	}
}
