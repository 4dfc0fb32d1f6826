package backup

import (
	"fmt"
	"time"
)

// Schedule says when backups run by themselves.
type Schedule string

// The schedules. Manual is the default: backups run only when asked for.
const (
	Manual  Schedule = "manual"
	OnClose Schedule = "on-close"
	Hourly  Schedule = "hourly"
	Daily   Schedule = "daily"
)

// ParseSchedule reads a schedule name; "" is Manual.
func ParseSchedule(s string) (Schedule, error) {
	switch Schedule(s) {
	case "", Manual:
		return Manual, nil
	case OnClose, Hourly, Daily:
		return Schedule(s), nil
	}
	return "", fmt.Errorf("unknown backup schedule %q (manual, on-close, hourly or daily)", s)
}

// Event is what makes the application ask whether a backup is due.
type Event int

// The events: the window's timer ticks, or the window is closing.
const (
	Timer Event = iota
	Closing
)

// Due reports whether a backup should run now, given the schedule and the
// time of the last good backup (zero if none). It is a pure function:
//   - Manual: never.
//   - OnClose: when the window closes.
//   - Hourly, Daily: when an hour (a day) has passed since the last backup,
//     on a timer tick or on close; at once if there was none, or if the
//     clock moved back behind the last backup.
func Due(s Schedule, last, now time.Time, ev Event) bool {
	var every time.Duration
	switch s {
	case OnClose:
		return ev == Closing
	case Hourly:
		every = time.Hour
	case Daily:
		every = 24 * time.Hour
	default:
		return false
	}
	return last.IsZero() || now.Before(last) || now.Sub(last) >= every
}
