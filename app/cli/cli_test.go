package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safeinvoice/app"
	"safeinvoice/backup"
	"safeinvoice/internal/testkit"
)

const testPassword = "Tr0mbone-Galaxy-Pickle-42"

type result struct {
	code   int
	stdout string
	stderr string
}

// run executes a command line as main does, with cheap key derivation.
func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Config: app.Config{WorkFactor: testkit.CheapWorkFactor, Now: testkit.FixedTime, AnchorDir: t.TempDir()}}
	inv, err := Parse(args)
	var code int
	if err != nil {
		code = Fail(env, err)
	} else {
		code = Run(inv, env)
	}
	return result{code, out.String(), errb.String()}
}

func writePasswordFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func assertOneLineError(t *testing.T, r result, want string) {
	t.Helper()
	if r.code == 0 {
		t.Fatalf("exit 0, want failure; stdout %q", r.stdout)
	}
	if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "safeinvoice: ") {
		t.Errorf("stderr is not one line: %q", r.stderr)
	}
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q does not say %q", r.stderr, want)
	}
}

func TestInitAndAuditVerify(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	key := filepath.Join(t.TempDir(), "recovery.txt")
	r := run(t, testPassword+"\n", "--data-dir", dir, "--password-file", "-", "init", "--user", "admin",
		"--business", "Acme Tools", "--recovery-key-out", key)
	if r.code != 0 {
		t.Fatalf("init: %d %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "Recovery key written to "+key) {
		t.Errorf("init said %q", r.stdout)
	}
	data, err := os.ReadFile(key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := backup.ParseKeyFile(data); err != nil {
		t.Fatal(err)
	}
	// Global flags may also follow the command; the password file may end in CRLF.
	pw := writePasswordFile(t, testPassword+"\r\nignored second line\n")
	r = run(t, "", "audit", "verify", "--data-dir", dir, "--user", "admin", "--password-file", pw)
	if r.code != 0 {
		t.Fatalf("audit verify: %d %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "Audit chain intact: 3 entries") {
		t.Errorf("audit verify said %q", r.stdout)
	}
}

func TestErrorsAreOneLine(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if r := run(t, testPassword+"\n", "--data-dir", dir, "--password-file", "-", "init", "--user", "admin"); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	pw := writePasswordFile(t, testPassword)
	bad := writePasswordFile(t, "not-the-password")
	empty := writePasswordFile(t, "\n")
	cases := []struct {
		name  string
		stdin string
		args  []string
		want  string
		code  int
	}{
		{"wrong password", "", []string{"--data-dir", dir, "--user", "admin", "--password-file", bad, "audit", "verify"}, "wrong user name or password", ExitError},
		{"unknown user", "", []string{"--data-dir", dir, "--user", "zed", "--password-file", pw, "audit", "verify"}, "wrong user name or password", ExitError},
		{"no user", "", []string{"--data-dir", dir, "--password-file", pw, "audit", "verify"}, "--user NAME", ExitUsage},
		{"no password and no terminal", "", []string{"--data-dir", dir, "--user", "admin", "audit", "verify"}, "--password-file", ExitUsage},
		{"empty password file", "", []string{"--data-dir", dir, "--user", "admin", "--password-file", empty, "audit", "verify"}, "first line is empty", ExitError},
		{"no vault", "", []string{"--data-dir", filepath.Join(dir, "none"), "--user", "admin", "--password-file", pw, "audit", "verify"}, "safeinvoice init", ExitError},
		{"init twice", testPassword + "\n", []string{"--data-dir", dir, "--password-file", "-", "init", "--user", "other"}, "already exists", ExitError},
		{"weak password at init", "password\n", []string{"--data-dir", filepath.Join(dir, "new"), "--password-file", "-", "init", "--user", "ann"}, "password", ExitError},
		{"unknown command", "", []string{"frobnicate"}, `unknown command "frobnicate"`, ExitUsage},
		{"unknown flag", "", []string{"--colour", "init"}, "flag provided but not defined", ExitUsage},
		{"audit without verify", "", []string{"audit"}, "audit verify", ExitUsage},
		{"stray argument", "", []string{"init", "--user", "a", "extra"}, `unexpected argument "extra"`, ExitUsage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.stdin, tc.args...)
			assertOneLineError(t, r, tc.want)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d", r.code, tc.code)
			}
		})
	}
}

func TestTerminalPasswordIsConfirmedAtInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	answers := []string{testPassword, testPassword + "typo"}
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Config: app.Config{WorkFactor: testkit.CheapWorkFactor},
		ReadPassword: func(string) (string, error) {
			a := answers[0]
			answers = answers[1:]
			return a, nil
		}}
	inv, err := Parse([]string{"--data-dir", dir, "init", "--user", "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if code := Run(inv, env); code == 0 || !strings.Contains(errb.String(), "the two passwords differ") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Error("a vault was created with unconfirmed password")
	}
}

func TestNoCommandMeansWindow(t *testing.T) {
	inv, err := Parse([]string{"--data-dir", "/x"})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Command != "" || inv.Global.DataDir != "/x" {
		t.Errorf("got %+v", inv)
	}
}

func TestHelpListsCommands(t *testing.T) {
	r := run(t, "", "help")
	for _, want := range []string{"init --user NAME", "audit verify", "--password-file"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, r.stdout)
		}
	}
}
