package testkit

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// fakeTB is a testing.TB that records failures instead of failing. Only
// the methods testkit's checks may call are implemented; any other panics
// on the nil embedded TB, which flags a check calling what it should not.
type fakeTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  bool
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

// Fatalf records, then ends the calling goroutine as testing.T's does.
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
	f.fatal = true
	f.mu.Unlock()
	runtime.Goexit()
}

func (f *fakeTB) Fatal(args ...any) { f.Fatalf("%s", fmt.Sprint(args...)) }

func (f *fakeTB) failures() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.errors...)
}

// wantFailures checks that fake failed exactly with messages containing
// want, in order.
func wantFailures(t *testing.T, fake *fakeTB, want ...string) {
	t.Helper()
	got := fake.failures()
	if len(got) != len(want) {
		t.Fatalf("failures %q, want %d containing %q", got, len(want), want)
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("failure %d is %q, want it to contain %q", i, got[i], want[i])
		}
	}
}

func report(p *Progress, calls ...Call) {
	fn := p.Func()
	for _, c := range calls {
		fn(c.Done, c.Total)
	}
}

func TestNewProgressAcceptsGoodReports(t *testing.T) {
	fake := &fakeTB{}
	p := NewProgress(fake)
	calls := []Call{{0, 0}, {5, 0}, {5, 100}, {40, 100}, {40, 120}, {120, 120}}
	report(p, calls...)
	wantFailures(t, fake)
	if got := p.Calls(); fmt.Sprint(got) != fmt.Sprint(calls) {
		t.Errorf("Calls() = %v, want %v", got, calls)
	}
	if p.Count() != len(calls) || p.Last() != (Call{120, 120}) {
		t.Errorf("Count %d, Last %v", p.Count(), p.Last())
	}
	if !p.AssertMonotonic(fake) || !p.AssertFinished(fake, 120) {
		t.Error("an assertion failed on good reports")
	}
	wantFailures(t, fake)
}

func TestNewProgressFailsAsReportsCome(t *testing.T) {
	fake := &fakeTB{}
	p := NewProgress(fake)
	report(p, Call{10, 100}, Call{9, 100})
	wantFailures(t, fake, "went back from 10 to 9")
	report(p, Call{101, 100})
	wantFailures(t, fake, "went back from 10 to 9", "101 beyond its total 100")
	// A bad report is recorded all the same.
	if p.Count() != 3 || p.Last() != (Call{101, 100}) {
		t.Errorf("Count %d, Last %v", p.Count(), p.Last())
	}
}

func TestNewProgressFromGoroutines(t *testing.T) {
	fake := &fakeTB{}
	p := NewProgress(fake)
	fn := p.Func()
	var mu sync.Mutex
	next := int64(0)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				mu.Lock()
				next++
				fn(next, 800)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	wantFailures(t, fake)
	if !p.AssertFinished(t, 800) || p.Count() != 800 {
		t.Errorf("%d reports", p.Count())
	}
}

func TestZeroProgressOnlyRecords(t *testing.T) {
	var p Progress
	report(&p, Call{10, 5}, Call{3, 5})
	if p.Count() != 2 || p.Last() != (Call{3, 5}) {
		t.Errorf("Count %d, Last %v", p.Count(), p.Last())
	}
	fake := &fakeTB{}
	if p.AssertMonotonic(fake) {
		t.Error("AssertMonotonic held for reports that go back and pass their total")
	}
	wantFailures(t, fake, "10 beyond its total 5", "went back from 10 to 3")
}

func TestAssertFinished(t *testing.T) {
	for _, tc := range []struct {
		calls []Call
		total int64
		ok    bool
	}{
		{nil, 0, false},  // nothing reported, even for no work
		{nil, 10, false}, // nothing reported
		{[]Call{{0, 0}}, 0, true},
		{[]Call{{10, 10}}, 10, true},
		{[]Call{{9, 10}}, 10, false},  // stopped short
		{[]Call{{10, 0}}, 10, false},  // the total never became known
		{[]Call{{10, 12}}, 10, false}, // the total was another
		{[]Call{{10, 10}, {12, 12}}, 10, false},
	} {
		var p Progress
		report(&p, tc.calls...)
		fake := &fakeTB{}
		if got := p.AssertFinished(fake, tc.total); got != tc.ok {
			t.Errorf("%v, total %d: AssertFinished = %v, want %v", tc.calls, tc.total, got, tc.ok)
		}
		if n := len(fake.failures()); (n == 0) != tc.ok {
			t.Errorf("%v, total %d: failures %q", tc.calls, tc.total, fake.failures())
		}
	}
}

func TestCancelAfter(t *testing.T) {
	cancelled := 0
	p := NewProgress(t).CancelAfter(20, func() { cancelled++ })
	report(p, Call{10, 0}, Call{20, 0})
	if cancelled != 0 {
		t.Fatalf("cancelled at or before 20")
	}
	report(p, Call{21, 0}, Call{30, 0})
	if cancelled != 2 {
		t.Errorf("cancel called %d times for two reports beyond 20", cancelled)
	}
}
