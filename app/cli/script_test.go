package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"safeinvoice/app"
)

var updateScripts = flag.Bool("update-scripts", false, "rewrite the expected files in testdata/script with the actual output")

// scriptNow is the clock of the scripts' safeinvoice; a script moves it
// with `env SAFEINVOICE_TEST_NOW=2027-01-05T09:00:00Z` (RFC 3339).
var scriptNow = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// TestMain lets the test binary also be the safeinvoice command that the
// scripts in testdata/script run.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"safeinvoice": scriptMain,
	})
}

// scriptMain is what main.go does with a command line, with cheap key
// derivation (as run in cli_test.go) and a fixed clock so that the scripts
// are fast and their output repeatable. Without a command the real binary
// opens the window; this one has no window and fails instead.
func scriptMain() {
	env := StdEnv()
	now := scriptNow
	if s := os.Getenv("SAFEINVOICE_TEST_NOW"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			os.Exit(Fail(env, err))
		}
		now = t
	}
	// Anchors stay in the script's own folder, not the user's.
	env.Config = app.Config{WorkFactor: 10, Now: func() time.Time { return now }, AnchorDir: filepath.Join(os.Getenv("WORK"), ".anchors")}
	inv, err := Parse(os.Args[1:])
	if err != nil {
		os.Exit(Fail(env, err))
	}
	if inv.Command == "" {
		os.Exit(Fail(env, errors.New("no command given, and this build has no window (see safeinvoice help)")))
	}
	os.Exit(Run(inv, env))
}

// TestScripts runs testdata/script/*.txtar. Besides testscript's own
// commands they have:
//
//	fails N command [args...]
//
// which runs the command as exec does, and wants exit status N and exactly
// one line on standard error, beginning with "command: ", and
//
//	lastline [-env] SRC DST
//
// which writes the last line of SRC (stdout, stderr or a file) to the file
// DST, or with -env sets the variable DST to it: a new backup's path, a
// one-time code.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *updateScripts,
		Setup: func(e *testscript.Env) error {
			// A binary built with -race sleeps a second at exit unless told
			// otherwise; the scripts run it hundreds of times.
			if os.Getenv("GORACE") == "" {
				e.Setenv("GORACE", "atexit_sleep_ms=10")
			}
			if v := einvoiceValidator(); v != "" {
				e.Setenv("EINVOICE_VALIDATE", v)
			} else if os.Getenv("SAFEINVOICE_REQUIRE_EINVOICE") != "" {
				return errors.New("the official e-invoice rules (../shared/tools/einvoice-validate, java) are missing")
			}
			return nil
		},
		// [einvoice]: the official e-invoice rules can be run, as
		// $EINVOICE_VALIDATE.
		Condition: func(cond string) (bool, error) {
			if cond != "einvoice" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			return einvoiceValidator() != "", nil
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"fails":    cmdFails,
			"lastline": cmdLastLine,
			"flipbit":  cmdFlipBit,
		},
	})
}

// einvoiceValidator is the path of the official e-invoice rules' runner
// beside the repository, "" when it or java is missing.
func einvoiceValidator() string {
	path, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "tools", "einvoice-validate"))
	if err != nil {
		return ""
	}
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	if _, err := exec.LookPath("java"); err != nil {
		return ""
	}
	return path
}

func cmdFails(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("fails cannot be negated; use exec for a command that must succeed")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: fails N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil || want <= 0 {
		ts.Fatalf("fails: %q is not a non-zero exit status", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	var exit *exec.ExitError
	switch {
	case err == nil:
		ts.Fatalf("%s succeeded, want exit status %d", args[1], want)
	case !errors.As(err, &exit):
		ts.Fatalf("%s: %v", args[1], err)
	case exit.ExitCode() != want:
		ts.Fatalf("%s: exit status %d, want %d", args[1], exit.ExitCode(), want)
	}
	stderr := ts.ReadFile("stderr")
	if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") || !strings.HasPrefix(stderr, args[1]+": ") {
		ts.Fatalf("standard error is not one line beginning with %q: %q", args[1]+": ", stderr)
	}
}

func cmdLastLine(ts *testscript.TestScript, neg bool, args []string) {
	toEnv := len(args) > 0 && args[0] == "-env"
	if toEnv {
		args = args[1:]
	}
	if neg || len(args) != 2 {
		ts.Fatalf("usage: lastline [-env] SRC DST")
	}
	text := strings.TrimRight(ts.ReadFile(args[0]), "\r\n")
	if text == "" {
		ts.Fatalf("lastline: %s is empty", args[0])
	}
	line := text[strings.LastIndexByte(text, '\n')+1:]
	if toEnv {
		ts.Setenv(args[1], line)
		return
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(line+"\n"), 0o600))
}

// cmdFlipBit flips one bit in the middle of each file matching a pattern,
// as damage on a disk would: flipbit 'books/db/*.sst'.
func cmdFlipBit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: flipbit GLOB")
	}
	files, err := filepath.Glob(ts.MkAbs(args[0]))
	ts.Check(err)
	if len(files) == 0 {
		ts.Fatalf("flipbit: no file matches %s", args[0])
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		ts.Check(err)
		if len(data) == 0 {
			continue
		}
		data[len(data)/2] ^= 0x10
		ts.Check(os.WriteFile(f, data, 0o600))
	}
}
