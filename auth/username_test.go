package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidateUserName(t *testing.T) {
	good := []string{
		"a", "7", "mary", "mary.jones", "m_jones-2", "0day", "con1", "console", "nul-user",
		strings.Repeat("a", 32), "a.b.c", "com10",
	}
	for _, n := range good {
		if err := ValidateUserName(n); err != nil {
			t.Errorf("ValidateUserName(%q) = %v, want nil", n, err)
		}
	}
	bad := map[string]string{
		"":                      "empty",
		strings.Repeat("a", 33): "too long",
		"Mary":                  "lower-case",
		".hidden":               "start with",
		"-rf":                   "start with",
		"_x":                    "start with",
		".":                     "start with",
		"..":                    "start with",
		"a/b":                   "not allowed",
		`a\b`:                   "not allowed",
		"a b":                   "not allowed",
		"a:b":                   "not allowed",
		"mary.":                 "end with",
		"josé":                  "not allowed",
		"ｍａｒｙ":                  "not allowed",
		"con":                   "reserved",
		"nul.txt":               "reserved",
		"com1":                  "reserved",
		"lpt9.x.y":              "reserved",
		"a\x00b":                "not allowed",
		"\xff":                  "not valid",
	}
	for n, want := range bad {
		err := ValidateUserName(n)
		if !errors.Is(err, ErrUserName) {
			t.Errorf("ValidateUserName(%q) = %v, want ErrUserName", n, err)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateUserName(%q) = %q, want it to mention %q", n, err, want)
		}
	}
}

func TestUserValidate(t *testing.T) {
	u := User{Name: "mary", Role: RoleClerk, Created: time.Unix(0, 0)}
	if err := u.Validate(); err != nil {
		t.Fatal(err)
	}
	u.Role = "boss"
	if err := u.Validate(); !errors.Is(err, ErrUnknownRole) {
		t.Fatalf("unknown role: %v", err)
	}
	u.Name = "Mary"
	if err := u.Validate(); !errors.Is(err, ErrUserName) {
		t.Fatalf("bad name: %v", err)
	}
}
