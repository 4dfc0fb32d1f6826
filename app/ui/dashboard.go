package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
)

// dashFacts is what the dashboard shows, gathered off the UI goroutine.
type dashFacts struct {
	figures      app.Dashboard
	lastBackup   time.Time
	backupErr    string
	schedule     app.BackupSchedule
	hasFolder    bool
	alerts       []app.Alert
	auditProblem error
	reminders    []app.ReminderDue
	charts       []app.DashboardCharts
}

func gatherDashboard(s *app.Session) (dashFacts, error) {
	var f dashFacts
	var err error
	if f.figures, err = s.Dashboard(); err != nil {
		return f, err
	}
	if f.charts, err = s.DashboardCharts(); err != nil {
		return f, err
	}
	if bs, err := s.BackupSettings(); err == nil {
		f.schedule, f.hasFolder = bs.Schedule, bs.Dir != ""
	}
	if st, err := s.BackupState(); err == nil {
		f.lastBackup = st.LastSuccess
		if st.LastFailure.After(st.LastSuccess) {
			f.backupErr = st.LastError
		}
	}
	if s.User().Role.Can(auth.PermViewAlerts) {
		if f.alerts, err = s.Alerts(true); err != nil {
			return f, err
		}
	}
	if s.User().Role.Can(auth.PermRemind) {
		if f.reminders, err = s.DueReminders(""); err != nil {
			return f, err
		}
	}
	f.auditProblem = s.AuditProblem()
	return f, nil
}

// backupDueAfter is how old the last backup may get before the dashboard
// warns, per schedule.
func backupDueAfter(s app.BackupSchedule) time.Duration {
	switch s {
	case "hourly":
		return 3 * time.Hour
	case "daily", "on-close":
		return 48 * time.Hour
	}
	return 7 * 24 * time.Hour
}

// age says how long ago t was, roughly.
func age(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	}
	return plural(int(d/(24*time.Hour)), "day") + " ago"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "y") && !strings.HasSuffix(word, "ay") && !strings.HasSuffix(word, "ey") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(word, "y"))
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// card is one figure of the dashboard.
func card(title string, value, detail *widget.Label) fyne.CanvasObject {
	t := widget.NewLabel(title)
	value.TextStyle.Bold = true
	value.SizeName = theme.SizeNameSubHeadingText
	return widget.NewCard("", "", container.NewVBox(t, value, detail))
}

func buildDashboard(sh *shell) fyne.CanvasObject {
	u, s := sh.u, sh.s
	outstanding, outDetail := widget.NewLabel("…"), wrapLabel("")
	overdue, overDetail := widget.NewLabel("…"), wrapLabel("")
	paid, paidDetail := widget.NewLabel("…"), wrapLabel("payments received")
	backup, backupDetail := widget.NewLabel("…"), wrapLabel("")
	audit := wrapLabel("Checking the audit trail…")
	alertBox := container.NewVBox()
	alertTitle := widget.NewLabelWithStyle("Alerts", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	alertTitle.Hide()
	reminderBox := container.NewVBox()
	reminderTitle := widget.NewLabelWithStyle("Payment reminders due", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	reminderTitle.Hide()

	charts := newDashboardCharts()

	var body *fyne.Container
	var refresh func()
	refresh = func() {
		var f dashFacts
		now := u.now()
		u.background(func() error {
			var err error
			f, err = gatherDashboard(s)
			return err
		}, func(err error) {
			if err != nil {
				u.showError(err)
				return
			}
			fig := f.figures
			outstanding.SetText(sumsText(fig.Outstanding))
			outDetail.SetText(plural(fig.OpenCount, "open invoice"))
			overdue.SetText(sumsText(fig.Overdue))
			overDetail.SetText(plural(fig.OverdueCount, "overdue invoice"))
			if fig.OverdueCount > 0 {
				overdue.Importance = widget.DangerImportance
				overdue.Refresh()
			}
			paid.SetText(sumsText(fig.PaidThisMonth))
			paidDetail.SetText(plural(fig.PaymentsThisMonth, "payment") + " received")
			switch {
			case f.lastBackup.IsZero():
				backup.SetText("Never")
				backup.Importance = widget.WarningImportance
				if f.hasFolder {
					backupDetail.SetText("No backup has been written yet.")
				} else {
					backupDetail.SetText("No backup folder is set.")
				}
			default:
				backup.SetText(age(f.lastBackup, now))
				backupDetail.SetText(f.lastBackup.Local().Format("2 Jan 2006 15:04"))
				if now.Sub(f.lastBackup) > backupDueAfter(f.schedule) {
					backup.Importance = widget.WarningImportance
					backupDetail.SetText(backupDetail.Text + " — a backup is overdue")
				}
			}
			if f.backupErr != "" {
				backup.Importance = widget.DangerImportance
				backupDetail.SetText("The last backup failed: " + sentence(f.backupErr))
			}
			backup.Refresh()
			if f.auditProblem != nil {
				audit.Importance = widget.DangerImportance
				audit.SetText("Audit trail problem: " + plainError(f.auditProblem))
			} else {
				audit.Importance = widget.SuccessImportance
				audit.SetText("Audit trail verified: intact.")
			}
			alertBox.RemoveAll()
			alertTitle.Hidden = len(f.alerts) == 0
			alertTitle.Refresh()
			for _, a := range f.alerts {
				a := a
				msg := wrapLabel(a.Time.Local().Format("2 Jan 15:04") + "  " + sentence(a.Message))
				msg.Importance = widget.WarningImportance
				ack := u.button("Acknowledge", theme.ConfirmIcon(), func() {
					u.background(func() error { return s.AckAlert(a.Seq) }, func(err error) {
						if err != nil {
							u.showError(err)
						}
						refresh()
					})
				})
				alertBox.Add(container.NewBorder(nil, nil, nil, ack, msg))
			}
			reminderTitle.Hidden = len(f.reminders) == 0
			reminderTitle.Refresh()
			reminderRows(sh, reminderBox, f.reminders, refresh)
			charts.set(f.charts)
			// The figures may now take several lines (one per
			// currency): lay the cards out again.
			body.Refresh()
		})
	}
	sh.onAlerts = refresh

	grid := container.NewGridWithColumns(4,
		card("Outstanding", outstanding, outDetail),
		card("Overdue", overdue, overDetail),
		card("Paid this month", paid, paidDetail),
		card("Last backup", backup, backupDetail),
	)
	var actions []fyne.CanvasObject
	if u.can(auth.PermCreateDraft) {
		actions = append(actions, u.primary("New invoice", theme.ContentAddIcon(), func() {
			sh.open("invoices")
			if sh.onNew != nil {
				sh.onNew()
			}
		}))
	}
	body = container.NewVBox(grid, charts.box, audit, alertTitle, alertBox, reminderTitle, reminderBox)
	refresh()
	return page("Dashboard", actions, container.NewVScroll(body))
}

// dashboardCharts is the dashboard's row of charts: revenue per month over
// the last 12 and today's aging buckets, in one currency at a time (a
// choice when the books have several), each with a line that names the
// figures of the bar under the pointer.
type dashboardCharts struct {
	box              *fyne.Container
	currency         *widget.Select
	pick             *fyne.Container // "Charts in" and the currency
	revenue, aging   *barChart
	revInfo, ageInfo *widget.Label
	sets             []app.DashboardCharts
}

// The charts' resting captions, when no bar is hovered.
const (
	revenueHint = "Invoiced (gross) against payments received, per month. Point at a month for its figures."
	agingHint   = "What is owed today, by days past the due date. Point at a bar for its figure."
)

func newDashboardCharts() *dashboardCharts {
	d := &dashboardCharts{revenue: newBarChart(app.Chart{}), aging: newBarChart(app.Chart{}),
		revInfo: wrapLabel(revenueHint), ageInfo: wrapLabel(agingHint)}
	d.revInfo.SizeName, d.ageInfo.SizeName = theme.SizeNameCaptionText, theme.SizeNameCaptionText
	d.revenue.OnHover = func(s string) { d.revInfo.SetText(cmp.Or(s, revenueHint)) }
	d.aging.OnHover = func(s string) { d.ageInfo.SetText(cmp.Or(s, agingHint)) }
	d.currency = widget.NewSelect(nil, func(code string) { d.show(code) })
	d.pick = container.NewHBox(layout.NewSpacer(), widget.NewLabel("Charts in"), d.currency)
	d.pick.Hide()
	left := widget.NewCard("", "", container.NewBorder(nil, d.revInfo, nil, nil, d.revenue))
	right := widget.NewCard("", "", container.NewBorder(nil, d.ageInfo, nil, nil, d.aging))
	d.box = container.NewBorder(d.pick, nil, nil, nil,
		container.New(&ratioColumns{ratio: 0.6}, left, right))
	d.box.Hide()
	return d
}

// set shows the charts of the first currency (the default one), or hides
// the row when the books are empty.
func (d *dashboardCharts) set(sets []app.DashboardCharts) {
	d.sets = sets
	d.box.Hidden = len(sets) == 0
	if len(sets) == 0 {
		d.box.Refresh()
		return
	}
	codes := make([]string, len(sets))
	for i, c := range sets {
		codes[i] = c.Currency
	}
	d.currency.Options = codes
	d.pick.Hidden = len(sets) < 2
	cur := d.currency.Selected
	if !slices.Contains(codes, cur) {
		cur = codes[0]
	}
	d.currency.Selected = cur // not SetSelected: show once, here
	d.currency.Refresh()
	d.show(cur)
	d.box.Refresh()
}

func (d *dashboardCharts) show(code string) {
	for _, c := range d.sets {
		if c.Currency == code {
			d.revenue.SetChart(c.Revenue)
			d.aging.SetChart(c.Aging)
		}
	}
}

// ratioColumns lays out two objects side by side, the first taking ratio
// of the width, both as tall as the taller needs.
type ratioColumns struct{ ratio float32 }

func (l *ratioColumns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) < 2 {
		return
	}
	gap := theme.Padding()
	w := (size.Width - gap) * l.ratio
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(w, size.Height))
	objs[1].Move(fyne.NewPos(w+gap, 0))
	objs[1].Resize(fyne.NewSize(size.Width-w-gap, size.Height))
}

func (l *ratioColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objs {
		m := o.MinSize()
		w, h = w+m.Width, max(h, m.Height)
	}
	return fyne.NewSize(w+theme.Padding(), h)
}
