package auth

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		failures, threshold int
		want                time.Duration
	}{
		{0, 5, 0},
		{4, 5, 0},
		{5, 5, 30 * time.Second},
		{6, 5, time.Minute},
		{7, 5, 2 * time.Minute},
		{8, 5, 4 * time.Minute},
		{9, 5, 8 * time.Minute},
		{10, 5, 15 * time.Minute}, // 16 min capped
		{11, 5, 15 * time.Minute},
		{1 << 30, 5, 15 * time.Minute},
		{2, 3, 0},
		{3, 3, 30 * time.Second},
		{5, 0, 30 * time.Second}, // 0: default threshold
		{4, 0, 0},
	}
	for _, tt := range tests {
		if got := Backoff(tt.failures, tt.threshold); got != tt.want {
			t.Errorf("Backoff(%d, %d) = %v, want %v", tt.failures, tt.threshold, got, tt.want)
		}
	}
}

func TestLockoutTimeline(t *testing.T) {
	t0 := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	l := DefaultPolicy().NewLockout()
	allowed := func(now time.Time, want bool, wantWait time.Duration) {
		t.Helper()
		ok, wait := l.Allowed(now)
		if ok != want || wait != wantWait {
			t.Fatalf("Allowed(t0+%v) = %v, %v; want %v, %v", now.Sub(t0), ok, wait, want, wantWait)
		}
		err := l.Check(now)
		if want != (err == nil) {
			t.Fatalf("Check(t0+%v) = %v", now.Sub(t0), err)
		}
	}
	// Four failures, one second apart: never refused.
	now := t0
	for range 4 {
		allowed(now, true, 0)
		l.RecordFailure(now)
		now = now.Add(time.Second)
	}
	allowed(now, true, 0)
	// Fifth failure at t0+4s: refused for exactly 30 s.
	fifth := t0.Add(4 * time.Second)
	l.RecordFailure(fifth)
	allowed(fifth, false, 30*time.Second)
	allowed(fifth.Add(30*time.Second-time.Nanosecond), false, time.Nanosecond)
	allowed(fifth.Add(30*time.Second), true, 0)
	// Each further failure doubles, up to 15 minutes.
	at := fifth.Add(30 * time.Second)
	for _, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute} {
		l.RecordFailure(at)
		allowed(at, false, want)
		allowed(at.Add(want-time.Nanosecond), false, time.Nanosecond)
		allowed(at.Add(want), true, 0)
		at = at.Add(want)
	}
	if l.Failures != 11 || !l.LastFailure.Equal(at.Add(-15*time.Minute)) {
		t.Fatalf("state %+v", l)
	}
	// Success reports and clears the failures, keeping the threshold.
	n, last := l.RecordSuccess()
	if n != 11 || !last.Equal(at.Add(-15*time.Minute)) {
		t.Fatalf("RecordSuccess = %d, %s", n, last)
	}
	if l != (Lockout{Threshold: 5}) {
		t.Fatalf("after success %+v", l)
	}
	allowed(at, true, 0)
	if n, last := l.RecordSuccess(); n != 0 || !last.IsZero() {
		t.Fatalf("second success %d %s", n, last)
	}
	// After a success it takes the full threshold again.
	for range 4 {
		l.RecordFailure(at)
	}
	allowed(at, true, 0)
	l.RecordFailure(at)
	allowed(at, false, 30*time.Second)
}

func TestLockoutThreshold(t *testing.T) {
	t0 := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	p := DefaultPolicy()
	p.LockoutThreshold = 3
	l := p.NewLockout()
	l.RecordFailure(t0)
	l.RecordFailure(t0)
	if ok, _ := l.Allowed(t0); !ok {
		t.Fatal("locked after 2 of 3")
	}
	l.RecordFailure(t0)
	if ok, wait := l.Allowed(t0); ok || wait != 30*time.Second {
		t.Fatalf("after 3 of 3: %v %v", ok, wait)
	}
	// The zero value uses the default threshold of 5.
	var z Lockout
	for range 4 {
		z.RecordFailure(t0)
	}
	if ok, _ := z.Allowed(t0); !ok {
		t.Fatal("zero Lockout locked after 4")
	}
	z.RecordFailure(t0)
	if ok, _ := z.Allowed(t0); ok {
		t.Fatal("zero Lockout not locked after 5")
	}
}

func TestLockoutFailureDuringLockRestartsWait(t *testing.T) {
	t0 := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	var l Lockout
	for range 5 {
		l.RecordFailure(t0)
	}
	later := t0.Add(10 * time.Second)
	l.RecordFailure(later) // sixth, while locked
	if ok, wait := l.Allowed(later); ok || wait != time.Minute {
		t.Fatalf("%v %v", ok, wait)
	}
}

func TestLockoutClockSetBack(t *testing.T) {
	t0 := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	var l Lockout
	for range 5 {
		l.RecordFailure(t0)
	}
	ok, wait := l.Allowed(t0.Add(-24 * time.Hour))
	if ok || wait != 30*time.Second {
		t.Fatalf("clock a day back: %v %v, want refused for at most the 30 s step", ok, wait)
	}
	// A tampered journal with a far lock but no failures waits at most the cap.
	l = Lockout{LockedUntil: t0.Add(48 * time.Hour)}
	if ok, wait := l.Allowed(t0); ok || wait != BackoffMax {
		t.Fatalf("tampered: %v %v", ok, wait)
	}
	l = Lockout{Failures: -3}
	l.RecordFailure(t0)
	if l.Failures != 1 {
		t.Fatalf("negative failures: %d", l.Failures)
	}
}

func TestLockoutStoresUTC(t *testing.T) {
	local := time.Date(2026, 5, 4, 10, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	var l Lockout
	for range 5 {
		l.RecordFailure(local)
	}
	if l.LastFailure.Location() != time.UTC || l.LockedUntil.Location() != time.UTC || !l.LastFailure.Equal(local) {
		t.Fatalf("%+v", l)
	}
}

func TestLockoutJSON(t *testing.T) {
	t0 := time.Date(2026, 5, 4, 8, 0, 0, 123, time.UTC)
	l := Lockout{Threshold: 7}
	for range 8 {
		l.RecordFailure(t0)
	}
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"failures":8,"last_failure":"2026-05-04T08:00:00.000000123Z","locked_until":"2026-05-04T08:01:00.000000123Z","threshold":7}`
	if string(b) != want {
		t.Fatalf("JSON %s\nwant %s", b, want)
	}
	var m Lockout
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Failures != l.Failures || m.Threshold != l.Threshold ||
		!m.LastFailure.Equal(l.LastFailure) || !m.LockedUntil.Equal(l.LockedUntil) {
		t.Fatalf("round trip %+v, want %+v", m, l)
	}
	// A state read back behaves the same ("survives restarts").
	okA, waitA := l.Allowed(t0.Add(time.Second))
	okB, waitB := m.Allowed(t0.Add(time.Second))
	if okA != okB || waitA != waitB {
		t.Fatal("decoded state behaves differently")
	}
	b, _ = json.Marshal(Lockout{})
	if string(b) != `{"failures":0}` {
		t.Fatalf("zero JSON %s", b)
	}
}

func TestLockedOutError(t *testing.T) {
	t0 := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	var l Lockout
	for range 6 {
		l.RecordFailure(t0)
	}
	err := l.Check(t0.Add(500 * time.Millisecond))
	var le *LockedOutError
	if !errors.Is(err, ErrLockedOut) || !errors.As(err, &le) || le.Wait != 59500*time.Millisecond {
		t.Fatalf("Check = %#v", err)
	}
	if got := err.Error(); got != "too many failed attempts: try again in 1m0s" {
		t.Fatalf("message %q", got)
	}
}
