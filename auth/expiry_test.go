package auth

import (
	"strings"
	"testing"
	"time"
)

func TestExpiredBoundary(t *testing.T) {
	day0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	u := User{PasswordChanged: day0, Created: day0.AddDate(-1, 0, 0)}
	for _, days := range []int{30, 60, 90} {
		p := DefaultPolicy()
		p.MaxAgeDays = days
		boundary := day0.AddDate(0, 0, days) // exactly days × 24 h in UTC
		tests := []struct {
			now  time.Time
			want bool
		}{
			{day0, false},
			{day0.AddDate(0, 0, days-1), false},
			{boundary.Add(-time.Nanosecond), false},
			{boundary, true},
			{boundary.Add(time.Nanosecond), true},
			{day0.Add(-time.Hour), false}, // clock before the change
		}
		for _, tt := range tests {
			if got := p.Expired(u, tt.now); got != tt.want {
				t.Errorf("MaxAgeDays %d, now %s: Expired = %v, want %v", days, tt.now, got, tt.want)
			}
		}
		if at, ok := p.ExpiresAt(u); !ok || !at.Equal(boundary) {
			t.Errorf("ExpiresAt = %s %v, want %s", at, ok, boundary)
		}
	}
}

func TestExpiredIgnoresZone(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	changed := time.Date(2026, 3, 1, 12, 0, 0, 0, berlin)
	p := DefaultPolicy()
	p.MaxAgeDays = 30
	u := User{PasswordChanged: changed}
	at := changed.Add(30 * 24 * time.Hour)
	if p.Expired(u, at.Add(-time.Nanosecond).In(time.UTC)) || !p.Expired(u, at.In(time.UTC)) {
		t.Fatal("expiry depends on the zone of now")
	}
}

func TestExpiredOffAndUnknown(t *testing.T) {
	far := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := DefaultPolicy()
	if p.Expired(User{}, far) {
		t.Error("expiry off, yet expired")
	}
	if _, ok := p.ExpiresAt(User{}); ok {
		t.Error("expiry off, yet ExpiresAt ok")
	}
	p.MaxAgeDays = 30
	// No change time: counts from Created.
	u := User{Created: created}
	if p.Expired(u, created.AddDate(0, 0, 29)) || !p.Expired(u, created.AddDate(0, 0, 30)) {
		t.Error("Created fallback")
	}
	// Neither time known: expired, forcing a change.
	if !p.Expired(User{}, created) {
		t.Error("unknown age not expired")
	}
}

func TestNeedsChange(t *testing.T) {
	day0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := DefaultPolicy()
	p.MaxAgeDays = 60
	tests := []struct {
		name   string
		u      User
		now    time.Time
		want   bool
		reason string
	}{
		{"fresh", User{PasswordChanged: day0}, day0.AddDate(0, 0, 59), false, ""},
		{"reset", User{PasswordChanged: day0, MustChange: true}, day0, true, "administrator reset"},
		{"expired", User{PasswordChanged: day0}, day0.AddDate(0, 0, 60), true, "older than 60 days"},
		{"reset and expired", User{PasswordChanged: day0, MustChange: true}, day0.AddDate(1, 0, 0), true, "administrator reset"},
	}
	for _, tt := range tests {
		got, reason := p.NeedsChange(tt.u, tt.now)
		if got != tt.want || (tt.reason == "") != (reason == "") || !strings.Contains(reason, tt.reason) {
			t.Errorf("%s: NeedsChange = %v, %q; want %v, %q", tt.name, got, reason, tt.want, tt.reason)
		}
	}
	off := DefaultPolicy()
	if got, _ := off.NeedsChange(User{PasswordChanged: day0}, day0.AddDate(10, 0, 0)); got {
		t.Error("expiry off, yet change needed")
	}
}
