package testkit

import (
	"sync"
	"testing"
)

// Call is one progress report: done units of work out of total (bytes,
// records or files). A total of 0 means the total is not known yet.
type Call struct {
	Done, Total int64
}

// Progress records the reports of long work (backup, verification,
// restore, import, PDF export) to a progress function, func(done, total
// int64), which Func returns. Its methods are safe for concurrent use, as
// long work may report from a goroutine of its own.
//
// A Progress made by NewProgress(t) also checks each report as it comes:
// done must never go back and never pass a known total. A report that
// breaks either rule fails t with Errorf, which any goroutine may call, and
// is recorded all the same. The zero Progress records without checking.
type Progress struct {
	mu          sync.Mutex
	t           testing.TB
	calls       []Call
	cancel      func()
	cancelAfter int64
}

// NewProgress returns a Progress that checks every report against t.
func NewProgress(t testing.TB) *Progress {
	return &Progress{t: t}
}

// CancelAfter makes p call cancel at each report whose done is beyond n,
// as a user pressing Cancel part-way through would, and returns p. cancel
// is usually a context.CancelFunc, which may be called more than once.
func (p *Progress) CancelAfter(n int64, cancel func()) *Progress {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cancelAfter, p.cancel = n, cancel
	return p
}

// Func returns the progress function to hand to the work.
func (p *Progress) Func() func(done, total int64) {
	return p.report
}

func (p *Progress) report(done, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := Call{done, total}
	if p.t != nil {
		p.t.Helper()
		checkCall(p.t, p.last(), c)
	}
	p.calls = append(p.calls, c)
	if p.cancel != nil && done > p.cancelAfter {
		p.cancel()
	}
}

// checkCall fails t for each rule of NewProgress that c, coming after prev,
// breaks, and returns whether it broke none.
func checkCall(t testing.TB, prev, c Call) bool {
	t.Helper()
	ok := true
	if c.Done < prev.Done {
		t.Errorf("progress went back from %d to %d", prev.Done, c.Done)
		ok = false
	}
	if c.Total != 0 && c.Done > c.Total {
		t.Errorf("progress %d beyond its total %d", c.Done, c.Total)
		ok = false
	}
	return ok
}

func (p *Progress) last() Call {
	if len(p.calls) == 0 {
		return Call{}
	}
	return p.calls[len(p.calls)-1]
}

// Calls returns a copy of the reports so far, in the order they came.
func (p *Progress) Calls() []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Call(nil), p.calls...)
}

// Count returns how many reports came.
func (p *Progress) Count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.calls)
}

// Last returns the latest report, or the zero Call when none came.
func (p *Progress) Last() Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last()
}

// AssertMonotonic checks the reports so far against the rules that
// NewProgress checks as they come: done never goes back and never passes a
// known total. It fails t with Errorf for each report that breaks one, and
// returns whether none did. It is for a zero Progress, or for a second
// look; a Progress made by NewProgress has checked already.
func (p *Progress) AssertMonotonic(t testing.TB) bool {
	t.Helper()
	ok := true
	prev := Call{}
	for _, c := range p.Calls() {
		ok = checkCall(t, prev, c) && ok
		prev = c
	}
	return ok
}

// AssertFinished checks that at least one report came and the latest is
// total of total: the work reported all of itself, with the total it turned
// out to have. It fails t with Errorf otherwise, and returns whether the
// check held.
func (p *Progress) AssertFinished(t testing.TB, total int64) bool {
	t.Helper()
	p.mu.Lock()
	n, last := len(p.calls), p.last()
	p.mu.Unlock()
	if n == 0 {
		t.Errorf("no progress reported, want %d of %d at the end", total, total)
		return false
	}
	if last != (Call{total, total}) {
		t.Errorf("last progress %d of %d (of %d reports), want %d of %d", last.Done, last.Total, n, total, total)
		return false
	}
	return true
}
