package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
	"safeinvoice/invoice"
	"safeinvoice/recurring"
)

var scheduleColumns = columns{0, 130, 120, 210, 60, 170}

// scheduleRows is what the Recurring screen shows: the schedules and the
// names of their clients.
type scheduleRows struct {
	list    []recurring.Schedule
	clients map[string]string
}

func loadSchedules(s *app.Session) (scheduleRows, error) {
	list, err := s.Schedules()
	if err != nil {
		return scheduleRows{}, err
	}
	cs, err := s.Clients()
	names := map[string]string{}
	for _, c := range cs {
		names[c.ID] = c.Name
	}
	return scheduleRows{list, names}, err
}

// periodWord is "every month" and the like.
func periodWord(p recurring.Period) string { return "every " + string(p) }

// scheduleNext is the next date, or why there is none.
func scheduleNext(sc *recurring.Schedule) (string, widget.Importance) {
	if !sc.Stopped.IsZero() {
		return "stopped " + sc.Stopped.Format(invoice.DateLayout), widget.LowImportance
	}
	next, ok, err := sc.Next()
	switch {
	case err != nil:
		return plainError(err), widget.DangerImportance
	case !ok:
		return "finished", widget.LowImportance
	}
	return "next " + next, widget.MediumImportance
}

func buildRecurring(sh *shell) fyne.CanvasObject {
	u, s := sh.u, sh.s
	var rows scheduleRows
	count := widget.NewLabel("")
	list := widget.NewList(
		func() int { return len(rows.list) },
		func() fyne.CanvasObject {
			var objs []fyne.CanvasObject
			for range scheduleColumns {
				l := widget.NewLabel("")
				l.Truncation = fyne.TextTruncateEllipsis
				objs = append(objs, l)
			}
			return container.New(scheduleColumns, objs...)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			sc := rows.list[i]
			objs := o.(*fyne.Container).Objects
			next, imp := scheduleNext(&sc)
			kind := "issued"
			if sc.Draft {
				kind = "drafts"
			}
			for j, text := range []string{rows.clients[sc.Template.ClientID], sc.From, periodWord(sc.Period), sc.Ends() + ", " + kind,
				strconv.Itoa(sc.Generated), next} {
				l := objs[j].(*widget.Label)
				l.Importance = widget.MediumImportance
				if j == 5 {
					l.Importance = imp
				}
				l.SetText(text)
			}
		})
	reload := func() {
		fetch(u, func() (scheduleRows, error) { return loadSchedules(s) }, func(got scheduleRows, err error) {
			if err != nil {
				u.showError(err)
			}
			rows = got
			switch len(rows.list) {
			case 0:
				count.SetText("No recurring invoices yet. Open an invoice and choose Copy… → Repeat on a schedule.")
			default:
				count.SetText(plural(len(rows.list), "schedule"))
			}
			list.UnselectAll()
			list.Refresh()
		})
	}
	list.OnSelected = func(i widget.ListItemID) {
		u.touch()
		list.UnselectAll()
		showSchedule(sh, rows.list[i], rows.clients[rows.list[i].Template.ClientID], reload)
	}
	reload()
	var actions []fyne.CanvasObject
	if u.can(auth.PermRunSchedules) {
		actions = append(actions, u.button("Make what is due", theme.MediaPlayIcon(), func() { runDue(sh, true, reload) }),
			u.primary("New schedule", theme.ContentAddIcon(), func() { newSchedule(sh, "", reload) }))
		sh.onNew = func() { newSchedule(sh, "", reload) }
	}
	header := container.New(scheduleColumns, boldLabel("Client"), boldLabel("From"), boldLabel("Every"), boldLabel("Ends"),
		boldLabel("Made"), boldLabel("Next"))
	return page("Recurring", actions, container.NewBorder(header, count, nil, nil, list))
}

// showSchedule shows one schedule, with Stop for those who may.
func showSchedule(sh *shell, sc recurring.Schedule, client string, changed func()) {
	u, s := sh.u, sh.s
	next, _ := scheduleNext(&sc)
	kind := "issued as they are made"
	if sc.Draft {
		kind = "left as drafts"
	}
	text := fmt.Sprintf("%s for %s, %s from %s, %s; invoices are %s.\n\n%s made so far; %s.\n\nSet up by %s on %s.",
		sc.From, client, periodWord(sc.Period), sc.Start, sc.Ends(), kind, plural(sc.Generated, "invoice"), next,
		sc.CreatedBy, sc.Created.Local().Format("2 Jan 2006"))
	body := container.NewVBox(wrapLabel(text))
	var d dialog.Dialog
	if u.can(auth.PermRunSchedules) && sc.Stopped.IsZero() {
		body.Add(u.button("Stop this schedule", theme.MediaStopIcon(), func() {
			dialog.ShowConfirm("Stop the schedule?", "It makes no more invoices; the "+plural(sc.Generated, "invoice")+" it made stay.", func(ok bool) {
				if !ok {
					return
				}
				u.background(func() error {
					_, err := s.StopSchedule(sc.ID)
					return err
				}, func(err error) {
					if err != nil {
						u.showError(err)
						return
					}
					d.Hide()
					sh.setStatus("Stopped the schedule of " + sc.From)
					changed()
				})
			}, u.win)
		}))
	}
	d = dialog.NewCustom("Recurring "+sc.From, "Close", body, u.win)
	d.Resize(fyne.NewSize(520, d.MinSize().Height))
	d.Show()
}

// newSchedule asks how often and from when to repeat an invoice (from, a
// number or a draft's id, prefilled when given) and sets it up; what is
// due by today is made at once.
func newSchedule(sh *shell, from string, done func()) {
	u, s := sh.u, sh.s
	fromEntry, start, until, count := u.newEntry(), u.newEntry(), u.newEntry(), u.newEntry()
	fromEntry.SetText(from)
	fromEntry.SetPlaceHolder("INV-2026-0001")
	start.SetText(u.now().Format(invoice.DateLayout))
	start.SetPlaceHolder("YYYY-MM-DD")
	until.SetPlaceHolder("Optional: YYYY-MM-DD")
	count.SetPlaceHolder("Optional: how many in all")
	periods := []recurring.Period{recurring.Weekly, recurring.Monthly, recurring.Quarterly, recurring.Yearly}
	period := widget.NewSelect([]string{"Every week", "Every month", "Every quarter", "Every year"}, nil)
	period.SetSelectedIndex(1)
	draft := widget.NewCheck("Leave them as drafts to check before issuing", nil)
	hint := wrapLabel("A start in the past catches up: the invoices due by today are made at once, in date order. Month ends are kept (31 January, 28 February, 31 March…).")
	hint.Importance = widget.LowImportance
	items := []*widget.FormItem{widget.NewFormItem("Invoice", fromEntry), widget.NewFormItem("Repeat", period),
		widget.NewFormItem("First date", start), widget.NewFormItem("Last date", until), widget.NewFormItem("Count", count),
		widget.NewFormItem("", draft), widget.NewFormItem("", hint)}
	d := dialog.NewForm("Repeat an invoice", "Set up", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		p := app.ScheduleParams{From: strings.TrimSpace(fromEntry.Text), Period: periods[period.SelectedIndex()],
			Start: strings.TrimSpace(start.Text), Until: strings.TrimSpace(until.Text), Draft: draft.Checked}
		if c := strings.TrimSpace(count.Text); c != "" {
			n, err := strconv.Atoi(c)
			if err != nil || n < 1 {
				u.showError(errInvalid("count", c))
				return
			}
			p.Count = n
		}
		u.background(func() error {
			_, err := s.AddSchedule(p)
			return err
		}, func(err error) {
			if err != nil {
				u.showError(err)
				return
			}
			sh.setStatus("Set up: " + p.From + " " + strings.ToLower(period.Selected))
			runDue(sh, false, done)
		})
	}, u.win)
	d.Resize(fyne.NewSize(560, d.MinSize().Height))
	d.Show()
}

// runDue makes the recurring invoices due by today and says what it made;
// with tell it also says when nothing was due.
func runDue(sh *shell, tell bool, done func()) {
	u, s := sh.u, sh.s
	fetch(u, func() (app.RunReport, error) { return s.RunDue(context.Background(), "") }, func(rep app.RunReport, err error) {
		if done != nil {
			done()
		}
		if err != nil {
			u.showError(err)
			return
		}
		if len(rep.Made) == 0 && len(rep.Failed) == 0 {
			if tell {
				u.showInfo("Recurring invoices", "Nothing is due today.")
			}
			return
		}
		u.showInfo("Recurring invoices", runReportText(rep))
	})
}

// runReportText says what a run made and what stopped it.
func runReportText(rep app.RunReport) string {
	var made []string
	drafts := 0
	for _, m := range rep.Made {
		if m.Number == "" {
			drafts++
			continue
		}
		made = append(made, m.Number+" ("+m.IssueDate+")")
	}
	var parts []string
	if len(made) > 0 {
		parts = append(parts, "Issued "+plural(len(made), "recurring invoice")+": "+strings.Join(made[:min(len(made), 8)], ", ")+ellipsis(len(made) > 8)+".")
	}
	if drafts > 0 {
		parts = append(parts, "Made "+plural(drafts, "draft")+" to check and issue.")
	}
	for _, f := range rep.Failed {
		parts = append(parts, "A schedule stopped short: "+plainError(f.Err)+".")
	}
	return strings.Join(parts, "\n\n")
}

// runDueAtUnlock makes what the schedules have due when the window is
// unlocked, for those whose role runs them, and says what it made.
func (u *UI) runDueAtUnlock(s *app.Session) {
	if !s.User().Role.Can(auth.PermRunSchedules) {
		return
	}
	fetch(u, func() (app.RunReport, error) { return s.RunDue(context.Background(), "") }, func(rep app.RunReport, err error) {
		if u.Session() != s {
			return
		}
		if err != nil {
			u.showError(err)
			return
		}
		if len(rep.Made) > 0 || len(rep.Failed) > 0 {
			u.showInfo("Recurring invoices", runReportText(rep))
			if sh := u.shell; sh != nil && sh.current == "invoices" {
				sh.open("invoices")
			}
		}
	})
}
