package ui

import (
	"context"
	"errors"
	"fmt"

	"safeinvoice/app"
)

// exportPDFs asks for a folder and exports every issued document to it.
func exportPDFs(sh *shell) {
	sh.u.folderDialog(func(dir string) { startPDFExport(sh, newPDFExport(sh, dir), dir) })
}

// newPDFExport shows the progress dialog of an export to dir.
func newPDFExport(sh *shell, dir string) *task {
	return sh.u.newTask(taskSpec{
		title:      "Exporting PDFs…",
		intro:      "Writing every issued invoice and credit note to " + dir + ".",
		unit:       count,
		doing:      func(n string) string { return n + " files written." },
		cancelling: "Cancelling: the files being written are finished first…",
	})
}

// startPDFExport runs the export of t to dir and reports how it ended.
func startPDFExport(sh *shell, t *task, dir string) {
	u, s := sh.u, sh.s
	var written []string
	t.start(func(ctx context.Context, progress app.Progress) error {
		var err error
		written, err = s.ExportPDFs(ctx, dir, nil, progress)
		return err
	}, func(err error) {
		n := plural(len(written), "file")
		switch {
		case errors.Is(err, context.Canceled):
			msg := "The export was cancelled before any file was written."
			if len(written) > 0 {
				msg = fmt.Sprintf("The export was cancelled. %s%s written to %s before it stopped; each is complete.", n, wasWere(len(written)), dir)
			}
			u.showInfo("Export cancelled", msg)
		case err != nil:
			msg := plainError(err)
			if len(written) > 0 {
				msg += fmt.Sprintf(" %s%s written to %s before the error; each is complete.", n, wasWere(len(written)), dir)
			}
			u.showError(errors.New(msg))
		case len(written) == 0:
			u.showInfo("Nothing to export", "There are no issued invoices or credit notes yet; drafts are not exported.")
		default:
			u.showInfo("Export finished", fmt.Sprintf("Wrote %s to %s.", n, dir))
		}
	})
}

func wasWere(n int) string {
	if n == 1 {
		return " was"
	}
	return " were"
}
