package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
)

var scheduleChoices = []struct {
	label string
	value app.BackupSchedule
}{
	{"Only when I click Back up now", "manual"},
	{"When SafeInvoice closes", "on-close"},
	{"Every hour", "hourly"},
	{"Every day", "daily"},
}

// backupsScreen is the Backups screen's state.
type backupsScreen struct {
	sh       *shell
	dir      *entry
	schedule *widget.Select
	extra    *entry
	state    *widget.Label
	// note says how the last action ended.
	note     *widget.Label
	items    []app.BackupItem
	list     *widget.List
	listNote *widget.Label
}

var backupColumns = columns{170, 110, 110, 0, 110}

// buildBackups shows the backup settings, state and list once they are
// read.
func buildBackups(sh *shell) fyne.CanvasObject {
	return loaded(sh, sh.s.BackupSettings, func(bs app.BackupSettings, err error) fyne.CanvasObject {
		if err != nil {
			sh.u.showError(err)
		}
		return backupsScreenFor(sh, bs)
	})
}

func backupsScreenFor(sh *shell, bs app.BackupSettings) fyne.CanvasObject {
	u := sh.u
	b := &backupsScreen{sh: sh}
	b.dir = u.newEntry()
	b.dir.SetText(bs.Dir)
	b.dir.SetPlaceHolder("No folder chosen")
	b.schedule = widget.NewSelect(nil, nil)
	for i, c := range scheduleChoices {
		b.schedule.Options = append(b.schedule.Options, c.label)
		if c.value == bs.Schedule {
			b.schedule.SetSelectedIndex(i)
		}
	}
	if b.schedule.SelectedIndex() < 0 {
		b.schedule.SetSelectedIndex(0)
	}
	b.extra = u.newMultiLineEntry()
	b.extra.SetText(strings.Join(bs.Recipients, "\n"))
	b.extra.SetPlaceHolder("Optional: age1… public keys, one per line (an accountant's, for example)")
	b.extra.SetMinRowsVisible(2)
	b.state = wrapLabel("")
	b.note = wrapLabel("")
	b.note.Hide()
	b.listNote = wrapLabel("Reading the backup folder…")
	b.list = widget.NewList(
		func() int { return len(b.items) },
		func() fyne.CanvasObject {
			restore := widget.NewButtonWithIcon("Restore…", theme.HistoryIcon(), nil)
			return container.New(backupColumns, widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""), restore)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := b.items[i]
			objs := o.(*fyne.Container).Objects
			objs[0].(*widget.Label).SetText(r.Created.Local().Format("2 Jan 2006 15:04"))
			objs[1].(*widget.Label).SetText(string(r.Kind))
			holds := "—"
			if r.Unreadable == nil {
				holds = plural(r.Manifest.Records(), "record")
			}
			objs[2].(*widget.Label).SetText(holds)
			st := objs[3].(*widget.Label)
			st.SetText(backupStatus(r, u.now()))
			switch {
			case r.Unreadable != nil || r.Problem != "":
				st.Importance = widget.DangerImportance
			case r.Verified():
				st.Importance = widget.SuccessImportance
			default:
				st.Importance = widget.WarningImportance
			}
			st.Truncation = fyne.TextTruncateEllipsis
			st.Refresh()
			btn := objs[4].(*widget.Button)
			btn.OnTapped = u.act(func() { b.previewRestore(r) })
			if r.Unreadable != nil || r.Problem != "" || !u.can(auth.PermRestore) {
				btn.Disable()
			} else {
				btn.Enable()
			}
		})
	b.refreshState()
	b.reload()

	canEdit := u.can(auth.PermEditSettings)
	choose := u.button("Choose…", theme.FolderOpenIcon(), func() { u.folderDialog(b.dir.SetText) })
	save := u.button("Save settings", theme.DocumentSaveIcon(), b.saveSettings)
	if !canEdit {
		b.dir.Disable()
		b.schedule.Disable()
		b.extra.Disable()
		choose.Disable()
		save.Hide()
	} else {
		sh.onSave = b.saveSettings
	}
	form := widget.NewForm(
		widget.NewFormItem("Folder", container.NewBorder(nil, nil, nil, choose, b.dir)),
		widget.NewFormItem("Schedule", b.schedule),
		widget.NewFormItem("Also encrypt to", b.extra),
		widget.NewFormItem("", container.NewHBox(save)),
	)
	var actions []fyne.CanvasObject
	if u.can(auth.PermRestore) {
		actions = append(actions,
			u.button("Save recovery kit…", theme.DocumentPrintIcon(), func() {
				u.saveDialog("SafeInvoice recovery kit.pdf", b.saveKit)
			}),
			u.button("Restore from file…", theme.HistoryIcon(), func() {
				u.openDialog(func(path string) { b.previewRestore(app.BackupItem{Path: path}) })
			}))
	}
	actions = append(actions, u.button("Verify all", theme.SearchIcon(), b.verify))
	if u.can(auth.PermRunBackup) {
		actions = append(actions, u.primary("Back up now", theme.UploadIcon(), b.backupNow))
	}
	header := container.New(backupColumns, boldLabel("Created"), boldLabel("Kind"), boldLabel("Holds"), boldLabel("Status"), widget.NewLabel(""))
	top := container.NewVBox(form, b.state, b.note, widget.NewSeparator(), b.listNote, header)
	return page("Backups", actions, container.NewBorder(top, nil, nil, nil, b.list))
}

// refreshState reads the backup state off the UI goroutine and shows it.
func (b *backupsScreen) refreshState() {
	fetch(b.sh.u, b.sh.s.BackupState, b.showState)
}

func (b *backupsScreen) showState(st app.BackupState, err error) {
	if err != nil {
		b.state.SetText(plainError(err))
		return
	}
	now := b.sh.u.now()
	var parts []string
	if st.LastSuccess.IsZero() {
		parts = append(parts, "No backup has been written yet.")
		b.state.Importance = widget.WarningImportance
	} else {
		parts = append(parts, fmt.Sprintf("Last backup %s (%s).", age(st.LastSuccess, now), st.LastSuccess.Local().Format("2 Jan 2006 15:04")))
		b.state.Importance = widget.MediumImportance
	}
	if !st.LastVerified.IsZero() {
		parts = append(parts, "Last verified "+age(st.LastVerified, now)+".")
	}
	if st.LastFailure.After(st.LastSuccess) {
		parts = append(parts, "The last attempt failed: "+sentence(st.LastError))
		b.state.Importance = widget.DangerImportance
	}
	b.state.SetText(strings.Join(parts, " "))
}

// backupStatus says what is known of a backup's health.
func backupStatus(r app.BackupItem, now time.Time) string {
	switch {
	case r.Unreadable != nil:
		return "Cannot be read: " + plainError(r.Unreadable)
	case r.Problem != "":
		return "Problem: " + sentence(r.Problem)
	case r.Verified():
		return "Verified " + age(r.Checked, now) + ": restores"
	}
	return "Not verified yet"
}

// reload lists the backups of the folder in the background.
func (b *backupsScreen) reload() {
	u, s := b.sh.u, b.sh.s
	dir := strings.TrimSpace(b.dir.Text)
	var l app.BackupListing
	u.background(func() error {
		var err error
		l, err = s.ListBackups(dir)
		return err
	}, func(err error) {
		b.items = l.Backups
		switch {
		case errors.Is(err, app.ErrNoBackupFolder):
			b.listNote.SetText("Choose a backup folder, then click Back up now.")
		case err != nil:
			b.listNote.SetText("The backup folder cannot be read: " + plainError(err))
		case len(l.Backups) == 0:
			b.listNote.SetText("There are no backups of these books in " + l.Dir + " yet.")
		default:
			b.listNote.SetText(b.summary())
		}
		b.list.Refresh()
	})
}

// summary counts the listed backups by health.
func (b *backupsScreen) summary() string {
	bad, unverified := 0, 0
	for _, r := range b.items {
		switch {
		case r.Unreadable != nil || r.Problem != "":
			bad++
		case !r.Verified():
			unverified++
		}
	}
	parts := []string{plural(len(b.items), "backup")}
	if bad > 0 {
		parts = append(parts, plural(bad, "problem")+" found")
	}
	if unverified > 0 {
		parts = append(parts, fmt.Sprintf("%d not verified yet: click Verify all", unverified))
	}
	if bad == 0 && unverified == 0 {
		parts = append(parts, "all verified")
	}
	return strings.Join(parts, "; ") + "."
}

// tell shows how an action ended under the backup state.
func (b *backupsScreen) tell(msg string) {
	b.note.Importance = widget.MediumImportance
	b.note.SetText(msg)
	b.note.Show()
}

func (b *backupsScreen) saveSettings() {
	u, s := b.sh.u, b.sh.s
	var recips []string
	for _, l := range strings.Split(b.extra.Text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			recips = append(recips, l)
		}
	}
	dir := strings.TrimSpace(b.dir.Text)
	sched := scheduleChoices[max(b.schedule.SelectedIndex(), 0)].value
	u.background(func() error {
		bs, err := s.BackupSettings()
		if err != nil {
			return err
		}
		bs.Dir, bs.Recipients, bs.Schedule = dir, recips, sched
		return s.SetBackupSettings(bs)
	}, func(err error) {
		if err != nil {
			u.showError(err)
			return
		}
		b.tell("Backup settings saved.")
		b.reload()
	})
}

func (b *backupsScreen) backupNow() {
	u, s := b.sh.u, b.sh.s
	dir := strings.TrimSpace(b.dir.Text)
	var info app.BackupInfo
	u.runTask(taskSpec{
		title:      "Backing up…",
		intro:      "Writing an encrypted backup of the books.",
		unit:       byteSize,
		doing:      func(n string) string { return n + " written." },
		cancelling: "Cancelling: the unfinished backup file is removed…",
	}, func(ctx context.Context, progress app.Progress) error {
		var err error
		info, err = s.BackupNow(ctx, dir, progress)
		return err
	}, func(err error) {
		b.refreshState()
		b.reload()
		switch {
		case errors.Is(err, context.Canceled):
			b.tell("The backup was cancelled; nothing was written.")
		case err != nil:
			u.showError(err)
		default:
			b.tell(fmt.Sprintf("Backup written: %s (%s, %s).", info.Manifest.Data, info.Manifest.Kind, plural(info.Manifest.Records(), "record")))
		}
	})
}

func (b *backupsScreen) verify() {
	u, s := b.sh.u, b.sh.s
	dir := strings.TrimSpace(b.dir.Text)
	var rep app.BackupReport
	u.runTask(taskSpec{
		title:      "Verifying backups…",
		intro:      "Every backup is decrypted, checked against its manifest and restored into a scratch folder.",
		unit:       byteSize,
		doing:      func(n string) string { return n + " checked." },
		cancelling: "Cancelling…",
	}, func(ctx context.Context, progress app.Progress) error {
		var err error
		rep, err = s.VerifyBackups(ctx, dir, progress)
		return err
	}, func(err error) {
		b.refreshState()
		b.reload()
		switch n := rep.Problems(); {
		case errors.Is(err, context.Canceled):
			b.tell("The verification was cancelled; the earlier results stand.")
		case err != nil:
			u.showError(err)
		case len(rep.Results) == 0:
			b.tell("There are no backups of these books in the folder to verify.")
		case n == 0:
			b.tell(fmt.Sprintf("Verified %s: each one decrypts and restores.", plural(len(rep.Results), "backup")))
		default:
			b.tell(fmt.Sprintf("Verified %s: %s found. Do not rely on the backups marked Problem.", plural(len(rep.Results), "backup"), plural(n, "problem")))
			b.note.Importance = widget.DangerImportance
			b.note.Refresh()
		}
	})
}

func (b *backupsScreen) saveKit(path string) {
	u, s := b.sh.u, b.sh.s
	u.background(func() error {
		data, err := s.RecoveryKitPDF()
		if err != nil {
			return err
		}
		return writeNewFile(path, data)
	}, func(err error) {
		if err != nil {
			u.showError(err)
			return
		}
		u.showInfo("Recovery kit saved", "Saved to "+path+". Print it and keep it away from this computer.")
	})
}

// previewRestore shows what a backup holds and asks for the recovery key
// before anything is replaced. r has the backup's manifest when it was
// listed; a file chosen by hand has only its path.
func (b *backupsScreen) previewRestore(r app.BackupItem) {
	u := b.sh.u
	path, m := r.Path, r.Manifest
	var lines []string
	lines = append(lines, "Backup file: "+path)
	if !m.Created.IsZero() {
		lines = append(lines, "Made "+m.Created.Local().Format("2 Jan 2006 15:04")+", "+string(m.Kind)+" backup.")
		var holds []string
		for _, k := range []struct{ key, word string }{
			{"invoice", "invoice"}, {"client", "client"}, {"user", "user"}, {"audit", "audit entry"},
		} {
			holds = append(holds, plural(m.Counts[k.key], k.word))
		}
		lines = append(lines, "It holds "+strings.Join(holds, ", ")+".")
		if r.Verified() {
			lines = append(lines, "It was verified "+age(r.Checked, u.now())+": it decrypts and restores.")
		} else {
			lines = append(lines, "It has not been verified yet; the restore checks it before anything is replaced.")
		}
	} else {
		lines = append(lines, "Its content is checked with the recovery key before anything is replaced.")
	}
	lines = append(lines, "", "Restoring replaces the books of this computer with this backup. "+
		"The current data folder is kept beside it for rollback. You will be signed out.")
	key := u.newEntry()
	key.SetPlaceHolder("The recovery key file of this vault")
	chooseKey := u.button("Choose…", theme.FolderOpenIcon(), func() { u.openDialog(key.SetText) })
	content := container.NewVBox(
		wrapLabel(strings.Join(lines, "\n")),
		widget.NewForm(widget.NewFormItem("Recovery key", container.NewBorder(nil, nil, nil, chooseKey, key))),
	)
	d := dialog.NewCustomConfirm("Restore this backup?", "Replace my books", "Cancel", content, func(ok bool) {
		if ok {
			u.restore(path, key.Text)
		}
	}, u.win)
	d.Resize(fyne.NewSize(560, content.MinSize().Height+120))
	d.Show()
}

// restore closes the session, restores the backup at from with the key file
// at keyPath over the data folder and returns to the login screen.
func (u *UI) restore(from, keyPath string) {
	key, err := os.ReadFile(strings.TrimSpace(keyPath))
	if err != nil {
		u.showError(fmt.Errorf("read the recovery key: %w", err))
		return
	}
	u.closeSession()
	u.win.SetContent(centered("Restoring…", wrapLabel("The books are closed while they are restored.")))
	var res app.RestoreResult
	u.runTask(taskSpec{
		title:      "Restoring…",
		intro:      "Rebuilding the books from " + from + " and checking them before they replace the current ones.",
		unit:       byteSize,
		doing:      func(n string) string { return n + " read." },
		cancelling: "Cancelling: the partly rebuilt books are removed; nothing is replaced…",
	}, func(ctx context.Context, progress app.Progress) error {
		defer clear(key)
		var err error
		res, err = app.Restore(ctx, u.cfg, app.RestoreParams{From: from, RecoveryKey: key, Replace: true, Progress: progress})
		return err
	}, func(err error) {
		u.showLogin(u.fyneApp.Preferences().String(prefLastUser))
		if errors.Is(err, context.Canceled) {
			u.loginNotice("The restore was cancelled; nothing was replaced.")
			return
		}
		if err != nil {
			u.loginNotice("The restore failed and nothing was replaced: " + plainError(err))
			u.loginScreen.notice.Importance = widget.DangerImportance
			u.loginScreen.notice.Refresh()
			return
		}
		msg := fmt.Sprintf("Restored the backup of %s (%s from %s). Sign in with a password that was valid then.",
			res.Created.Local().Format("2 Jan 2006 15:04"), plural(res.Records, "record"), plural(res.Files, "file"))
		if res.Previous != "" {
			msg += " The previous data folder was kept at " + res.Previous + "."
		}
		u.loginNotice(msg)
	})
}

// showRestoreFromLogin restores without signing in, as on a new computer:
// a backup file and the recovery key are all it needs.
func (u *UI) showRestoreFromLogin() {
	from := u.newEntry()
	from.SetPlaceHolder("A backup file, or the backup folder for its newest backup")
	key := u.newEntry()
	key.SetPlaceHolder("The recovery key file")
	chooseFrom := u.button("File…", theme.FileIcon(), func() { u.openDialog(from.SetText) })
	chooseDir := u.button("Folder…", theme.FolderOpenIcon(), func() { u.folderDialog(from.SetText) })
	chooseKey := u.button("Choose…", theme.FolderOpenIcon(), func() { u.openDialog(key.SetText) })
	content := container.NewVBox(
		wrapLabel("Restoring replaces the books in this computer's data folder, if there are any; they are kept beside it for rollback. "+
			"The backup is checked with the recovery key before anything is replaced."),
		widget.NewForm(
			widget.NewFormItem("Backup", container.NewBorder(nil, nil, nil, container.NewHBox(chooseFrom, chooseDir), from)),
			widget.NewFormItem("Recovery key", container.NewBorder(nil, nil, nil, chooseKey, key)),
		),
	)
	d := dialog.NewCustomConfirm("Restore from a backup", "Preview…", "Cancel", content, func(ok bool) {
		if ok {
			u.previewLoginRestore(strings.TrimSpace(from.Text), strings.TrimSpace(key.Text))
		}
	}, u.win)
	d.Resize(fyne.NewSize(600, content.MinSize().Height+120))
	d.Show()
}

// previewLoginRestore reads what the backup at from holds with the key file
// at keyPath, shows it, and restores only once the user confirms.
func (u *UI) previewLoginRestore(from, keyPath string) {
	key, err := os.ReadFile(keyPath)
	if err != nil {
		u.showError(fmt.Errorf("read the recovery key: %w", err))
		return
	}
	var p app.RestorePreview
	u.background(func() error {
		var err error
		p, err = app.PreviewRestore(u.cfg, from, key)
		clear(key)
		return err
	}, func(err error) {
		if err != nil {
			u.showError(err)
			return
		}
		u.confirmLoginRestore(from, keyPath, p)
	})
}

// restorePreviewText describes p for a person.
func restorePreviewText(p app.RestorePreview, dataDir string) string {
	kind := "a full backup"
	if p.Kind == app.BackupIncremental {
		kind = fmt.Sprintf("an incremental backup (a chain of %s: the full backup and %s)", plural(p.Files, "file"), plural(p.Files-1, "incremental one"))
	}
	lines := []string{
		"Backup file: " + p.Backup,
		"Made " + p.Created.Local().Format("2 Jan 2006 15:04") + ", " + kind + ".",
		"Vault: " + p.VaultID,
		fmt.Sprintf("It holds %s, %s, %s and %s.", plural(p.Invoices, "invoice"), plural(p.Clients, "client"),
			plural(p.Users, "user"), auditEntries(p.AuditEntries)),
		"",
	}
	if p.TargetHasVault {
		lines = append(lines, "The data folder "+dataDir+" already holds books. Restoring replaces them with this backup; "+
			"the current folder is kept beside it for rollback.")
	} else {
		lines = append(lines, "The restored books are put in the data folder "+dataDir+".")
	}
	lines = append(lines, "Sign in afterwards with a password that was valid when the backup was made.")
	return strings.Join(lines, "\n")
}

// auditEntries is "1 audit entry" or "n audit entries".
func auditEntries(n int) string {
	if n == 1 {
		return "1 audit entry"
	}
	return fmt.Sprintf("%d audit entries", n)
}

// confirmLoginRestore shows the preview and restores on confirmation.
func (u *UI) confirmLoginRestore(from, keyPath string, p app.RestorePreview) {
	ok := "Restore"
	if p.TargetHasVault {
		ok = "Replace my books"
	}
	content := wrapLabel(restorePreviewText(p, u.cfg.DataDir))
	d := dialog.NewCustomConfirm("Restore this backup?", ok, "Cancel", content, func(yes bool) {
		if yes {
			u.restore(p.Backup, keyPath)
		}
	}, u.win)
	d.Resize(fyne.NewSize(600, content.MinSize().Height+140))
	d.Show()
}
