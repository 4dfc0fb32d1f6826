package auth

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxUserNameLength is the longest user name, in characters (all ASCII).
const MaxUserNameLength = 32

// ErrUserName is wrapped by ValidateUserName's errors.
var ErrUserName = errors.New("invalid user name")

// windowsReserved are device names Windows refuses as file names, with or
// without an extension.
var windowsReserved = [...]string{
	"con", "prn", "aux", "nul",
	"com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
	"lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
}

// ValidateUserName returns nil if name is an acceptable user name, and
// otherwise an error wrapping ErrUserName that says what to change.
//
// A user name is 1 to 32 characters: lower-case ASCII letters, digits, '.',
// '_' and '-', starting with a letter or digit and not ending with '.'. It is
// not a Windows device name (con, nul, com1, …, with or without an
// extension). storage uses the name as a file name, so these rules keep it
// safe on every platform: no separators, no "." or "..", no hidden files, no
// case-only differences on case-insensitive file systems. Names are never
// silently altered; the caller may lower-case input before calling.
func ValidateUserName(name string) error {
	if name == "" {
		return fmt.Errorf("%w: the name is empty", ErrUserName)
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("%w: the name is not valid text", ErrUserName)
	}
	if n := utf8.RuneCountInString(name); n > MaxUserNameLength {
		return fmt.Errorf("%w: %d characters is too long, use at most %d", ErrUserName, n, MaxUserNameLength)
	}
	for i, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '.' || c == '_' || c == '-':
			if i == 0 {
				return fmt.Errorf("%w %q: start with a letter or digit", ErrUserName, name)
			}
		case c >= 'A' && c <= 'Z':
			return fmt.Errorf("%w %q: use lower-case letters", ErrUserName, name)
		default:
			return fmt.Errorf("%w %q: %q is not allowed, use letters a-z, digits and . _ -", ErrUserName, name, c)
		}
	}
	if strings.HasSuffix(name, ".") {
		return fmt.Errorf("%w %q: do not end with '.'", ErrUserName, name)
	}
	base, _, _ := strings.Cut(name, ".")
	for _, r := range windowsReserved {
		if base == r {
			return fmt.Errorf("%w %q: %s is a reserved device name on Windows", ErrUserName, name, r)
		}
	}
	return nil
}

// Validate checks u's name and role. It does not look at times or history.
func (u User) Validate() error {
	if err := ValidateUserName(u.Name); err != nil {
		return err
	}
	if !u.Role.Valid() {
		return fmt.Errorf("user %q: %w %q", u.Name, ErrUnknownRole, string(u.Role))
	}
	return nil
}
