package auth_test

import (
	"errors"
	"fmt"
	"time"

	"safeinvoice/auth"
)

func ExampleCheck() {
	err := auth.Check(auth.RoleClerk, auth.PermIssueInvoice)
	fmt.Println(err)
	fmt.Println(errors.Is(err, auth.ErrPermission))
	fmt.Println(auth.Check(auth.RoleBookkeeper, auth.PermIssueInvoice))
	// Output:
	// a clerk may not issue invoices
	// true
	// <nil>
}

func ExampleRole_Can() {
	for _, r := range auth.Roles() {
		fmt.Printf("%-13s export-pdf=%v view-audit-log=%v\n", r, r.Can(auth.PermExportPDF), r.Can(auth.PermViewAuditLog))
	}
	// Output:
	// administrator export-pdf=true view-audit-log=true
	// bookkeeper    export-pdf=true view-audit-log=false
	// clerk         export-pdf=false view-audit-log=false
	// auditor       export-pdf=false view-audit-log=true
}

func ExampleParseRole() {
	r, err := auth.ParseRole("Bookkeeper")
	fmt.Println(r, err)
	_, err = auth.ParseRole("owner")
	fmt.Println(err)
	// Output:
	// bookkeeper <nil>
	// unknown role "owner": choose administrator, bookkeeper, clerk or auditor
}

func ExampleValidateUserName() {
	fmt.Println(auth.ValidateUserName("mary.jones"))
	fmt.Println(auth.ValidateUserName("../etc"))
	fmt.Println(auth.ValidateUserName("Mary"))
	// Output:
	// <nil>
	// invalid user name "../etc": start with a letter or digit
	// invalid user name "Mary": use lower-case letters
}

func ExamplePolicy_CheckPassword() {
	p := auth.DefaultPolicy()
	ctx := auth.PasswordContext{UserName: "mary", BusinessName: "Zephyrcorp Holdings"}

	fmt.Println(p.CheckPassword("correct horse battery staple", ctx))
	fmt.Println(p.CheckPassword("日本語のパスワード", ctx)) // 9 characters, 27 bytes

	err := p.CheckPassword("Zephyrcorp Holdings 77", ctx)
	var pe *auth.PolicyError
	if errors.As(err, &pe) {
		fmt.Println(pe.Rule)
	}
	fmt.Println(errors.Is(err, auth.ErrPasswordPolicy))
	// Output:
	// <nil>
	// password is too short: use at least 12 characters, this one has 9; a few unrelated words are long and easy to remember
	// too-weak
	// true
}

func ExampleStrength() {
	score, hints := auth.Strength("qwertyuiop12", auth.PasswordContext{})
	fmt.Println(score)
	for _, h := range hints {
		fmt.Println("-", h)
	}
	score, hints = auth.Strength("orchard lantern zebra quietly", auth.PasswordContext{})
	fmt.Println(score, len(hints))
	// Output:
	// 1
	// - avoid common passwords
	// - avoid sequences like abc or 123
	// - add another word or two; uncommon words are better
	// 4 0
}

func ExampleNormalizePassword() {
	typedOnMac := "Cafe\u0301 Cre\u0300me" // "e" followed by combining accents
	typedOnWindows := "Café Crème"         // precomposed characters
	fmt.Println(typedOnMac == typedOnWindows)
	fmt.Println(auth.NormalizePassword(typedOnMac) == auth.NormalizePassword(typedOnWindows))
	// Output:
	// false
	// true
}

func ExamplePolicy_Set() {
	p := auth.DefaultPolicy()
	fmt.Println(p.Set("max-age-days", "90"))
	fmt.Println(p.Set("max_age_days", "45"))
	fmt.Println(p.Set("colour", "blue"))
	for _, k := range auth.PolicyKeys()[:4] {
		v, _ := p.Get(k.Key)
		fmt.Printf("%-13s %-4s %s\n", k.Key, v, k.Description)
	}
	// Output:
	// <nil>
	// invalid policy: max_age_days is 45, must be 0 (off), 30, 60 or 90
	// invalid policy: unknown key "colour", use one of min_length, min_strength, history_size, max_age_days, lockout_threshold, idle_lock_minutes, scanner_blocks
	// min_length    12   minimum password length in characters (8 to 64)
	// min_strength  3    minimum strength score from 0 (off) to 4; 3 resists offline guessing
	// history_size  5    how many recent passwords may not be reused (0 = off, up to 24)
	// max_age_days  90   password expiry in days: off, 30, 60 or 90
}

func ExamplePolicy_Expired() {
	p := auth.DefaultPolicy()
	p.MaxAgeDays = 30
	changed := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	u := auth.User{Name: "mary", Role: auth.RoleClerk, PasswordChanged: changed}

	fmt.Println(p.Expired(u, changed.AddDate(0, 0, 30).Add(-time.Nanosecond)))
	fmt.Println(p.Expired(u, changed.AddDate(0, 0, 30)))
	fmt.Println(p.NeedsChange(u, changed.AddDate(0, 0, 30)))
	// Output:
	// false
	// true
	// true your password is older than 30 days: choose a new one
}

func ExampleUser_RememberPassword() {
	p := auth.DefaultPolicy()
	u := auth.User{Name: "mary", Role: auth.RoleClerk}
	salt := []byte("0123456789abcdef") // use crypto/rand in the product
	if err := u.RememberPassword("orchard lantern marble", salt, p.HistorySize); err != nil {
		fmt.Println(err)
	}
	fmt.Println(u.InHistory("orchard lantern marble"))
	fmt.Println(p.CheckPassword("orchard lantern marble", auth.PasswordContext{History: u.PasswordHistory}))
	// Output:
	// true
	// password was used recently: choose one that is not among your last 5 passwords
}

func ExampleLockout() {
	l := auth.DefaultPolicy().NewLockout()
	t0 := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	for i := range 6 {
		l.RecordFailure(t0.Add(time.Duration(i) * time.Second))
	}
	now := t0.Add(10 * time.Second)
	fmt.Println(l.Allowed(now))
	fmt.Println(l.Check(now))
	fmt.Println(l.Allowed(t0.Add(5*time.Second + time.Minute)))
	n, last := l.RecordSuccess()
	fmt.Printf("%d failed attempts since your last login, last at %s\n", n, last.Format(time.Kitchen))
	// Output:
	// false 55s
	// too many failed attempts: try again in 55s
	// true 0s
	// 6 failed attempts since your last login, last at 8:00AM
}
