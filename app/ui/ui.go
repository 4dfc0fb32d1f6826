// Package ui is SafeInvoice's window, built with Fyne. It talks only to the
// app layer; each screen lives in its own file. Work that may take a while
// (key derivation, exports, backups) runs off the UI goroutine and comes back
// through fyne.Do.
package ui

import (
	"errors"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/assets"
)

// UI is the main window and the state behind it: at most one open session.
type UI struct {
	fyneApp fyne.App
	win     fyne.Window
	cfg     app.Config

	mu      sync.Mutex
	session *app.Session
	pending sync.WaitGroup // background work in flight
	doneMu  sync.Mutex     // serialises background callbacks
}

// New builds the window for cfg's data directory: first-run set-up when it
// holds no vault yet, the login screen otherwise. Call ShowAndRun (or, in
// tests, inspect Window).
func New(a fyne.App, cfg app.Config) *UI {
	a.SetIcon(fyne.NewStaticResource("Icon.png", assets.Icon))
	u := &UI{fyneApp: a, cfg: cfg, win: a.NewWindow("SafeInvoice")}
	u.win.Resize(fyne.NewSize(960, 640))
	u.win.SetOnClosed(u.closeSession)
	if cfg.VaultExists() {
		u.showLogin("")
	} else {
		u.showFirstRun()
	}
	return u
}

// Window returns the main window.
func (u *UI) Window() fyne.Window { return u.win }

// ShowAndRun shows the window and runs the application until it quits.
func (u *UI) ShowAndRun() { u.win.ShowAndRun() }

// Session returns the open session, or nil when locked.
func (u *UI) Session() *app.Session {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.session
}

// Wait blocks until background work started by the UI has finished. Tests
// use it after tapping a button.
func (u *UI) Wait() { u.pending.Wait() }

// background runs work off the UI goroutine, then done on it.
func (u *UI) background(work func() error, done func(error)) {
	u.pending.Add(1)
	go func() {
		defer u.pending.Done()
		err := work()
		fyne.DoAndWait(func() {
			// The real driver runs this on the UI goroutine; Fyne's test
			// driver runs it right here, so callbacks take turns.
			u.doneMu.Lock()
			defer u.doneMu.Unlock()
			done(err)
		})
	}()
}

func (u *UI) setSession(s *app.Session) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.session = s
}

// closeSession locks the vault, dropping the master key.
func (u *UI) closeSession() {
	u.mu.Lock()
	s := u.session
	u.session = nil
	u.mu.Unlock()
	if s != nil {
		if err := s.Close(); err != nil {
			fyne.LogError("close session", err)
		}
	}
}

// lock closes the session and returns to the login screen.
func (u *UI) lock() {
	u.closeSession()
	u.showLogin("")
}

// showError tells the user what went wrong in plain words.
func (u *UI) showError(err error) {
	dialog.ShowError(errors.New(plainError(err)), u.win)
}

// plainError turns an error chain into a sentence for a person.
func plainError(err error) string {
	switch {
	case errors.Is(err, app.ErrWrongPassword), errors.Is(err, app.ErrNoSuchUser):
		// Do not tell which of the two was wrong.
		return "The user name or password is not right."
	case errors.Is(err, app.ErrAlreadyOpen):
		return "SafeInvoice is already open in another window or program using this data folder."
	case errors.Is(err, app.ErrSlotDamaged):
		return "This user's key file is damaged. Another administrator can reset the password, or restore from a backup."
	}
	msg := err.Error()
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	return msg + "."
}

// centered puts a form-sized box in the middle of the window.
func centered(title string, content fyne.CanvasObject) fyne.CanvasObject {
	heading := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = "headingText"
	box := container.NewVBox(heading, widget.NewSeparator(), content)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(460, box.MinSize().Height), box))
}
