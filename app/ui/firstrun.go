package ui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
	"safeinvoice/auth"
)

// firstRun is the set-up screen shown when the data directory holds no
// vault: the business name and the administrator's account.
type firstRun struct {
	business *widget.Entry
	user     *widget.Entry
	password *widget.Entry
	repeat   *widget.Entry
	meter    *widget.ProgressBar
	hints    *widget.Label
	create   *widget.Button
}

var strengthWords = [...]string{"very weak", "weak", "fair", "strong", "very strong"}

func (u *UI) showFirstRun() {
	f := &firstRun{
		business: widget.NewEntry(),
		user:     widget.NewEntry(),
		password: widget.NewPasswordEntry(),
		repeat:   widget.NewPasswordEntry(),
		meter:    widget.NewProgressBar(),
		hints:    widget.NewLabel(""),
	}
	f.business.SetPlaceHolder("Your business name, as printed on invoices")
	f.user.SetPlaceHolder("e.g. anna")
	f.meter.Max = 4
	f.meter.TextFormatter = func() string { return "Strength: " + strengthWords[int(f.meter.Value)] }
	f.hints.Wrapping = 3 // fyne.TextWrapWord
	policy := auth.DefaultPolicy()
	f.password.OnChanged = func(pw string) {
		score, hints := auth.Strength(auth.NormalizePassword(pw), auth.PasswordContext{UserName: f.user.Text, BusinessName: f.business.Text})
		f.meter.SetValue(float64(score))
		if n := len([]rune(pw)); n < policy.MinLength {
			hints = append([]string{fmt.Sprintf("Use at least %d characters (%d so far).", policy.MinLength, n)}, hints...)
		}
		f.hints.SetText(strings.Join(hints, " "))
	}
	f.create = widget.NewButton("Create administrator", func() { u.submitFirstRun(f) })
	f.create.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem("Business", f.business),
		widget.NewFormItem("User name", f.user),
		widget.NewFormItem("Password", f.password),
		widget.NewFormItem("", f.meter),
		widget.NewFormItem("Repeat", f.repeat),
	)
	intro := widget.NewLabel("Welcome. Your invoices are kept encrypted on this computer. Create the administrator account to begin.")
	intro.Wrapping = 3
	u.win.SetContent(centered("Set up SafeInvoice", container.NewVBox(intro, form, f.hints, f.create)))
	u.win.Canvas().Focus(f.business)
}

func (u *UI) submitFirstRun(f *firstRun) {
	params := app.InitParams{
		User:     strings.TrimSpace(f.user.Text),
		Password: f.password.Text,
		Business: strings.TrimSpace(f.business.Text),
	}
	switch {
	case params.Business == "":
		u.showError(errors.New("enter the business name"))
		return
	case f.password.Text != f.repeat.Text:
		u.showError(errors.New("the two passwords differ"))
		return
	}
	f.create.Disable()
	var s *app.Session
	u.background(func() error {
		var err error
		s, err = app.Init(u.cfg, params)
		return err
	}, func(err error) {
		f.create.Enable()
		if err != nil {
			u.showError(err)
			return
		}
		u.setSession(s)
		u.showHome()
	})
}
