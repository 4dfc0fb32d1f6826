package ui

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"safeinvoice/internal/fsutil"
)

// saveDialog asks where to save a new file called name and calls save with
// the chosen path. The dialog creates the file; it is removed again when
// empty, so that save can create it itself with the right mode.
func (u *UI) saveDialog(name string, save func(path string)) {
	if u.pickPath != nil {
		if p := u.pickPath(name); p != "" {
			save(p)
		}
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close()
		if st, err := os.Stat(path); err == nil && st.Size() == 0 {
			_ = os.Remove(path)
		}
		save(path)
	}, u.win)
	d.SetFileName(name)
	d.Show()
}

// folderDialog asks for a folder and calls pick with its path.
func (u *UI) folderDialog(pick func(path string)) {
	if u.pickPath != nil {
		if p := u.pickPath(""); p != "" {
			pick(p)
		}
		return
	}
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if l != nil {
			pick(l.Path())
		}
	}, u.win)
	d.Show()
}

// openDialog asks for an existing file and calls pick with its path.
func (u *UI) openDialog(pick func(path string)) {
	if u.pickPath != nil {
		if p := u.pickPath(""); p != "" {
			pick(p)
		}
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		pick(path)
	}, u.win)
	d.Show()
}

// writeNewFile writes data to a new file of mode 0600 through
// fsutil.WriteBytes: atomically (a temporary file in the same folder,
// flushed, then published), with an access list for the user alone on
// Windows. An existing file is never replaced; the error then asks for
// another name and wraps fsutil.ErrExists.
func writeNewFile(path string, data []byte) error {
	err := fsutil.WriteBytes(path, data, 0o600, true)
	if errors.Is(err, fsutil.ErrExists) {
		return &existsError{path: path}
	}
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}

// existsError is writeNewFile's refusal to replace a file: its text is the
// sentence the window shows, and it wraps fsutil.ErrExists.
type existsError struct{ path string }

func (e *existsError) Error() string { return e.path + " already exists; choose another name" }

func (e *existsError) Unwrap() error { return fsutil.ErrExists }

// openFile opens path with the system's viewer.
func (u *UI) openFile(path string) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if err := u.fyneApp.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}); err != nil {
		u.showError(fmt.Errorf("open %s: %w", path, err))
	}
}
