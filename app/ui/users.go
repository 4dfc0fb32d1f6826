package ui

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/auth"
)

var userColumns = columns{160, 130, 0, 110, 110, 110}

func buildUsers(sh *shell) fyne.CanvasObject {
	u, s := sh.u, sh.s
	var users []auth.User
	list := widget.NewList(
		func() int { return len(users) },
		func() fyne.CanvasObject {
			return container.New(userColumns, widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""),
				widget.NewButton("Disable", nil), widget.NewButton("Reset password", nil), widget.NewButton("Remove", nil))
		},
		nil)
	var reload func()
	list.UpdateItem = func(i widget.ListItemID, o fyne.CanvasObject) {
		usr := users[i]
		objs := o.(*fyne.Container).Objects
		objs[0].(*widget.Label).SetText(usr.Name)
		objs[1].(*widget.Label).SetText(string(usr.Role))
		st := objs[2].(*widget.Label)
		switch {
		case usr.Disabled:
			st.SetText("Disabled")
			st.Importance = widget.DangerImportance
		case usr.MustChange:
			st.SetText("Must choose a new password")
			st.Importance = widget.WarningImportance
		case usr.LastLogin.IsZero():
			st.SetText("Never signed in")
			st.Importance = widget.LowImportance
		default:
			st.SetText("Last sign-in " + age(usr.LastLogin, u.now()))
			st.Importance = widget.MediumImportance
		}
		st.Refresh()
		self := usr.Name == s.User().Name
		toggle := objs[3].(*widget.Button)
		if usr.Disabled {
			toggle.SetText("Enable")
		} else {
			toggle.SetText("Disable")
		}
		toggle.OnTapped = u.act(func() {
			u.background(func() error { return s.SetUserDisabled(usr.Name, !usr.Disabled) }, func(err error) {
				if err != nil {
					u.showError(err)
				}
				reload()
			})
		})
		reset := objs[4].(*widget.Button)
		reset.OnTapped = u.act(func() {
			var code string
			u.background(func() error {
				var err error
				code, err = s.ResetPassword(usr.Name)
				return err
			}, func(err error) {
				if err != nil {
					u.showError(err)
					return
				}
				code := widget.NewLabelWithStyle(code, fyne.TextAlignCenter, fyne.TextStyle{Monospace: true, Bold: true})
				dialog.ShowCustom("One-time code for "+usr.Name, "Done", container.NewVBox(
					wrapLabel("Give this code to "+usr.Name+" in person. They sign in with it and must then choose a new password."),
					code), u.win)
				reload()
			})
		})
		remove := objs[5].(*widget.Button)
		remove.OnTapped = u.act(func() {
			dialog.ShowConfirm("Remove "+usr.Name+"?", "The account is deleted and the vault's key is changed so that its old password opens nothing.", func(ok bool) {
				if !ok {
					return
				}
				u.background(func() error { return s.RemoveUser(usr.Name) }, func(err error) {
					if err != nil {
						u.showError(err)
					}
					reload()
				})
			}, u.win)
		})
		for _, b := range []*widget.Button{toggle, reset, remove} {
			if self {
				b.Disable()
			} else {
				b.Enable()
			}
		}
	}
	reload = func() {
		fetch(u, s.Users, func(got []auth.User, err error) {
			if err != nil {
				u.showError(err)
			}
			users = got
			list.Refresh()
		})
	}
	reload()

	add := func() { showAddUser(sh, reload) }
	sh.onNew = add
	actions := []fyne.CanvasObject{u.primary("Add user", theme.ContentAddIcon(), add)}
	header := container.New(userColumns, boldLabel("User"), boldLabel("Role"), boldLabel("Status"), widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""))
	users2 := container.NewBorder(header, nil, nil, nil, list)
	tabs := container.NewAppTabs(
		container.NewTabItem("Users", users2),
		container.NewTabItem("Password policy", buildPolicy(sh)),
	)
	return page("Users and policy", actions, tabs)
}

func showAddUser(sh *shell, done func()) {
	u, s := sh.u, sh.s
	name := u.newEntry()
	role := widget.NewSelect(nil, nil)
	for _, r := range auth.Roles() {
		role.Options = append(role.Options, string(r))
	}
	role.SetSelected(string(auth.RoleClerk))
	password := u.newPasswordEntry()
	meter, hints := u.strengthMeter(password, "")
	items := []*widget.FormItem{
		widget.NewFormItem("User name", name),
		widget.NewFormItem("Role", role),
		widget.NewFormItem("First password", password),
		widget.NewFormItem("", meter),
		widget.NewFormItem("", hints),
	}
	d := dialog.NewForm("Add user", "Add", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		n, r, pw := name.Text, auth.Role(role.Selected), password.Text
		u.background(func() error { return s.AddUser(n, r, pw) }, func(err error) {
			if err != nil {
				u.showError(err)
				return
			}
			u.showInfo("User added", n+" must choose their own password when they first sign in.")
			done()
		})
	}, u.win)
	d.Resize(fyne.NewSize(480, d.MinSize().Height))
	d.Show()
	u.win.Canvas().Focus(name)
}

// buildPolicy shows the password policy with one editor per key, once it
// is read.
func buildPolicy(sh *shell) fyne.CanvasObject {
	return loaded(sh, sh.s.Policy, func(p auth.Policy, err error) fyne.CanvasObject {
		if err != nil {
			return wrapLabel(plainError(err))
		}
		return policyForm(sh, p)
	})
}

func policyForm(sh *shell, p auth.Policy) fyne.CanvasObject {
	u, s := sh.u, sh.s
	form := widget.NewForm()
	for _, k := range auth.PolicyKeys() {
		cur, _ := p.Get(k.Key)
		var field fyne.CanvasObject
		var value func() string
		switch k.Key {
		case "scanner_blocks":
			c := widget.NewCheck("Refuse to save text that looks sensitive", nil)
			c.Checked = cur == "true"
			field, value = c, func() string { return strconv.FormatBool(c.Checked) }
		case "max_age_days":
			sel := widget.NewSelect(nil, nil)
			for _, d := range auth.MaxAgeDays() {
				opt := "never"
				if d > 0 {
					opt = fmt.Sprintf("%d days", d)
				}
				sel.Options = append(sel.Options, opt)
				if strconv.Itoa(d) == cur {
					sel.SetSelectedIndex(len(sel.Options) - 1)
				}
			}
			field, value = sel, func() string { return strconv.Itoa(auth.MaxAgeDays()[max(sel.SelectedIndex(), 0)]) }
		default:
			e := u.newEntry()
			e.SetText(cur)
			field, value = e, func() string { return e.Text }
		}
		key, before := k.Key, cur
		apply := u.button("Apply", theme.ConfirmIcon(), func() {
			v := value()
			if v == before {
				return
			}
			u.background(func() error { return s.SetPolicy(key, v) }, func(err error) {
				if err != nil {
					u.showError(err)
					return
				}
				before = v
				u.showInfo("Policy changed", "The change is recorded in the audit log.")
			})
		})
		help := wrapLabel(sentence(k.Description))
		help.Importance = widget.LowImportance
		form.Append(policyLabel(k.Key), container.NewVBox(container.NewBorder(nil, nil, nil, apply, field), help))
	}
	return container.NewVScroll(form)
}

func policyLabel(key string) string {
	switch key {
	case "min_length":
		return "Minimum length"
	case "min_strength":
		return "Minimum strength"
	case "history_size":
		return "Remembered passwords"
	case "max_age_days":
		return "Password expiry"
	case "lockout_threshold":
		return "Failed sign-ins before wait"
	case "idle_lock_minutes":
		return "Idle lock (minutes)"
	case "scanner_blocks":
		return "Sensitive data"
	}
	return key
}
