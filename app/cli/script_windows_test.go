package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestWindowsBinary runs testdata/windows/*.txtar against the real
// SafeInvoice.exe (make windows) named by SAFEINVOICE_EXE, on Windows or
// under Wine (scripts/wine-test sets it): the build users get, with its
// real key derivation and its default data folder under %LocalAppData%.
// The scripts call it as $SAFEINVOICE; pw-crlf.txt is a password file
// with a Windows line end, as Notepad writes it.
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
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/windows",
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("SAFEINVOICE", exe)
			e.Setenv("LOCALAPPDATA", filepath.Join(e.WorkDir, "AppData", "Local"))
			return os.WriteFile(filepath.Join(e.WorkDir, "pw-crlf.txt"), []byte("Tr0mbone-Galaxy-Pickle-42\r\n"), 0o600)
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"lastline": cmdLastLine,
		},
	})
}
