package auth

import (
	"fmt"
	"time"
)

// ExpiresAt returns the instant u's password expires under p, and false when
// expiry is off (MaxAgeDays 0). The age runs from u.PasswordChanged, or from
// u.Created if the password change time is unknown; it is exactly
// MaxAgeDays × 24 hours of elapsed time, whatever the time zone or daylight
// saving. If both times are zero the password counts as expired since the
// zero time, forcing a change.
func (p Policy) ExpiresAt(u User) (time.Time, bool) {
	if p.MaxAgeDays <= 0 {
		return time.Time{}, false
	}
	base := u.PasswordChanged
	if base.IsZero() {
		base = u.Created
	}
	if base.IsZero() {
		return time.Time{}, true
	}
	return base.Add(p.MaxAge()), true
}

// Expired reports whether u's password has expired at now under p. The
// password is valid strictly before ExpiresAt and expired from ExpiresAt on:
// with MaxAgeDays 30 and a change at day 0 00:00 UTC it is still valid at day
// 30 00:00 minus 1ns and expired at day 30 00:00. With expiry off it never
// expires.
func (p Policy) Expired(u User, now time.Time) bool {
	at, ok := p.ExpiresAt(u)
	return ok && !now.Before(at)
}

// NeedsChange reports whether u must choose a new password at this login,
// and why, in a sentence for the login screen: an administrator's reset
// (u.MustChange) first, then expiry under p. A user who needs a change may do
// nothing else until the new password is set.
func (p Policy) NeedsChange(u User, now time.Time) (bool, string) {
	if u.MustChange {
		return true, "an administrator reset your password: choose a new one"
	}
	if p.Expired(u, now) {
		return true, fmt.Sprintf("your password is older than %d days: choose a new one", p.MaxAgeDays)
	}
	return false, ""
}
