// Package ui is SafeInvoice's window, built with Fyne. It talks only to the
// app layer; each screen lives in its own file. Work that may take a while
// (key derivation, exports, backups) runs off the UI goroutine and comes back
// through fyne.Do.
package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/assets"
	"safeinvoice/auth"
	"safeinvoice/invoice"
)

// Preference keys (Fyne preferences, per application id).
const (
	prefWidth      = "window.width"
	prefHeight     = "window.height"
	prefLastScreen = "window.last_screen"
	prefLastReport = "reports.last_kind" // the report the Reports screen opens on
	prefLastUser   = "login.last_user"
)

// defaultSize is the window's size the first time it opens.
var defaultSize = fyne.NewSize(1100, 720)

// autoBackupEvery is how often the window asks whether a scheduled backup
// is due.
const autoBackupEvery = 5 * time.Minute

// UI is the main window and the state behind it: at most one open session.
type UI struct {
	fyneApp fyne.App
	win     fyne.Window
	cfg     app.Config

	mu      sync.Mutex
	session *app.Session
	pending sync.WaitGroup // background work in flight
	closing bool           // onClose has begun (UI goroutine only)
	doneMu  sync.Mutex     // serialises background callbacks

	// Idle lock: the timer is reset by touch; idleGen tells a stale timer
	// from the current one.
	idleMu    sync.Mutex
	idleTimer *time.Timer
	idleAfter time.Duration
	idleGen   uint64
	// idleOverride, when set (tests), replaces the policy's idle time.
	idleOverride time.Duration

	backupTicker *time.Ticker
	backupStop   chan struct{}
	backupDone   chan struct{} // closed when the timer goroutine has returned

	// pickPath, when set (tests), answers file and folder dialogs: it is
	// given the suggested name ("" for folders and files to open).
	pickPath func(suggested string) string
	// onTask, when set (tests), is called with every long task's dialog
	// before its work starts, so a test can press its Cancel button.
	onTask func(*task)

	shell       *shell // the signed-in window, nil on the login and set-up screens
	loginScreen *login // the last login screen shown
}

// New builds the window for cfg's data directory: first-run set-up when it
// holds no vault yet, the login screen otherwise. Call ShowAndRun (or, in
// tests, inspect Window).
func New(a fyne.App, cfg app.Config) *UI {
	a.SetIcon(fyne.NewStaticResource("Icon.png", assets.Icon))
	// The first screen does not wait for the database files' checksums;
	// damage they show is alerted once they are read.
	cfg.BackgroundFileCheck = true
	u := &UI{fyneApp: a, cfg: cfg, win: a.NewWindow("SafeInvoice")}
	p := a.Preferences()
	w := float32(p.FloatWithFallback(prefWidth, float64(defaultSize.Width)))
	h := float32(p.FloatWithFallback(prefHeight, float64(defaultSize.Height)))
	u.win.Resize(fyne.NewSize(max(w, 800), max(h, 560)))
	u.win.SetCloseIntercept(u.onClose)
	c := u.win.Canvas()
	c.SetOnTypedKey(func(*fyne.KeyEvent) { u.touch() })
	c.SetOnTypedRune(func(rune) { u.touch() })
	if cfg.VaultExists() {
		u.showLogin(p.String(prefLastUser))
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
	u.touch()
	u.pending.Add(1)
	go func() {
		defer u.pending.Done()
		err := work()
		u.do(func() { done(err) })
	}()
}

// fetch runs get off the UI goroutine, then show with its result on it:
// how screens read the vault.
func fetch[T any](u *UI, get func() (T, error), show func(T, error)) {
	var v T
	u.background(func() error {
		var err error
		v, err = get()
		return err
	}, func(err error) { show(v, err) })
}

// do runs fn on the UI goroutine and waits for it. The real driver runs it
// there; Fyne's test driver runs it right here, so callbacks take turns.
func (u *UI) do(fn func()) {
	fyne.DoAndWait(func() {
		u.doneMu.Lock()
		defer u.doneMu.Unlock()
		fn()
	})
}

// setSession opens the signed-in window for s: alerts become desktop
// notifications, the idle lock and the backup timer start.
func (u *UI) setSession(s *app.Session) {
	u.mu.Lock()
	u.session = s
	u.mu.Unlock()
	if s == nil {
		return
	}
	u.fyneApp.Preferences().SetString(prefLastUser, s.User().Name)
	s.SetOnAlert(func(a app.Alert) {
		u.fyneApp.SendNotification(fyne.NewNotification("SafeInvoice", sentence(a.Message)))
		fyne.Do(func() {
			if sh := u.shell; sh != nil {
				sh.alertsChanged()
			}
		})
	})
	// The idle lock counts from now with the default, and from when the
	// policy is read with its own.
	u.startIdle(u.idleFor(auth.DefaultPolicy()))
	fetch(u, s.Policy, func(p auth.Policy, err error) {
		if err == nil && u.Session() == s {
			u.startIdle(u.idleFor(p))
		}
	})
	u.startAutoBackup(s)
	u.runDueAtUnlock(s)
}

// idleFor is how long the window may stay idle before it locks under p.
func (u *UI) idleFor(p auth.Policy) time.Duration {
	if u.idleOverride > 0 {
		return u.idleOverride
	}
	return p.IdleLock()
}

// closeSession locks the vault, dropping the master key.
func (u *UI) closeSession() {
	u.stopIdle()
	u.stopAutoBackup()
	u.mu.Lock()
	s := u.session
	u.session = nil
	u.mu.Unlock()
	u.shell = nil
	if s != nil {
		s.SetOnAlert(nil)
		if err := s.Close(); err != nil {
			fyne.LogError("close session", err)
		}
	}
}

// onClose remembers the window's size, runs the on-close backup if one is
// scheduled (off the UI goroutine, with progress and Cancel), and quits.
func (u *UI) onClose() {
	if u.closing {
		return // the backup before closing is running
	}
	u.closing = true
	size := u.win.Canvas().Size()
	p := u.fyneApp.Preferences()
	p.SetFloat(prefWidth, float64(size.Width))
	p.SetFloat(prefHeight, float64(size.Height))
	s := u.Session()
	if s == nil {
		u.quit()
		return
	}
	due := func() (string, error) {
		dir, due, err := s.DueBackup(app.BackupOnClose)
		if !due {
			dir = ""
		}
		return dir, err
	}
	fetch(u, due, func(dir string, err error) {
		if err != nil {
			fyne.LogError("backup on close", err)
		}
		if dir == "" {
			u.quit()
			return
		}
		u.stopIdle() // the idle lock must not close the session under the backup
		u.runTask(taskSpec{
			title:      "Backing up before closing…",
			intro:      "Your backup schedule asks for a backup when SafeInvoice closes. Cancel closes without it.",
			unit:       byteSize,
			doing:      func(n string) string { return n + " written." },
			cancelling: "Cancelling: SafeInvoice closes without a backup…",
		}, func(ctx context.Context, progress app.Progress) error {
			_, err := s.BackupNow(ctx, dir, progress)
			return err
		}, func(err error) {
			if err != nil && !errors.Is(err, context.Canceled) {
				fyne.LogError("backup on close", err)
				u.fyneApp.SendNotification(fyne.NewNotification("Backup failed", plainError(err)))
			}
			u.quit()
		})
	})
}

// quit locks the vault and closes the window, which ends the app.
func (u *UI) quit() {
	u.closeSession()
	u.win.Close()
}

// lock closes the session and returns to the login screen.
func (u *UI) lock() {
	name := ""
	if s := u.Session(); s != nil {
		name = s.User().Name
	}
	u.closeSession()
	u.showLogin(name)
}

// touch records activity: the idle lock starts counting again.
func (u *UI) touch() {
	u.idleMu.Lock()
	defer u.idleMu.Unlock()
	if u.idleTimer != nil {
		u.idleTimer.Reset(u.idleAfter)
	}
}

func (u *UI) startIdle(d time.Duration) {
	u.idleMu.Lock()
	defer u.idleMu.Unlock()
	if u.idleTimer != nil {
		u.idleTimer.Stop()
	}
	u.idleGen++
	gen := u.idleGen
	u.idleAfter = d
	u.idleTimer = time.AfterFunc(d, func() { u.idleFired(gen) })
}

func (u *UI) stopIdle() {
	u.idleMu.Lock()
	defer u.idleMu.Unlock()
	if u.idleTimer != nil {
		u.idleTimer.Stop()
		u.idleTimer = nil
	}
	u.idleGen++
}

// idleFired locks the window when the timer of generation gen runs out.
func (u *UI) idleFired(gen uint64) {
	u.do(func() {
		u.idleMu.Lock()
		current := gen == u.idleGen && u.idleTimer != nil
		u.idleMu.Unlock()
		if !current || u.Session() == nil {
			return
		}
		minutes := int(u.idleAfter.Round(time.Minute) / time.Minute)
		u.lock()
		u.loginNotice(fmt.Sprintf("Locked after %s without activity. Sign in again to continue.", plural(max(minutes, 1), "minute")))
	})
}

// startAutoBackup asks the app layer every few minutes whether a scheduled
// backup is due; it decides, and does nothing without a folder.
func (u *UI) startAutoBackup(s *app.Session) {
	u.stopAutoBackup()
	if !s.User().Role.Can(auth.PermRunBackup) {
		return
	}
	t := time.NewTicker(autoBackupEvery)
	stop, done := make(chan struct{}), make(chan struct{})
	u.backupTicker, u.backupStop, u.backupDone = t, stop, done
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if _, ran, err := s.AutoBackup(app.BackupOnTimer); ran && err != nil {
					u.fyneApp.SendNotification(fyne.NewNotification("Backup failed", plainError(err)))
				}
				// Messages queued after a temporary failure are tried
				// again when their time comes.
				if s.User().Role.Can(auth.PermExportPDF) {
					results, _ := s.SendDue(context.Background())
					for _, r := range results {
						if r.Err != nil && r.Entry.State == "failed" {
							u.fyneApp.SendNotification(fyne.NewNotification("An invoice was not sent", r.Number+": "+plainError(r.Err)))
						}
					}
				}
			}
		}
	}()
}

// stopAutoBackup stops the timer and waits for a backup it started, so
// that the session is never closed under it.
func (u *UI) stopAutoBackup() {
	if u.backupTicker != nil {
		u.backupTicker.Stop()
		close(u.backupStop)
		<-u.backupDone
		u.backupTicker, u.backupStop, u.backupDone = nil, nil, nil
	}
}

// showError tells the user what went wrong in plain words.
func (u *UI) showError(err error) {
	dialog.ShowError(errors.New(plainError(err)), u.win)
}

// showInfo shows a short message.
func (u *UI) showInfo(title, msg string) {
	dialog.ShowInformation(title, msg, u.win)
}

// plainError turns an error chain into a sentence for a person.
func plainError(err error) string {
	var locked *auth.LockedOutError
	var sens *app.SensitiveError
	var verr *invoice.ValidationError
	switch {
	case errors.As(err, &locked):
		w := (locked.Wait + time.Second - 1).Truncate(time.Second)
		return fmt.Sprintf("Too many failed attempts. Wait %s before trying again.", w)
	case errors.Is(err, app.ErrWrongPassword), errors.Is(err, app.ErrNoSuchUser):
		// Do not tell which of the two was wrong.
		return "The user name or password is not right."
	case errors.Is(err, app.ErrAlreadyOpen):
		return "SafeInvoice is already open in another window or program using this data folder."
	case errors.Is(err, app.ErrSlotDamaged):
		return "This user's key file is damaged. Another administrator can reset the password, or restore from a backup."
	case errors.Is(err, app.ErrDisabled):
		return "This account is disabled. Ask an administrator to enable it."
	case errors.Is(err, auth.ErrPermission):
		return "Your account's role does not allow this. " + sentence(err.Error())
	case errors.As(err, &sens):
		return "Not saved: " + sentence(sens.Error()) + " The policy does not allow such data; remove it and save again."
	case errors.As(err, &verr):
		return "Please check: " + sentence(verr.Error())
	case errors.Is(err, app.ErrBackupWrongKey):
		return "This recovery key does not open the backup. Choose the key file of this vault."
	case errors.Is(err, app.ErrNoBackupFolder):
		return "No backup folder is set. Choose one on the Backups screen."
	}
	return sentence(err.Error())
}

func itoa(n int) string { return strconv.Itoa(n) }

// sentence capitalises msg and ends it with a period.
func sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return ""
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// heading is a screen's title.
func heading(title string) *widget.Label {
	l := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = "headingText"
	return l
}

// wrapLabel is a label that wraps at word boundaries.
func wrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// centered puts a form-sized box in the middle of the window.
func centered(title string, content fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox(heading(title), widget.NewSeparator(), content)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(480, box.MinSize().Height), box))
}

// page lays out a signed-in screen: a title row with actions on the right,
// then the body filling the rest.
func page(title string, actions []fyne.CanvasObject, body fyne.CanvasObject) fyne.CanvasObject {
	top := container.NewBorder(nil, nil, heading(title), container.NewHBox(actions...))
	return container.NewBorder(container.NewVBox(top, widget.NewSeparator()), nil, nil, nil, body)
}

// now is the configured clock.
func (u *UI) now() time.Time {
	if u.cfg.Now != nil {
		return u.cfg.Now()
	}
	return time.Now()
}

// can reports whether the signed-in user's role has p.
func (u *UI) can(p auth.Permission) bool {
	s := u.Session()
	return s != nil && s.User().Role.Can(p)
}
