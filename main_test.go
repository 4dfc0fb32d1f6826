//go:build cgo

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"safeinvoice/internal/testkit"
)

// TestMain lets the tests below run this very binary as the program: run as
// the child body "main", the test binary is safeinvoice.
func TestMain(m *testing.M) {
	testkit.ChildMain(m, map[string]func(){"main": main})
}

func runBinary(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := testkit.Command("main", env...)
	cmd.Args = append(cmd.Args, args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// The real binary, with the locale containers often have, prints exactly one
// line for an error: Fyne's start-up locale complaint must not leak out.
func TestBinaryErrorIsOneLine(t *testing.T) {
	dir := t.TempDir()
	for _, lang := range []string{"LANG=C.UTF-8", "LANG=C", "LANG=en_US.UTF-8"} {
		_, stderr, code := runBinary(t, []string{lang, "LC_ALL=", "LANGUAGE="},
			"--data-dir", filepath.Join(dir, "none"), "--user", "anna", "--password-file", os.DevNull, "list")
		if code != 1 {
			t.Errorf("%s: exit %d, want 1", lang, code)
		}
		if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "safeinvoice: no vault in ") {
			t.Errorf("%s: stderr is not one line:\n%s", lang, stderr)
		}
	}
}

func TestBinaryInitAndList(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("Tr0mbone-Galaxy-Pickle-42\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runBinary(t, nil, "--data-dir", dir, "--password-file", pw, "init", "--user", "anna"); code != 0 {
		t.Fatalf("init: %d %s", code, stderr)
	}
	stdout, stderr, code := runBinary(t, nil, "--data-dir", dir, "--user", "anna", "--password-file", pw, "list", "--json")
	if code != 0 || strings.TrimSpace(stdout) != "[]" || stderr != "" {
		t.Fatalf("list: %d %q %q", code, stdout, stderr)
	}
}
