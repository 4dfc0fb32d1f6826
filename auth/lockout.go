package auth

import (
	"errors"
	"time"
)

// Back-off after failed logins: BackoffBase after the threshold-th
// consecutive failure, doubling with each further failure, never more than
// BackoffMax.
const (
	BackoffBase = 30 * time.Second
	BackoffMax  = 15 * time.Minute
)

// maxFailures bounds Lockout.Failures so the counter cannot overflow.
const maxFailures = 1 << 20

// Backoff returns how long logins are refused after the failures-th
// consecutive failure with the given threshold: 0 below the threshold, then
// 30 s, 1 min, 2 min, 4 min, 8 min, and 15 min from the threshold+5th failure
// on. A threshold below 1 means DefaultLockoutThreshold.
func Backoff(failures, threshold int) time.Duration {
	if threshold < 1 {
		threshold = DefaultLockoutThreshold
	}
	if failures < threshold {
		return 0
	}
	d := BackoffBase
	for i := threshold; i < failures && d < BackoffMax; i++ {
		d *= 2
	}
	return min(d, BackoffMax)
}

// Lockout is one user's failed-login state, kept before unlock (storage's
// lockout.json) and so free of secrets. It is a pure state machine: every
// method takes the time from its caller. The zero value is a user with no
// failures and the default threshold.
type Lockout struct {
	// Failures counts consecutive failed logins since the last success.
	Failures int `json:"failures"`
	// LastFailure is the time of the latest failure, in UTC.
	LastFailure time.Time `json:"last_failure,omitzero"`
	// LockedUntil is when logins are allowed again, in UTC; zero when not
	// locked.
	LockedUntil time.Time `json:"locked_until,omitzero"`
	// Threshold is the Policy.LockoutThreshold in force; 0 means
	// DefaultLockoutThreshold. The policy lives inside the vault, which is
	// still locked when this state is needed, so the caller copies it here
	// whenever the policy changes (see Policy.NewLockout).
	Threshold int `json:"threshold,omitempty"`
}

// NewLockout returns a clean Lockout carrying p's threshold.
func (p Policy) NewLockout() Lockout {
	return Lockout{Threshold: p.LockoutThreshold}
}

// RecordFailure counts a failed login at now. From the threshold-th
// consecutive failure on, logins are refused until now + Backoff(Failures,
// Threshold). The caller should refuse attempts while Allowed is false
// without checking the password or calling RecordFailure; a failure recorded
// during a lock still counts and restarts the wait from now.
func (l *Lockout) RecordFailure(now time.Time) {
	now = now.UTC()
	if l.Failures < 0 {
		l.Failures = 0
	}
	if l.Failures < maxFailures {
		l.Failures++
	}
	l.LastFailure = now
	if d := Backoff(l.Failures, l.Threshold); d > 0 {
		l.LockedUntil = now.Add(d)
	}
}

// RecordSuccess clears the failures after a successful login, keeping the
// threshold. It returns the number of failures since the previous success and
// the time of the last one, for the login message ("3 failed attempts since
// your last login, last at …"); failures is 0 when there were none.
func (l *Lockout) RecordSuccess() (failures int, last time.Time) {
	failures, last = max(l.Failures, 0), l.LastFailure
	*l = Lockout{Threshold: l.Threshold}
	return failures, last
}

// Allowed reports whether a login may be attempted at now and, if not, how
// long to wait. Logins are refused strictly before LockedUntil and allowed
// from LockedUntil on. The wait never exceeds the current back-off step, so a
// clock set back cannot lock a user out for longer than that.
func (l Lockout) Allowed(now time.Time) (bool, time.Duration) {
	if l.LockedUntil.IsZero() || !now.Before(l.LockedUntil) {
		return true, 0
	}
	wait := l.LockedUntil.Sub(now)
	step := Backoff(l.Failures, l.Threshold)
	if step == 0 {
		step = BackoffMax
	}
	return false, min(wait, step)
}

// ErrLockedOut is wrapped by *LockedOutError: too many failed logins, wait.
var ErrLockedOut = errors.New("too many failed attempts")

// LockedOutError refuses a login attempt during the back-off. It wraps
// ErrLockedOut.
type LockedOutError struct {
	// Wait is how long until an attempt is allowed.
	Wait time.Duration
}

// Error reads like "too many failed attempts: try again in 30s", the wait
// rounded up to the second.
func (e *LockedOutError) Error() string {
	w := (e.Wait + time.Second - 1).Truncate(time.Second)
	return ErrLockedOut.Error() + ": try again in " + w.String()
}

// Unwrap returns ErrLockedOut.
func (e *LockedOutError) Unwrap() error { return ErrLockedOut }

// Check returns nil if a login may be attempted at now, and otherwise a
// *LockedOutError carrying the wait.
func (l Lockout) Check(now time.Time) error {
	if ok, wait := l.Allowed(now); !ok {
		return &LockedOutError{Wait: wait}
	}
	return nil
}
