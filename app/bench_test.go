package app

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"safeinvoice/internal/testkit"
)

// The large-vault benchmarks share one generated vault per size, kept in the
// temporary folder between runs (the data is deterministic). Its size is
// SAFEINVOICE_BENCH_N invoices (default 100,000) and N/20 clients.
const benchPassword = adminPassword

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

func benchN() int {
	if n, err := strconv.Atoi(os.Getenv("SAFEINVOICE_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 100000
}

func benchConfig(dir string) Config {
	return Config{DataDir: dir, WorkFactor: testkit.CheapWorkFactor, AnchorDir: dir + ".anchors", BackgroundFileCheck: true}
}

// benchVault returns the data directory of the shared large vault, making
// it on first use.
func benchVault(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		n := benchN()
		benchDir = filepath.Join(os.TempDir(), fmt.Sprintf("safeinvoice-bench-%d", n))
		cfg := benchConfig(benchDir)
		if cfg.VaultExists() {
			return
		}
		_ = os.RemoveAll(benchDir)
		start := time.Now()
		s, err := Init(cfg, InitParams{User: adminName, Password: benchPassword, Business: "Bench GmbH"})
		if err != nil {
			benchErr = err
			return
		}
		_, benchErr = s.GenerateDemo(DemoOptions{Clients: max(1, n/20), Invoices: n, Seed: 42})
		if err := s.Close(); benchErr == nil {
			benchErr = err
		}
		fmt.Fprintf(os.Stderr, "generated a %d-invoice vault in %v at %s\n", n, time.Since(start).Round(time.Millisecond), benchDir)
	})
	if benchErr != nil {
		_ = os.RemoveAll(benchDir)
		b.Fatal(benchErr)
	}
	return benchDir
}

func percentiles(b *testing.B, d []time.Duration) {
	slices.Sort(d)
	at := func(p int) float64 { return float64(d[(len(d)-1)*p/100].Microseconds()) / 1000 }
	b.ReportMetric(at(50), "p50-ms")
	b.ReportMetric(at(95), "p95-ms")
}

// BenchmarkUnlockToFirstPage is login (with a cheap KDF, so the key
// derivation is excluded) up to the first page of the invoice list, on the
// large vault. Target ≤ 1 s.
func BenchmarkUnlockToFirstPage(b *testing.B) {
	dir := benchVault(b)
	cfg := benchConfig(dir)
	b.ResetTimer()
	for b.Loop() {
		s, err := Login(cfg, adminName, benchPassword)
		if err != nil {
			b.Fatal(err)
		}
		page, err := s.ListInvoices(InvoiceQuery{})
		if err != nil || len(page.Rows) != 50 {
			b.Fatalf("first page: %v (%d rows)", err, len(page.Rows))
		}
		b.StopTimer()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkCheckBooks reads and checks every record of the large vault
// (safeinvoice check). Target ≤ 10 s at 100,000 invoices.
func BenchmarkCheckBooks(b *testing.B) {
	dir := benchVault(b)
	s, err := Login(benchConfig(dir), adminName, benchPassword)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ResetTimer()
	for b.Loop() {
		res, err := s.CheckBooks(b.Context(), nil)
		if err != nil || !res.OK() {
			b.Fatalf("check: %v %v", err, res.Problems)
		}
	}
}

// benchQueries are what people type into the search box.
var benchQueries = []InvoiceQuery{
	{Text: "INV-2024-01"},
	{Text: "inv-2026-0042"},
	{Text: "müller"},
	{Text: "kowalski bakery"},
	{Text: "consulting"},
	{Text: "website maintenance"},
	{Text: "novak", Status: "paid"},
	{Text: "hotel", Sort: "total", Desc: true},
	{Status: "overdue"},
	{From: "2025-01-01", To: "2025-03-31", Sort: "client"},
	{Text: "a"},
	{Text: "fischer garage", Offset: 50},
}

// BenchmarkSearch runs the typical queries against the loaded large vault
// and reports the p95 of single queries. Target p95 ≤ 20 ms.
func BenchmarkSearch(b *testing.B) {
	s, err := Login(benchConfig(benchVault(b)), adminName, benchPassword)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	// Warm up: the word index is built in the background after unlock and
	// the first text search waits for it (BenchmarkFirstSearch measures
	// that); sort orders are cached on first use.
	for _, q := range benchQueries {
		if _, err := s.ListInvoices(q); err != nil {
			b.Fatal(err)
		}
	}
	var d []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := benchQueries[i%len(benchQueries)]
		start := time.Now()
		if _, err := s.ListInvoices(q); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	percentiles(b, d)
}

// BenchmarkFirstSearch is unlock (cheap KDF) up to the result of a first
// text search, which waits for the word index built after unlock.
func BenchmarkFirstSearch(b *testing.B) {
	cfg := benchConfig(benchVault(b))
	for b.Loop() {
		s, err := Login(cfg, adminName, benchPassword)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.ListInvoices(InvoiceQuery{Text: "müller consulting"}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkImport is the all-or-nothing import of 5,000 generated invoices
// into a fresh vault, reported as invoices per second.
func BenchmarkImport(b *testing.B) {
	const n = 5000
	for b.Loop() {
		b.StopTimer()
		cfg := benchConfig(filepath.Join(b.TempDir(), "v"))
		s, err := Init(cfg, InitParams{User: adminName, Password: benchPassword, Business: "Bench"})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.GenerateDemo(DemoOptions{Clients: 250, Invoices: n, Seed: 7}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "invoices/s")
}

// envRSSDir names, for residentMemoryChild, the data directory to open.
const envRSSDir = "SAFEINVOICE_RSS_DIR"

// residentMemoryChild is the body of BenchmarkResidentMemory's child
// process: open the large vault, show the first page, run the searches,
// wait for the audit check, report VmRSS and VmHWM.
func residentMemoryChild() {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "error", err)
		os.Exit(1)
	}
	// As main does (GOMEMLIMIT unset).
	debug.SetMemoryLimit(128 << 20)
	s, err := Login(benchConfig(os.Getenv(envRSSDir)), adminName, benchPassword)
	if err != nil {
		fail(err)
	}
	for _, q := range append([]InvoiceQuery{{}}, benchQueries...) {
		if _, err := s.ListInvoices(q); err != nil {
			fail(err)
		}
	}
	if err := s.AuditProblem(); err != nil {
		fail(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("GoHeapInuse %d\nGoSys %d\n", ms.HeapInuse/1024, ms.Sys/1024)
	runtime.GC()
	runtime.ReadMemStats(&ms)
	fmt.Printf("GoLiveHeap %d\n", ms.HeapAlloc/1024)
	if p := os.Getenv("SAFEINVOICE_HEAP_PROFILE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			fail(err)
		}
		if err := pprof.WriteHeapProfile(f); err != nil {
			fail(err)
		}
		if err := f.Close(); err != nil {
			fail(err)
		}
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return // no /proc: the Go figures only
	}
	sc := bufio.NewScanner(strings.NewReader(string(status)))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && (f[0] == "VmRSS:" || f[0] == "VmHWM:" || f[0] == "RssAnon:" || f[0] == "RssFile:") {
			fmt.Printf("%s %s\n", strings.TrimSuffix(f[0], ":"), f[1])
		}
	}
	_ = s.Close()
}

// BenchmarkResidentMemory reports the resident memory (VmRSS, and its peak
// VmHWM) of a process that has the large vault open with its list loaded and
// searched. Target ≤ 200 MB.
func BenchmarkResidentMemory(b *testing.B) {
	dir := benchVault(b)
	for b.Loop() {
		out, err := testkit.Command("resident-memory", envRSSDir+"="+dir).CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if f := strings.Fields(line); len(f) == 2 {
				if kb, err := strconv.Atoi(f[1]); err == nil && (f[0] == "VmRSS" || f[0] == "VmHWM" || strings.HasPrefix(f[0], "Rss") || strings.HasPrefix(f[0], "Go")) {
					b.ReportMetric(float64(kb)/1024, f[0]+"-MB")
				}
			}
		}
	}
}

// BenchmarkReports is each report over the large vault, from the loaded
// index (one pass, no invoice opened), alone and as the Reports screen and
// the command line run it (with its charts and its table's rows). Target
// ≤ 200 ms each at 100,000 invoices.
func BenchmarkReports(b *testing.B) {
	dir := benchVault(b)
	s, err := Login(benchConfig(dir), adminName, benchPassword)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.ListInvoices(InvoiceQuery{Limit: 1}); err != nil { // the index, loaded once
		b.Fatal(err)
	}
	settle(b, s)
	// What the Reports screen and the command line run: the report with
	// its charts, then its table's rows.
	screen := func(q ReportQuery) func() (int, error) {
		return func() (int, error) {
			r, err := s.Report(q)
			if err != nil {
				return 0, err
			}
			_, rows, _, err := r.Table()
			return len(rows), err
		}
	}
	reportCases := []struct {
		name string
		run  func() (int, error)
	}{
		{"aging", func() (int, error) { rows, err := s.AgingReport(""); return len(rows), err }},
		{"tax", func() (int, error) { rows, err := s.TaxReport("2000-01-01", "2099-12-31"); return len(rows), err }},
		{"revenue", func() (int, error) { rows, err := s.RevenueReport("2025-12-01", "2026-11-30"); return len(rows), err }},
		{"aging-screen", screen(ReportQuery{Kind: ReportAging})},
		{"tax-screen", screen(ReportQuery{Kind: ReportTax, From: "2000-01-01", To: "2099-12-31"})},
		{"revenue-screen", screen(ReportQuery{Kind: ReportRevenue, From: "2025-12-01", To: "2026-11-30"})},
	}
	for _, r := range reportCases {
		b.Run(r.name, func(b *testing.B) {
			for b.Loop() {
				if n, err := r.run(); err != nil || n == 0 {
					b.Fatalf("%d rows, %v", n, err)
				}
			}
		})
	}
}

// settle waits for the checks a login starts in the background (the audit
// chain, then the database files' checksums a few seconds later), so that
// they do not run inside the measured loop.
func settle(b *testing.B, s *Session) {
	b.Helper()
	if err := s.AuditProblem(); err != nil {
		b.Fatal(err)
	}
	<-s.filesDone
}

// BenchmarkDashboard is what the dashboard reads of the books when it
// opens, on the large vault with its index loaded: the figures and the
// charts (revenue per month, aging buckets).
func BenchmarkDashboard(b *testing.B) {
	dir := benchVault(b)
	s, err := Login(benchConfig(dir), adminName, benchPassword)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.ListInvoices(InvoiceQuery{Limit: 1}); err != nil {
		b.Fatal(err)
	}
	settle(b, s)
	for b.Loop() {
		if _, err := s.Dashboard(); err != nil {
			b.Fatal(err)
		}
		if sets, err := s.DashboardCharts(); err != nil || len(sets) == 0 {
			b.Fatalf("%d chart sets, %v", len(sets), err)
		}
	}
}
