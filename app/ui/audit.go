package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
)

var auditColumns = columns{140, 100, 150, 0}

func buildAudit(sh *shell) fyne.CanvasObject {
	u, s := sh.u, sh.s
	var entries []app.AuditEntry
	user, action, from, to := u.newEntry(), u.newEntry(), u.newEntry(), u.newEntry()
	user.SetPlaceHolder("User")
	action.SetPlaceHolder("Action, e.g. invoice.")
	from.SetPlaceHolder("From YYYY-MM-DD")
	to.SetPlaceHolder("To YYYY-MM-DD")
	count := widget.NewLabel("")
	verdict := wrapLabel("")
	list := widget.NewList(
		func() int { return len(entries) },
		func() fyne.CanvasObject {
			detail := widget.NewLabel("")
			detail.Truncation = fyne.TextTruncateEllipsis
			return container.New(auditColumns, widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""), detail)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			e := entries[i]
			objs := o.(*fyne.Container).Objects
			objs[0].(*widget.Label).SetText(e.Time.Local().Format("2006-01-02 15:04"))
			objs[1].(*widget.Label).SetText(e.User)
			objs[2].(*widget.Label).SetText(e.Action)
			objs[3].(*widget.Label).SetText(strings.TrimSpace(e.Object + "  " + e.Detail))
		})
	filter := func() app.AuditFilter {
		return app.AuditFilter{User: strings.TrimSpace(user.Text), Action: strings.TrimSpace(action.Text),
			From: strings.TrimSpace(from.Text), To: strings.TrimSpace(to.Text), Limit: 2000}
	}
	gen := 0 // the latest reload; older results are dropped
	reload := func() {
		gen++
		mine, f := gen, filter()
		count.SetText("Loading…")
		fetch(u, func() ([]app.AuditEntry, error) { return s.AuditLog(f) }, func(got []app.AuditEntry, err error) {
			if mine != gen {
				return
			}
			if err != nil {
				u.showError(err)
			}
			entries = got
			if len(entries) == 2000 {
				count.SetText("The newest 2,000 entries; narrow the filter to see older ones.")
			} else {
				count.SetText(plural(len(entries), "entry"))
			}
			list.Refresh()
		})
	}
	for _, e := range []*entry{user, action, from, to} {
		e.OnSubmitted = func(string) { reload() }
	}
	reload()
	sh.onFind = func() { u.win.Canvas().Focus(action) }
	apply := u.button("Filter", theme.SearchIcon(), reload)
	filters := container.NewBorder(nil, nil, nil, apply, container.NewGridWithColumns(4, user, action, from, to))

	var actions []fyne.CanvasObject
	if u.can(auth.PermExportAudit) {
		export := func() {
			u.saveDialog("audit-log.csv", func(path string) { exportAudit(sh, path, filter()) })
		}
		sh.onExport = export
		actions = append(actions, u.button("Export CSV…", theme.DownloadIcon(), export))
	}
	if u.can(auth.PermVerifyAudit) {
		actions = append(actions, u.primary("Verify", theme.ConfirmIcon(), func() {
			verdict.Importance = widget.MediumImportance
			verdict.SetText("Verifying every entry of the audit trail…")
			var rep struct{ n uint64 }
			u.background(func() error {
				r, err := s.VerifyAudit()
				rep.n = r.Entries
				return err
			}, func(err error) {
				if err != nil {
					verdict.Importance = widget.DangerImportance
					verdict.SetText("The audit trail failed verification: " + plainError(err))
					return
				}
				verdict.Importance = widget.SuccessImportance
				verdict.SetText(fmt.Sprintf("Intact: all %s verified at %s.", plural(int(rep.n), "entry"), u.now().Local().Format("15:04")))
			})
		}))
	}
	if u.can(auth.PermVerifyAudit) {
		actions = append(actions, u.button("Check the books", theme.ViewRefreshIcon(), func() { checkBooks(sh, verdict, reload) }))
	}
	header := container.New(auditColumns, boldLabel("Time"), boldLabel("User"), boldLabel("Action"), boldLabel("Details"))
	return page("Audit log", actions, container.NewBorder(container.NewVBox(filters, verdict, header), count, nil, nil, list))
}

// checkBooks reads and checks every record of the books with progress and
// Cancel, and says what it found in verdict: every record intact, or how
// many problems, the first, and the backup to restore from.
func checkBooks(sh *shell, verdict *widget.Label, reload func()) {
	u, s := sh.u, sh.s
	var res app.CheckResult
	u.runTask(taskSpec{
		title:      "Checking the books…",
		intro:      "Every record is read and checked: its integrity tag, its links to other records, the counts and the audit trail.",
		unit:       func(n int64) string { return fmt.Sprint(n) },
		doing:      func(n string) string { return n + " records checked." },
		cancelling: "Cancelling…",
	}, func(ctx context.Context, progress app.Progress) error {
		var err error
		res, err = s.CheckBooks(ctx, progress)
		return err
	}, func(err error) {
		reload()
		switch {
		case errors.Is(err, context.Canceled):
			verdict.Importance = widget.MediumImportance
			verdict.SetText("The check was cancelled.")
		case err != nil:
			verdict.Importance = widget.DangerImportance
			verdict.SetText("The books could not be checked: " + plainError(err))
		case res.OK():
			verdict.Importance = widget.SuccessImportance
			verdict.SetText(fmt.Sprintf("The books are intact: %s and %s checked at %s.",
				plural(res.RecordCount(), "record"), plural(int(res.AuditEntries), "audit entry"), u.now().Local().Format("15:04")))
		default:
			first := res.Problems[0]
			text := fmt.Sprintf("The books are damaged: %s, the first: %s.", plural(len(res.Problems), "problem"), first)
			if h, ok := res.HeldBy[first.Record]; ok {
				text += fmt.Sprintf(" The backup of %s still holds that record intact.", h.At)
			}
			if n := len(res.HeldBy); n > 0 {
				text += fmt.Sprintf(" The backups hold %s of the damaged ones.", plural(n, "record"))
			}
			if res.RestoreFrom != "" {
				text += fmt.Sprintf(" Restore them from the backup of %s.", res.RestoreFromAt)
			} else {
				text += " No verified backup was found to restore them from."
			}
			verdict.Importance = widget.DangerImportance
			verdict.SetText(text)
		}
	})
}

// exportAudit writes the filtered audit log as CSV through the app layer,
// which records the export in the trail.
func exportAudit(sh *shell, path string, f app.AuditFilter) {
	u, s := sh.u, sh.s
	f.Limit = 0 // everything that matches
	var n int
	u.background(func() error {
		var b bytes.Buffer
		var err error
		if n, err = s.ExportAuditCSV(&b, f); err != nil {
			return err
		}
		return writeNewFile(path, b.Bytes())
	}, func(err error) {
		if err != nil {
			u.showError(err)
			return
		}
		u.showInfo("Export finished", fmt.Sprintf("Wrote %s to %s.", plural(n, "entry"), path))
	})
}
