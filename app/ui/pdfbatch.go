package ui

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// pdfBatch is a running "Export PDFs…": every issued invoice and credit
// note written to a folder, with a progress bar and a Cancel button.
type pdfBatch struct {
	sh     *shell
	dir    string
	ctx    context.Context
	cancel context.CancelFunc
	bar    *widget.ProgressBar
	status *widget.Label
	stop   *widget.Button
	dlg    dialog.Dialog

	// done and total are the latest progress; queued is set while an
	// update of the bar is waiting for the UI goroutine, so a fast export
	// does not flood it.
	done, total atomic.Int64
	queued      atomic.Bool
}

// exportPDFs asks for a folder and exports every issued document to it.
func exportPDFs(sh *shell) {
	sh.u.folderDialog(func(dir string) { newPDFBatch(sh, dir).start() })
}

// newPDFBatch shows the progress dialog of an export to dir; start runs it.
func newPDFBatch(sh *shell, dir string) *pdfBatch {
	u := sh.u
	b := &pdfBatch{sh: sh, dir: dir, bar: widget.NewProgressBar(), status: wrapLabel("Preparing…")}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.bar.TextFormatter = func() string {
		if b.total.Load() == 0 {
			return ""
		}
		return fmt.Sprintf("%d of %d", int(b.bar.Value), int(b.bar.Max))
	}
	b.stop = u.button("Cancel", theme.CancelIcon(), func() {
		b.cancel()
		b.stop.Disable()
		b.status.SetText("Cancelling: the files being written are finished first…")
	})
	content := container.NewVBox(wrapLabel("Writing every issued invoice and credit note to "+dir+"."), b.bar, b.status)
	d := dialog.NewCustomWithoutButtons("Exporting PDFs…", content, u.win)
	d.SetButtons([]fyne.CanvasObject{b.stop})
	d.Resize(fyne.NewSize(480, content.MinSize().Height+100))
	b.dlg = d
	d.Show()
	return b
}

// progress records the export's progress; it may be called from any
// goroutine and updates the bar through fyne.Do.
func (b *pdfBatch) progress(done, total int) {
	b.done.Store(int64(done))
	b.total.Store(int64(total))
	if b.queued.Swap(true) {
		return // an update is on its way and will read the latest values
	}
	fyne.Do(func() {
		b.queued.Store(false)
		b.sh.u.doneMu.Lock()
		defer b.sh.u.doneMu.Unlock()
		b.showProgress()
	})
}

func (b *pdfBatch) showProgress() {
	done, total := b.done.Load(), b.total.Load()
	b.bar.Max = float64(max(total, 1))
	b.bar.SetValue(float64(done))
	if b.ctx.Err() == nil {
		b.status.SetText(fmt.Sprintf("%s written.", plural(int(done), "file")))
	}
}

// start runs the export off the UI goroutine and reports how it ended.
func (b *pdfBatch) start() {
	u := b.sh.u
	s := b.sh.s
	var written []string
	u.background(func() error {
		var err error
		written, err = s.ExportPDFs(b.ctx, b.dir, nil, b.progress)
		return err
	}, func(err error) {
		b.cancel()
		b.dlg.Hide()
		n := plural(len(written), "file")
		switch {
		case errors.Is(err, context.Canceled):
			msg := "The export was cancelled before any file was written."
			if len(written) > 0 {
				msg = fmt.Sprintf("The export was cancelled. %s%s written to %s before it stopped; each is complete.", n, wasWere(len(written)), b.dir)
			}
			u.showInfo("Export cancelled", msg)
		case err != nil:
			msg := plainError(err)
			if len(written) > 0 {
				msg += fmt.Sprintf(" %s%s written to %s before the error; each is complete.", n, wasWere(len(written)), b.dir)
			}
			u.showError(errors.New(msg))
		case len(written) == 0:
			u.showInfo("Nothing to export", "There are no issued invoices or credit notes yet; drafts are not exported.")
		default:
			u.showInfo("Export finished", fmt.Sprintf("Wrote %s to %s.", n, b.dir))
		}
	})
}

func wasWere(n int) string {
	if n == 1 {
		return " was"
	}
	return " were"
}
