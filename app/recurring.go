package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"safeinvoice/auth"
	"safeinvoice/invoice"
	"safeinvoice/recurring"
	"safeinvoice/storage"
)

// Recurring invoices. A schedule is made from an existing invoice and
// stored in the vault; RunDue makes the occurrences due as of a date, each
// in one transaction that writes the invoice (issued or a draft), advances
// the schedule's count of occurrences made and appends the audit entry.
// A kill between two leaves the vault at an occurrence boundary, and the
// next run goes on from the schedule's count: every occurrence is made
// exactly once. Two runs at once are in one process (a second process
// gets storage.ErrAlreadyOpen), whose writes take turns: the later one
// finds the occurrence made when it reads the schedule again, and skips it.

// ScheduleParams describes a new schedule: the invoice it is made from (its
// number, or a draft's id), the period, the first date, and at most one of
// an end date and a count; Draft leaves the invoices made unissued.
type ScheduleParams struct {
	From   string
	Period recurring.Period
	Start  string
	Until  string
	Count  int
	Draft  bool
}

// AddSchedule sets up a recurring schedule from an existing invoice. The
// first occurrence is on Start, which may be in the past: the next run
// catches up.
func (s *Session) AddSchedule(p ScheduleParams) (recurring.Schedule, error) {
	if err := s.require(auth.PermRunSchedules); err != nil {
		return recurring.Schedule{}, err
	}
	src, err := s.FindInvoice(p.From)
	if err != nil {
		return recurring.Schedule{}, err
	}
	id, err := newID()
	if err != nil {
		return recurring.Schedule{}, err
	}
	from := src.Number
	if from == "" {
		from = src.ID
	}
	sc, err := recurring.New(id, &src, from, p.Period, p.Start, p.Until, p.Count, p.Draft, s.user.Name, s.cfg.now())
	if err != nil {
		return sc, err
	}
	err = s.update(func(tx *storage.Tx) error {
		if _, err := tx.Client(sc.Template.ClientID); err != nil {
			return fmt.Errorf("the invoice's client: %w", err)
		}
		if err := tx.PutSchedule(sc); err != nil {
			return err
		}
		return tx.Audit("recurring.add", sc.ID, fmt.Sprintf("every %s from %s, made from %s", sc.Period, sc.Start, from))
	})
	return sc, err
}

// Schedules returns every recurring schedule, stopped ones too, in the
// order they were made.
func (s *Session) Schedules() ([]recurring.Schedule, error) {
	if err := s.require(auth.PermViewInvoices); err != nil {
		return nil, err
	}
	out, err := read(s, func(tx *storage.Tx) ([]recurring.Schedule, error) {
		var all []recurring.Schedule
		err := tx.EachSchedule(func(sc recurring.Schedule) error {
			all = append(all, sc)
			return nil
		})
		return all, err
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, err
}

// ErrScheduleAmbiguous is a schedule id prefix that names more than one.
var ErrScheduleAmbiguous = errors.New("more than one schedule has an id starting so")

// StopSchedule stops the schedule whose id is id, or starts with it (as
// recurring list shows them): it makes nothing more. The invoices made
// stay.
func (s *Session) StopSchedule(id string) (recurring.Schedule, error) {
	if err := s.require(auth.PermRunSchedules); err != nil {
		return recurring.Schedule{}, err
	}
	id = strings.TrimSpace(id)
	var sc recurring.Schedule
	err := s.update(func(tx *storage.Tx) error {
		var found []recurring.Schedule
		if err := tx.EachSchedule(func(c recurring.Schedule) error {
			if c.ID == id || (id != "" && strings.HasPrefix(c.ID, id)) {
				found = append(found, c)
			}
			return nil
		}); err != nil {
			return err
		}
		switch len(found) {
		case 0:
			return fmt.Errorf("recurring schedule %q: %w", id, storage.ErrNotFound)
		case 1:
		default:
			return fmt.Errorf("%q: %w", id, ErrScheduleAmbiguous)
		}
		sc = found[0]
		if !sc.Stopped.IsZero() {
			return fmt.Errorf("%s: %w on %s", sc.ID, recurring.ErrStopped, sc.Stopped.Format(invoice.DateLayout))
		}
		sc.Stopped = s.cfg.now().UTC()
		if err := tx.PutSchedule(sc); err != nil {
			return err
		}
		return tx.Audit("recurring.stop", sc.ID, fmt.Sprintf("after %d invoices", sc.Generated))
	})
	return sc, err
}

// MadeInvoice is one invoice a run made.
type MadeInvoice struct {
	Schedule   string
	Occurrence int
	InvoiceID  string
	Number     string // "" for a draft
	IssueDate  string
}

// ScheduleFailure is a schedule a run could not go on with, and why; the
// occurrences before stay made, the rest are made by the next run.
type ScheduleFailure struct {
	Schedule string
	Err      error
}

// RunReport is what RunDue made and what stopped it.
type RunReport struct {
	Made   []MadeInvoice
	Failed []ScheduleFailure
}

// RunDue makes every occurrence of every schedule due as of asOf
// (YYYY-MM-DD; "" means today), in date order across the schedules (so
// numbers follow dates), each in its own transaction
// (see the comment at the top of this file). A schedule whose occurrence
// cannot be made (its client was removed, its lines no longer validate)
// is reported in Failed and the others go on. ctx stops the run between
// two occurrences.
func (s *Session) RunDue(ctx context.Context, asOf string) (RunReport, error) {
	var rep RunReport
	if err := s.require(auth.PermRunSchedules); err != nil {
		return rep, err
	}
	day, err := s.asOfDate(asOf, true) // invoices for days to come are never made ahead
	if err != nil {
		return rep, err
	}
	asOf = day.Format(invoice.DateLayout)
	schedules, err := s.Schedules()
	if err != nil {
		return rep, err
	}
	// Every schedule's due occurrences in date order, so that invoice
	// numbers follow the dates across schedules too.
	type occurrence struct {
		sc   *recurring.Schedule
		k    int
		date string
	}
	var due []occurrence
	for i := range schedules {
		sc := &schedules[i]
		ks, err := sc.Due(asOf)
		if err != nil {
			rep.Failed = append(rep.Failed, ScheduleFailure{sc.ID, err})
			continue
		}
		for _, k := range ks {
			due = append(due, occurrence{sc, k, occurrenceDate(sc, k)})
		}
	}
	sort.SliceStable(due, func(i, j int) bool { return due[i].date < due[j].date })
	failed := map[string]bool{}
	for _, o := range due {
		if failed[o.sc.ID] {
			continue // its later occurrences wait for the next run
		}
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		made, ok, err := s.makeOccurrence(o.sc.ID, o.k)
		if err != nil {
			failed[o.sc.ID] = true
			rep.Failed = append(rep.Failed, ScheduleFailure{o.sc.ID, fmt.Errorf("occurrence %d (%s): %w", o.k+1, o.date, err)})
			continue
		}
		if ok {
			rep.Made = append(rep.Made, made)
		}
	}
	return rep, nil
}

func occurrenceDate(sc *recurring.Schedule, k int) string {
	d, err := sc.Date(k)
	if err != nil {
		return "?"
	}
	return d.Format(invoice.DateLayout)
}

// makeOccurrence makes occurrence k of the schedule in one transaction,
// unless the schedule says it was made already (ok false then).
func (s *Session) makeOccurrence(scheduleID string, k int) (MadeInvoice, bool, error) {
	id, err := newID()
	if err != nil {
		return MadeInvoice{}, false, err
	}
	now := s.cfg.now()
	var inv invoice.Invoice
	made := false
	err = s.update(func(tx *storage.Tx) error {
		made = false
		sc, err := tx.Schedule(scheduleID)
		if err != nil {
			return err
		}
		if sc.Generated != k || !sc.Stopped.IsZero() {
			return nil // made meanwhile, or stopped
		}
		if inv, err = sc.Make(k, id, now); err != nil {
			return err
		}
		if s.imports.hidden(inv.ClientID) {
			return fmt.Errorf("client: %w", errHidden(inv.ClientID))
		}
		if _, err := tx.Client(inv.ClientID); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		// The template's text was screened when its invoice was saved.
		detail := fmt.Sprintf("occurrence %d of schedule %s, as a draft", k+1, sc.ID)
		if !sc.Draft {
			if err := inv.CheckIssuable(); err != nil {
				return err
			}
			number, err := issueIn(tx, &inv, now)
			if err != nil {
				return err
			}
			detail = fmt.Sprintf("occurrence %d of schedule %s, issued as %s", k+1, sc.ID, number)
		}
		if err := tx.PutInvoice(inv); err != nil {
			return err
		}
		sc.Generated, sc.LastRun = k+1, now.UTC()
		if err := tx.PutSchedule(sc); err != nil {
			return err
		}
		made = true
		return tx.Audit("recurring.make", inv.ID, detail)
	})
	if err != nil || !made {
		return MadeInvoice{}, false, err
	}
	s.indexInvoice(&inv)
	return MadeInvoice{Schedule: scheduleID, Occurrence: k + 1, InvoiceID: inv.ID, Number: inv.Number, IssueDate: inv.IssueDate}, true, nil
}
