package ui

import (
	"context"
	"fmt"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
)

// taskSpec describes long work (a backup, a verification, a restore, an
// import, a batch export) for its progress dialog.
type taskSpec struct {
	// title is the dialog's title ("Backing up…") and intro what it does,
	// in a sentence.
	title, intro string
	// unit formats an amount of the work's progress ("12.3 MB", "42").
	unit func(int64) string
	// doing says how far the work is, from its formatted amount, while
	// the total is not known ("12.3 MB written").
	doing func(string) string
	// cancelling is shown once Cancel is pressed.
	cancelling string
}

// task is long work running off the UI goroutine with a dialog that shows
// its progress and a Cancel button. Progress arrives from any goroutine
// and reaches the widgets through fyne.Do, at most one update queued at a
// time, so fast work does not flood the UI goroutine.
type task struct {
	u      *UI
	spec   taskSpec
	ctx    context.Context
	cancel context.CancelFunc
	bar    *widget.ProgressBar
	spin   *widget.ProgressBarInfinite
	status *widget.Label
	stop   *widget.Button
	dlg    dialog.Dialog

	done, total atomic.Int64
	queued      atomic.Bool
}

// runTask shows the progress dialog of spec and starts work; see start.
func (u *UI) runTask(spec taskSpec, work func(ctx context.Context, progress app.Progress) error, finished func(error)) {
	u.newTask(spec).start(work, finished)
}

// newTask shows the progress dialog of spec; start runs the work.
func (u *UI) newTask(spec taskSpec) *task {
	t := &task{u: u, spec: spec, bar: widget.NewProgressBar(), spin: widget.NewProgressBarInfinite(), status: wrapLabel("Starting…")}
	t.ctx, t.cancel = context.WithCancel(context.Background())
	t.bar.TextFormatter = func() string {
		return fmt.Sprintf("%s of %s", spec.unit(int64(t.bar.Value)), spec.unit(int64(t.bar.Max)))
	}
	t.bar.Hide()
	t.stop = u.button("Cancel", theme.CancelIcon(), func() {
		t.cancel()
		t.stop.Disable()
		t.status.SetText(spec.cancelling)
	})
	content := container.NewVBox(wrapLabel(spec.intro), t.bar, t.spin, t.status)
	d := dialog.NewCustomWithoutButtons(spec.title, content, u.win)
	d.SetButtons([]fyne.CanvasObject{t.stop})
	d.Resize(fyne.NewSize(520, content.MinSize().Height+110))
	t.dlg = d
	d.Show()
	if u.onTask != nil {
		u.onTask(t)
	}
	return t
}

// start runs work off the UI goroutine with a context that Cancel ends and
// a Progress for the dialog, then hides the dialog and calls finished with
// work's error on the UI goroutine. Work that was cancelled returns an
// error wrapping context.Canceled.
func (t *task) start(work func(ctx context.Context, progress app.Progress) error, finished func(error)) {
	t.u.background(func() error {
		return work(t.ctx, t.progress)
	}, func(err error) {
		t.cancel()
		t.spin.Stop()
		t.dlg.Hide()
		finished(err)
	})
}

// progress records the work's progress; any goroutine may call it.
func (t *task) progress(done, total int64) {
	t.done.Store(done)
	t.total.Store(total)
	if t.queued.Swap(true) {
		return // an update is on its way and will read the latest values
	}
	fyne.Do(func() {
		t.queued.Store(false)
		t.u.doneMu.Lock()
		defer t.u.doneMu.Unlock()
		t.show()
	})
}

// show puts the latest progress on the widgets.
func (t *task) show() {
	done, total := t.done.Load(), t.total.Load()
	if total > 0 {
		if !t.bar.Visible() {
			t.spin.Stop()
			t.spin.Hide()
			t.bar.Show()
		}
		t.bar.Max = float64(total)
		t.bar.SetValue(float64(min(done, total)))
	}
	if t.ctx.Err() != nil {
		return // the status says it is cancelling
	}
	if total > 0 {
		t.status.SetText(fmt.Sprintf("%d %% done.", done*100/total))
	} else {
		t.status.SetText(t.spec.doing(t.spec.unit(done)))
	}
}

// byteSize formats a number of bytes for people.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%d.%d GB", n>>30, (n%(1<<30))*10>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d.%d MB", n>>20, (n%(1<<20))*10>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// count formats a plain count.
func count(n int64) string { return fmt.Sprint(n) }
