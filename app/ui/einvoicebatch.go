package ui

import (
	"context"
	"errors"
	"fmt"

	"safeinvoice/app"
)

// exportEInvoices asks for a folder and writes there, as e-invoices in
// their clients' formats, every issued document of a client who receives
// them.
func exportEInvoices(sh *shell) {
	sh.u.folderDialog(func(dir string) {
		u, s := sh.u, sh.s
		t := u.newTask(taskSpec{
			title:      "Exporting e-invoices…",
			intro:      "Writing the e-invoices of every client who receives them to " + dir + ".",
			unit:       count,
			doing:      func(n string) string { return n + " files written." },
			cancelling: "Cancelling: the file being written is finished first…",
		})
		var written []string
		t.start(func(ctx context.Context, progress app.Progress) error {
			var err error
			written, err = s.ExportEInvoices(ctx, dir, "", nil, progress)
			return err
		}, func(err error) {
			n := plural(len(written), "file")
			switch {
			case errors.Is(err, context.Canceled):
				u.showInfo("Export cancelled", fmt.Sprintf("The export was cancelled; %s%s written to %s, each complete.", n, wasWere(len(written)), dir))
			case err != nil:
				u.showError(errors.New(plainError(err)))
			case len(written) == 0:
				u.showInfo("Nothing to export", "No issued invoice is for a client who receives e-invoices; choose the client's format in the client's form.")
			default:
				u.showInfo("Export finished", fmt.Sprintf("Wrote %s to %s.", n, dir))
			}
		})
	})
}
