package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestWindowsBinary runs testdata/windows/*.txtar against the real
// SafeInvoice.exe (make windows) named by SAFEINVOICE_EXE, on Windows or
// under Wine (scripts/wine-test sets it): the build users get, with its
// real key derivation, its default data folder under %LocalAppData% and
// its audit anchors under %AppData% (both in the script's folder). The
// scripts call it as $SAFEINVOICE and find FyneApp.toml's version in
// $VERSION; pw-crlf.txt is a password file with a
// Windows line end, as Notepad writes it.
func TestWindowsBinary(t *testing.T) {
	exe := os.Getenv("SAFEINVOICE_EXE")
	if exe == "" {
		if os.Getenv("SAFEINVOICE_REQUIRE_EXE") != "" {
			t.Fatal("SAFEINVOICE_EXE is not set")
		}
		t.Skip("set SAFEINVOICE_EXE to a SafeInvoice.exe (make windows) to run its command line")
	}
	exe, err := filepath.Abs(exe)
	if err != nil {
		t.Fatal(err)
	}
	version := appVersion(t)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/windows",
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("SAFEINVOICE", exe)
			e.Setenv("VERSION", version)
			e.Setenv("LOCALAPPDATA", filepath.Join(e.WorkDir, "AppData", "Local"))
			// os.UserConfigDir, where the anchors live, is %AppData%;
			// without it the exe would keep no anchors at all.
			e.Setenv("APPDATA", filepath.Join(e.WorkDir, "AppData", "Roaming"))
			return os.WriteFile(filepath.Join(e.WorkDir, "pw-crlf.txt"), []byte("Tr0mbone-Galaxy-Pickle-42\r\n"), 0o600)
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"lastline": cmdLastLine,
			"glob":     cmdGlob,
		},
	})
}

// cmdGlob succeeds when files match a pattern, exactly N of them with
// -count=N: glob -count=1 '$APPDATA/SafeInvoice/anchors/*.json'.
func cmdGlob(ts *testscript.TestScript, neg bool, args []string) {
	want := -1
	if len(args) > 0 && strings.HasPrefix(args[0], "-count=") {
		n, err := strconv.Atoi(strings.TrimPrefix(args[0], "-count="))
		ts.Check(err)
		want, args = n, args[1:]
	}
	if len(args) != 1 || neg && want >= 0 {
		ts.Fatalf("usage: [!] glob [-count=N] PATTERN")
	}
	files, err := filepath.Glob(ts.MkAbs(args[0]))
	ts.Check(err)
	switch {
	case neg && len(files) > 0:
		ts.Fatalf("glob: %s matches %s", args[0], strings.Join(files, ", "))
	case !neg && want < 0 && len(files) == 0:
		ts.Fatalf("glob: no file matches %s", args[0])
	case want >= 0 && len(files) != want:
		ts.Fatalf("glob: %d files match %s (%s), want %d", len(files), args[0], strings.Join(files, ", "), want)
	}
}
