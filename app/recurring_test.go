package app

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"safeinvoice/auth"
	"safeinvoice/internal/testkit"
	"safeinvoice/invoice"
	"safeinvoice/recurring"
	"safeinvoice/storage"
)

// scheduleBooks is a vault with one issued invoice to make schedules from.
func scheduleBooks(t *testing.T, cfg Config) (*Session, invoice.Invoice) {
	t.Helper()
	s := initVault(t, cfg)
	c := mustClient(t, s, "Müller & Söhne KG", "ap@mueller.example")
	inv := mustIssue(t, s, mustDraft(t, s, draft(c.ID)).ID)
	return s, inv
}

// scheduleInvoices returns the invoices made by schedule id, by occurrence.
func scheduleInvoices(t *testing.T, s *Session, id string) map[int][]invoice.Invoice {
	t.Helper()
	out := map[int][]invoice.Invoice{}
	if err := s.vault.View(func(tx *storage.Tx) error {
		return tx.EachInvoice(func(inv invoice.Invoice) error {
			if inv.Schedule == id {
				out[inv.Occurrence] = append(out[inv.Occurrence], inv)
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRunDueCatchesUpMonthEndsOnce(t *testing.T) {
	cfg, clock := clockConfig(t) // 2026-11-24
	s, src := scheduleBooks(t, cfg)
	sc, err := s.AddSchedule(ScheduleParams{From: src.Number, Period: recurring.Monthly, Start: "2026-07-31"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.RunDue(t.Context(), "")
	if err != nil || len(rep.Failed) != 0 {
		t.Fatalf("run: %v %+v", err, rep.Failed)
	}
	var got []string
	for _, m := range rep.Made {
		got = append(got, m.IssueDate+" "+m.Number)
	}
	want := []string{"2026-07-31 INV-2026-0002", "2026-08-31 INV-2026-0003", "2026-09-30 INV-2026-0004", "2026-10-31 INV-2026-0005"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("made %v\nwant %v", got, want)
	}
	srcTotals, _ := src.Totals()
	for occ, invs := range scheduleInvoices(t, s, sc.ID) {
		inv := invs[0]
		tot, _ := inv.Totals()
		if len(invs) != 1 || inv.Status != invoice.StatusIssued || inv.ClientID != src.ClientID || tot.Total.Number() != srcTotals.Total.Number() {
			t.Errorf("occurrence %d: %d invoices, %+v", occ, len(invs), inv)
		}
		if d, _ := invoice.ParseDate(inv.IssueDate); inv.DueDate != d.AddDate(0, 0, 30).Format(invoice.DateLayout) {
			t.Errorf("occurrence %d due %s, want 30 days after %s as the source", occ, inv.DueDate, inv.IssueDate)
		}
	}
	// Again the same day: nothing. On 30 November: November's.
	if rep, err := s.RunDue(t.Context(), ""); err != nil || len(rep.Made) != 0 {
		t.Errorf("second run made %+v %v", rep.Made, err)
	}
	// Nothing is made ahead of its day.
	if _, err := s.RunDue(t.Context(), "2026-11-30"); !errors.Is(err, ErrFutureDate) {
		t.Errorf("a run for a day to come: %v", err)
	}
	clock.Advance(6 * 24 * time.Hour)
	rep, err = s.RunDue(t.Context(), "")
	if err != nil || len(rep.Made) != 1 || rep.Made[0].IssueDate != "2026-11-30" {
		t.Errorf("November: %+v %v", rep.Made, err)
	}
	list, _ := s.Schedules()
	if len(list) != 1 || list[0].Generated != 5 {
		t.Errorf("schedules %+v", list)
	}
	if next, ok, _ := list[0].Next(); !ok || next != "2026-12-31" {
		t.Errorf("next %s", next)
	}
}

func TestScheduleDraftsCountAndStop(t *testing.T) {
	s, src := scheduleBooks(t, testConfig(t))
	counted, err := s.AddSchedule(ScheduleParams{From: src.Number, Period: recurring.Weekly, Start: "2026-10-01", Count: 3, Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	stopped, err := s.AddSchedule(ScheduleParams{From: src.Number, Period: recurring.Quarterly, Start: "2026-01-15"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.StopSchedule(stopped.ID[:6]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StopSchedule(stopped.ID); !errors.Is(err, recurring.ErrStopped) {
		t.Errorf("stopping twice: %v", err)
	}
	if _, err := s.StopSchedule("ffffffffffffffffff"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("stopping none: %v", err)
	}
	rep, err := s.RunDue(t.Context(), "")
	if err != nil || len(rep.Made) != 3 {
		t.Fatalf("made %+v %v", rep.Made, err)
	}
	for _, m := range rep.Made {
		if m.Schedule != counted.ID || m.Number != "" {
			t.Errorf("made %+v, want drafts of the counted schedule", m)
		}
	}
	d := scheduleInvoices(t, s, counted.ID)[3][0]
	if d.Status != invoice.StatusDraft || d.IssueDate != "2026-10-15" {
		t.Errorf("third draft %+v", d)
	}
	// A draft made by a schedule is edited like any other, but keeps its link.
	d.Notes = "Edited"
	if _, _, err := s.SaveDraft(d); err != nil {
		t.Errorf("editing a made draft: %v", err)
	}
	d.Schedule = ""
	if _, _, err := s.SaveDraft(d); !errors.Is(err, invoice.ErrInvalid) {
		t.Errorf("unlinking a made draft: %v", err)
	}
	if len(scheduleInvoices(t, s, stopped.ID)) != 0 {
		t.Error("the stopped schedule made invoices")
	}
	if _, err := s.AddSchedule(ScheduleParams{From: "INV-1999-0001", Period: recurring.Weekly, Start: "2026-10-01"}); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("from a missing invoice: %v", err)
	}
	if _, err := s.AddSchedule(ScheduleParams{From: src.Number, Period: recurring.Weekly, Start: "2026-10-01", Until: "2026-09-01"}); !errors.Is(err, recurring.ErrInvalid) {
		t.Errorf("ending before it starts: %v", err)
	}
}

// Two runs at once in one process make every occurrence once.
func TestConcurrentRunsMakeEachOccurrenceOnce(t *testing.T) {
	s, src := scheduleBooks(t, testConfig(t))
	sc, err := s.AddSchedule(ScheduleParams{From: src.Number, Period: recurring.Weekly, Start: "2026-01-05"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	made := make([]int, 3)
	for i := range made {
		wg.Go(func() {
			rep, err := s.RunDue(t.Context(), "")
			if err != nil || len(rep.Failed) > 0 {
				t.Errorf("run %d: %v %+v", i, err, rep.Failed)
			}
			made[i] = len(rep.Made)
		})
	}
	wg.Wait()
	byOcc := scheduleInvoices(t, s, sc.ID)
	if len(byOcc) != 47 || made[0]+made[1]+made[2] != 47 { // 5 January to 23 November
		t.Errorf("%d occurrences made, the runs report %v", len(byOcc), made)
	}
	for occ, invs := range byOcc {
		if len(invs) != 1 {
			t.Errorf("occurrence %d made %d times", occ, len(invs))
		}
	}
}

func TestRunningSchedulesNeedsTheRole(t *testing.T) {
	cfg := testConfig(t)
	admin, src := scheduleBooks(t, cfg)
	sc, err := admin.AddSchedule(ScheduleParams{From: src.Number, Period: recurring.Monthly, Start: "2026-11-01"})
	if err != nil {
		t.Fatal(err)
	}
	addUser(t, admin, "carl", auth.RoleClerk, bobPassword)
	addUser(t, admin, "bea", auth.RoleBookkeeper, bobPassword)
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}
	clerk, err := Login(cfg, "carl", bobPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := clerk.RunDue(t.Context(), ""); !errors.Is(err, auth.ErrPermission) {
		t.Errorf("a clerk ran schedules: %v", err)
	}
	if _, err := clerk.StopSchedule(sc.ID); !errors.Is(err, auth.ErrPermission) {
		t.Errorf("a clerk stopped a schedule: %v", err)
	}
	if list, err := clerk.Schedules(); err != nil || len(list) != 1 {
		t.Errorf("a clerk sees schedules: %v %v", list, err)
	}
	clerk.Close()
	bk, err := Login(cfg, "bea", bobPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer bk.Close()
	if rep, err := bk.RunDue(t.Context(), ""); err != nil || len(rep.Made) != 1 {
		t.Errorf("a bookkeeper's run: %+v %v", rep, err)
	}
}

const envScheduleAsOf = "SAFEINVOICE_SCHEDULE_AS_OF"

func scheduleRunnerChild() {
	cfg := Config{DataDir: os.Getenv(envImportData), AnchorDir: os.Getenv(envImportAnchors), WorkFactor: testkit.CheapWorkFactor,
		Now: testkit.FixedTime}
	s, err := Login(cfg, adminName, adminPassword)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	fmt.Println(testkit.AckPrefix + "start")
	rep, err := s.RunDue(context.Background(), os.Getenv(envScheduleAsOf))
	if err != nil || len(rep.Failed) > 0 {
		fmt.Println("error", err, rep.Failed)
		os.Exit(4)
	}
	if err := s.Close(); err != nil {
		fmt.Println("error", err)
		os.Exit(5)
	}
	fmt.Printf("%sdone %d\n", testkit.AckPrefix, len(rep.Made))
}

// A catch-up of 520 weekly invoices is killed 20 times at random moments;
// one more run then leaves exactly 520, numbered without a gap or a
// repeat, and the audit chain intact.
func TestKillDuringACatchUp(t *testing.T) {
	if testing.Short() || testkit.RaceEnabled {
		t.Skip("runs and kills 21 child processes (make crash runs it)")
	}
	cfg := testConfig(t)
	s, src := scheduleBooks(t, cfg)
	sc, err := s.AddSchedule(ScheduleParams{From: src.Number, Period: recurring.Weekly, Start: "2016-12-05", Count: 520})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	env := []string{envImportData + "=" + cfg.DataDir, envImportAnchors + "=" + cfg.AnchorDir, envScheduleAsOf + "=2026-11-24"}
	seed := uint64(time.Now().UnixNano())
	t.Logf("kill moments from seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 520))
	partial := 0
	for round := range 20 {
		c := testkit.StartChild(t, "schedule-runner", env...)
		// A whole run takes about 150 ms here: kill within its first 10.
		rep := c.KillAfterAck(t, time.Duration(rng.Int64N(int64(10*time.Millisecond))))
		if rep.Ended {
			t.Logf("round %d: the run finished before the kill: %v", round, rep.Acks)
			break
		}
		partial++
	}
	if partial < 5 {
		t.Errorf("only %d of the runs were killed halfway", partial)
	}
	s = login(t, cfg)
	defer s.Close()
	before := len(scheduleInvoices(t, s, sc.ID))
	t.Logf("%d of 20 runs killed halfway; %d of 520 made before the last run", partial, before)
	if before == 0 || before == 520 {
		t.Errorf("the kills left %d of 520 made: they did not come during the work", before)
	}
	rep, err := s.RunDue(t.Context(), "2026-11-24")
	if err != nil || len(rep.Failed) > 0 {
		t.Fatalf("last run: %v %+v", err, rep.Failed)
	}
	byOcc := scheduleInvoices(t, s, sc.ID)
	numbers := map[string]int{}
	for occ := 1; occ <= 520; occ++ {
		invs := byOcc[occ]
		if len(invs) != 1 {
			t.Errorf("occurrence %d: %d invoices", occ, len(invs))
			continue
		}
		numbers[invs[0].Number]++
	}
	if len(byOcc) != 520 {
		t.Errorf("%d occurrences made, want 520", len(byOcc))
	}
	for n, c := range numbers {
		if c != 1 || n == "" {
			t.Errorf("number %q carried %d times", n, c)
		}
	}
	// Gap-free: the source is 0001, the made ones 0002…0521 in one
	// sequence (the pattern's year is the issue date's).
	if seq := maxSeq(numbers); seq != 521 {
		t.Errorf("the highest sequence number is %d, want 521", seq)
	}
	if list, _ := s.Schedules(); list[0].Generated != 520 {
		t.Errorf("the schedule counts %d", list[0].Generated)
	}
	if r, err := s.VerifyAudit(); err != nil {
		t.Errorf("audit chain: %v %+v", err, r)
	}
	if rep, err := s.CheckBooks(t.Context(), nil); err != nil || !rep.OK() {
		t.Errorf("check: %v %+v", err, rep.Problems)
	}
}

func maxSeq(numbers map[string]int) int {
	top := 0
	for n := range numbers {
		var y, seq int
		if _, err := fmt.Sscanf(n, "INV-%d-%d", &y, &seq); err == nil && seq > top {
			top = seq
		}
	}
	return top
}

// Two processes run the schedules at once: one gets "already open" (or
// finds nothing left to do), and nothing is made twice.
func TestTwoProcessesRacingRunDue(t *testing.T) {
	if testing.Short() || testkit.RaceEnabled {
		t.Skip("runs two child processes (make crash runs it)")
	}
	cfg := testConfig(t)
	s, src := scheduleBooks(t, cfg)
	sc, err := s.AddSchedule(ScheduleParams{From: src.Number, Period: recurring.Weekly, Start: "2022-01-03"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	env := []string{envImportData + "=" + cfg.DataDir, envImportAnchors + "=" + cfg.AnchorDir, envScheduleAsOf + "=2026-11-24"}
	children := []*testkit.Child{testkit.StartChild(t, "schedule-runner", env...), testkit.StartChild(t, "schedule-runner", env...)}
	refused := 0
	for i, c := range children {
		var lines []string
		for {
			l, ok := c.Line()
			if !ok {
				break
			}
			lines = append(lines, l)
		}
		err := c.Wait()
		out := strings.Join(lines, "\n")
		switch {
		case err == nil && strings.Contains(out, "done"):
		case strings.Contains(out, storage.ErrAlreadyOpen.Error()):
			refused++
		default:
			t.Errorf("child %d: %v\n%s", i, err, out)
		}
	}
	t.Logf("%d of 2 refused with %q", refused, storage.ErrAlreadyOpen)
	s = login(t, cfg)
	defer s.Close()
	byOcc := scheduleInvoices(t, s, sc.ID)
	if len(byOcc) != 256 { // 3 January 2022 to 23 November 2026
		t.Errorf("%d occurrences made, want 256", len(byOcc))
	}
	for occ, invs := range byOcc {
		if len(invs) != 1 {
			t.Errorf("occurrence %d made %d times", occ, len(invs))
		}
	}
}
