// Package localefix keeps Fyne from printing a locale error at start-up when
// the environment says LANG=C.UTF-8 (common in containers and CI): Fyne's
// language code reads "C" as a language tag, fails, and logs three lines to
// standard error from a package initializer, before main runs, which would
// spoil the command line's one-line errors.
//
// When the locale variables name the C or POSIX locale with an encoding and
// LANGUAGE is unset, init sets LANGUAGE=en. LANGUAGE only chooses the
// language of messages (gettext's rule); character handling, which LC_ALL,
// LC_CTYPE and LANG decide, is untouched.
//
// main imports this package for its side effect. It imports only syscall so
// that, by the Go specification's initialization order (the first package
// in import-path order whose imports are initialized goes next), it is
// initialized before os, and so before any Fyne package.
package localefix

import "syscall"

func init() {
	if v, _ := syscall.Getenv("LANGUAGE"); v != "" {
		return // Fyne reads LANGUAGE first when it is not empty
	}
	locale := ""
	for _, name := range [...]string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v, _ := syscall.Getenv(name); v != "" {
			locale = v
			break
		}
	}
	if NeedsFix(locale) {
		_ = syscall.Setenv("LANGUAGE", "en")
	}
}

// NeedsFix reports whether a locale value is C or POSIX with an encoding or
// modifier ("C.UTF-8", "POSIX@euro"), which Fyne cannot parse. Plain "C" and
// "POSIX" are fine: Fyne recognises them.
func NeedsFix(locale string) bool {
	for _, p := range [...]string{"C.", "C@", "POSIX.", "POSIX@"} {
		if len(locale) > len(p) && locale[:len(p)] == p {
			return true
		}
	}
	return false
}
