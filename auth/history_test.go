package auth

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

func testSalt(i int) []byte {
	return bytes.Repeat([]byte{byte(i + 1)}, MinSaltSize)
}

func TestHashForHistory(t *testing.T) {
	h := HashForHistory("orchard lantern", testSalt(0))
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(h) {
		t.Fatalf("format: %s", h)
	}
	if HashForHistory("orchard lantern", testSalt(0)) != h {
		t.Fatal("not deterministic for a given salt")
	}
	if HashForHistory("orchard lantern", testSalt(1)) == h {
		t.Fatal("salt ignored")
	}
	if strings.Contains(h, "orchard") {
		t.Fatal("hash contains the password")
	}
	// Normalised before hashing.
	if HashForHistory("Cafe\u0301", testSalt(0)) != HashForHistory("Café", testSalt(0)) {
		t.Fatal("not normalised")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("short salt accepted")
		}
	}()
	HashForHistory("x", make([]byte, MinSaltSize-1))
}

func TestRememberPassword(t *testing.T) {
	var u User
	for i := range 7 {
		if err := u.RememberPassword(fmt.Sprintf("password %d", i), testSalt(i), 5); err != nil {
			t.Fatal(err)
		}
		if want := min(i+1, 5); len(u.PasswordHistory) != want {
			t.Fatalf("after %d: %d entries, want %d", i+1, len(u.PasswordHistory), want)
		}
	}
	for i := range 7 {
		want := i >= 2 // the newest five
		if got := u.InHistory(fmt.Sprintf("password %d", i)); got != want {
			t.Errorf("InHistory(password %d) = %v, want %v", i, got, want)
		}
	}
	if u.InHistory("password 7") {
		t.Error("never used password found")
	}
	// Shrinking keeps the newest.
	if err := u.RememberPassword("password 7", testSalt(7), 2); err != nil {
		t.Fatal(err)
	}
	if len(u.PasswordHistory) != 2 || !u.InHistory("password 6") || !u.InHistory("password 7") || u.InHistory("password 5") {
		t.Fatalf("shrink to 2: %d entries", len(u.PasswordHistory))
	}
	if err := u.RememberPassword("password 8", testSalt(8), 0); err != nil || u.PasswordHistory != nil {
		t.Fatalf("size 0: %v %v", u.PasswordHistory, err)
	}
	before := User{PasswordHistory: []string{"x"}}
	if err := before.RememberPassword("p", []byte("short"), 5); err == nil || len(before.PasswordHistory) != 1 {
		t.Fatalf("short salt: %v %v", err, before.PasswordHistory)
	}
}

func TestInHistoryMalformed(t *testing.T) {
	good := HashForHistory("secret words", testSalt(0))
	parts := strings.Split(good, "$")
	u := User{PasswordHistory: []string{
		"", "plain text", "$argon2i$v=19$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=18$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=99999999,t=2,p=1$" + parts[4] + "$" + parts[5], // absurd memory
		"$argon2id$v=19$m=19456,t=2,p=1$!!$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=1$" + parts[4] + "$",
		"$argon2id$v=19$m=19456,t=3,p=1$" + parts[4] + "$" + parts[5], // other params, other hash
	}}
	if u.InHistory("secret words") {
		t.Fatal("malformed entry matched")
	}
	u.PasswordHistory = append(u.PasswordHistory, good)
	if !u.InHistory("secret words") {
		t.Fatal("good entry after malformed ones not matched")
	}
}

func TestRecordPasswordChange(t *testing.T) {
	u := User{Name: "mary", Role: RoleClerk, MustChange: true}
	now := time.Date(2026, 3, 1, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	p := DefaultPolicy()
	if err := u.RecordPasswordChange("orchard lantern marble", testSalt(0), p, now); err != nil {
		t.Fatal(err)
	}
	if u.MustChange || !u.PasswordChanged.Equal(now) || u.PasswordChanged.Location() != time.UTC || !u.InHistory("orchard lantern marble") {
		t.Fatalf("%+v", u)
	}
	wantRule(t, p.CheckPassword("orchard lantern marble", PasswordContext{History: u.PasswordHistory}), RuleReused)
}
