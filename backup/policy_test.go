package backup

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPlan(t *testing.T) {
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	full := func(name string, at time.Time, verified bool) Item {
		return Item{Name: name, Created: at, Kind: Full, Verified: verified}
	}
	incr := func(name, parent string, at time.Time, verified bool) Item {
		return Item{Name: name, Created: at, Kind: Incremental, Parent: parent, Verified: verified}
	}
	tests := []struct {
		name   string
		items  []Item
		policy Policy
		keep   string // names, space-separated
	}{
		{"zero policy keeps all", []Item{full("a", day(1, 1), true), full("b", day(2, 1), true)}, Policy{}, "a b"},
		{"keep last 1", []Item{full("a", day(1, 1), true), full("b", day(2, 1), true), full("c", day(3, 1), true)}, Policy{Last: 1}, "c"},
		{"daily keeps the newest of each day", []Item{
			full("a", day(1, 1), true), full("b", day(1, 5), true), full("c", day(2, 1), true), full("d", day(2, 9), true),
		}, Policy{Daily: 2}, "b d"},
		{"daily limited to n days", []Item{
			full("a", day(1, 1), true), full("b", day(2, 1), true), full("c", day(3, 1), true),
		}, Policy{Daily: 2}, "b c"},
		{"weekly and monthly", []Item{
			full("a", time.Date(2026, 9, 3, 0, 0, 0, 0, time.UTC), true),
			full("b", time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC), true),
			full("c", time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC), true),
			full("d", day(2, 1), true), full("e", day(3, 1), true),
		}, Policy{Weekly: 1, Monthly: 3}, "a c e"},
		{"a dropped incremental keeps nothing", []Item{
			full("a", day(1, 1), true), incr("b", "a", day(1, 2), true), full("c", day(2, 1), true),
		}, Policy{Last: 1}, "c"},
		{"a pinned incremental keeps its chain whatever the policy", []Item{
			full("a", day(1, 1), true), {Name: "b", Created: day(1, 2), Kind: Incremental, Parent: "a", Verified: true, Pinned: true},
			full("c", day(2, 1), true), full("d", day(3, 1), true),
		}, Policy{Last: 1}, "a b d"},
		{"kept incremental keeps its chain", []Item{
			full("a", day(1, 1), true), incr("b", "a", day(1, 2), true), incr("c", "b", day(1, 3), true),
			full("d", day(2, 1), true),
		}, Policy{Last: 1, Daily: 2}, "a b c d"},
		{"dropping the chain tip leaves its parents if needed elsewhere", []Item{
			full("a", day(1, 1), true), incr("b", "a", day(2, 2), true), incr("c", "a", day(3, 3), true),
		}, Policy{Last: 1}, "a c"},
		{"the only verified copy stays", []Item{
			full("a", day(1, 1), true), full("b", day(2, 1), false), full("c", day(3, 1), false),
		}, Policy{Last: 2}, "a b c"},
		{"the newest verified chain stays whole", []Item{
			full("a", day(1, 1), true), incr("b", "a", day(1, 2), true), full("c", day(3, 1), false),
		}, Policy{Last: 1}, "a b c"},
		{"nothing verified: policy alone", []Item{
			full("a", day(1, 1), false), full("b", day(2, 1), false),
		}, Policy{Last: 1}, "b"},
		{"a missing parent is no reason to keep more", []Item{
			incr("b", "gone", day(2, 1), true), full("c", day(1, 1), true),
		}, Policy{Last: 1}, "b"},
		{"duplicates count once", []Item{full("a", day(1, 1), true), full("a", day(1, 1), true)}, Policy{Last: 1}, "a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			keep, remove := Plan(tc.items, tc.policy, time.UTC)
			if got := strings.Join(keep, " "); got != tc.keep {
				t.Errorf("keep %q, want %q (remove %v)", got, tc.keep, remove)
			}
			all := map[string]bool{}
			for _, it := range tc.items {
				all[it.Name] = true
			}
			if len(keep)+len(remove) != len(all) {
				t.Errorf("keep %v + remove %v do not cover %d items", keep, remove, len(all))
			}
			for _, r := range remove {
				if slices.Contains(keep, r) {
					t.Errorf("%s both kept and removed", r)
				}
			}
		})
	}
}

func TestPlanUsesLocalDays(t *testing.T) {
	loc := time.FixedZone("UTC+10", 10*3600)
	// 20:00 and 23:00 UTC on the 1st are the 2nd in UTC+10 (06:00, 09:00).
	items := []Item{
		{Name: "a", Created: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC), Kind: Full},
		{Name: "b", Created: time.Date(2026, 11, 1, 20, 0, 0, 0, time.UTC), Kind: Full},
		{Name: "c", Created: time.Date(2026, 11, 1, 23, 0, 0, 0, time.UTC), Kind: Full},
	}
	if keep, _ := Plan(items, Policy{Daily: 5}, loc); strings.Join(keep, " ") != "a c" {
		t.Errorf("keep %v, want [a c]", keep)
	}
}

func TestDue(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		s    Schedule
		last time.Time
		ev   Event
		want bool
	}{
		{Manual, time.Time{}, Timer, false},
		{Manual, time.Time{}, Closing, false},
		{OnClose, now, Closing, true},
		{OnClose, time.Time{}, Timer, false},
		{Hourly, time.Time{}, Timer, true},
		{Hourly, now.Add(-59 * time.Minute), Timer, false},
		{Hourly, now.Add(-time.Hour), Timer, true},
		{Hourly, now.Add(-2 * time.Hour), Closing, true},
		{Hourly, now.Add(-time.Minute), Closing, false},
		{Daily, now.Add(-23 * time.Hour), Timer, false},
		{Daily, now.Add(-24 * time.Hour), Timer, true},
		{Daily, now.Add(time.Hour), Timer, true}, // the clock went back
		{Schedule("weekly"), time.Time{}, Timer, false},
	}
	for _, tc := range tests {
		if got := Due(tc.s, tc.last, now, tc.ev); got != tc.want {
			t.Errorf("Due(%s, %v, %v) = %t, want %t", tc.s, tc.last, tc.ev, got, tc.want)
		}
	}
	for _, s := range []string{"", "manual", "on-close", "hourly", "daily"} {
		if _, err := ParseSchedule(s); err != nil {
			t.Error(err)
		}
	}
	if _, err := ParseSchedule("weekly"); err == nil {
		t.Error("weekly accepted")
	}
}
