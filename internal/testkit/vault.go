package testkit

import (
	"sync"
	"time"
)

// CheapWorkFactor is the scrypt work factor (log2 N) that tests give the
// key slots of their vaults: 2^10, a millisecond or so per password, where
// the product's storage.ProductWorkFactor (2^18) takes a good part of a
// second. Such a vault behaves like any other, but its passwords are cheap
// to guess: for tests only. It goes into storage.Options.WorkFactor or
// app.Config.WorkFactor.
const CheapWorkFactor = 10

// FixedTime returns the moment test clocks stand at, 24 November 2026,
// 09:00 UTC. It is itself a clock that never moves, for storage.Options.Now
// or app.Config.Now.
func FixedTime() time.Time {
	return time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
}

// Clock is a test clock that moves only when told to: for expiry, lockout
// and alert rules that depend on time passing. Its methods are safe for
// concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock that reads FixedTime.
func NewClock() *Clock {
	return &Clock{t: FixedTime()}
}

// Now returns the clock's time. The method value c.Now is the clock to hand
// to a vault or session.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
