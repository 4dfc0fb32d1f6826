package app

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"safeinvoice/auth"
	"safeinvoice/backup"
	"safeinvoice/internal/fsutil"
	"safeinvoice/internal/testkit"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

const (
	adminName     = "admin"
	adminPassword = "Tr0mbone-Galaxy-Pickle-42"
)

// testConfig is a fresh data directory with cheap KDF settings and a fixed
// clock. It stays here, not in testkit, which cannot import app (see its
// package documentation).
func testConfig(t *testing.T) Config {
	t.Helper()
	return Config{DataDir: filepath.Join(t.TempDir(), "data"), WorkFactor: testkit.CheapWorkFactor, Now: testkit.FixedTime,
		AnchorDir: filepath.Join(t.TempDir(), "anchors")}
}

func initVault(t *testing.T, cfg Config) *Session {
	t.Helper()
	s, err := Init(cfg, InitParams{User: adminName, Password: adminPassword, Business: "Acme Tools"})
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestInitThenLogin(t *testing.T) {
	cfg := testConfig(t)
	keyOut := filepath.Join(t.TempDir(), "recovery.txt")
	s, err := Init(cfg, InitParams{User: adminName, Password: adminPassword, Business: "Acme Tools", RecoveryKeyOut: keyOut})
	if err != nil {
		t.Fatal(err)
	}
	if s.User().Role != auth.RoleAdministrator {
		t.Errorf("first user is %s, want administrator", s.User().Role)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(keyOut)
	if err != nil {
		t.Fatal(err)
	}
	if !testkit.OwnerOnly(st) {
		t.Errorf("recovery key mode %v, want 0600", st.Mode().Perm())
	}
	data, err := os.ReadFile(keyOut)
	if err != nil {
		t.Fatal(err)
	}
	rk, err := backup.ParseKeyFile(data)
	if err != nil {
		t.Fatal(err)
	}

	s, err = Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	defer s.Close()
	if s.AuditProblem() != nil {
		t.Errorf("audit problem after init: %v", s.AuditProblem())
	}
	set, err := s.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if set.BusinessName != "Acme Tools" || set.NumberPattern != invoice.DefaultPattern || set.Currency != DefaultCurrency {
		t.Errorf("settings %+v", set)
	}
	var stored string
	if err := s.vault.View(func(tx *storage.Tx) error {
		var err error
		stored, err = tx.RecoveryIdentity()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if stored != rk.Identity {
		t.Error("the recovery key written out is not the one kept in the vault")
	}
	rep, err := s.VerifyAudit()
	if err != nil {
		t.Fatal(err)
	}
	// vault.create, vault.init, user.login
	if rep.Entries != 3 {
		t.Errorf("audit entries %d, want 3", rep.Entries)
	}
}

func TestLoginErrors(t *testing.T) {
	cfg := testConfig(t)
	if err := initVault(t, cfg).Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Login(cfg, adminName, adminPassword+"x"); !errors.Is(err, storage.ErrWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := Login(cfg, "nobody", adminPassword); !errors.Is(err, storage.ErrNoSlot) {
		t.Errorf("unknown user: %v", err)
	}
	s, err := Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Login(cfg, adminName, adminPassword); !errors.Is(err, storage.ErrAlreadyOpen) {
		t.Errorf("second session: %v", err)
	}
}

// A password typed in another Unicode form still opens the vault.
func TestLoginNormalisesPassword(t *testing.T) {
	cfg := testConfig(t)
	composed := "Żółć-Gęślą-Jaźń-2026"
	decomposed := "Z\u0307o\u0301ł\u0107-Ge\u0328s\u0301la\u0328-Jaz\u0301n\u0301-2026"
	s, err := Init(cfg, InitParams{User: adminName, Password: composed, Business: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Login(cfg, adminName, decomposed)
	if err != nil {
		t.Fatalf("decomposed form: %v", err)
	}
	_ = s.Close()
}

func TestInitRefusals(t *testing.T) {
	cfg := testConfig(t)
	cases := []struct {
		name string
		p    InitParams
		want error
	}{
		{"weak password", InitParams{User: adminName, Password: "password1234", Business: "Acme"}, auth.ErrPasswordPolicy},
		{"short password", InitParams{User: adminName, Password: "Xy7!", Business: "Acme"}, auth.ErrPasswordPolicy},
		{"bad user name", InitParams{User: "../etc", Password: adminPassword, Business: "Acme"}, auth.ErrUserName},
	}
	for _, tc := range cases {
		if _, err := Init(cfg, tc.p); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
		if _, err := os.Stat(cfg.DataDir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: refused set-up left %s behind", tc.name, cfg.DataDir)
		}
	}
}

func TestInitNeverOverwritesAnExistingRecoveryKey(t *testing.T) {
	cfg := testConfig(t)
	keyOut := filepath.Join(t.TempDir(), "recovery.txt")
	if err := os.WriteFile(keyOut, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Init(cfg, InitParams{User: adminName, Password: adminPassword, Business: "Acme", RecoveryKeyOut: keyOut})
	if !errors.Is(err, fsutil.ErrExists) {
		t.Fatalf("got %v, want ErrExists", err)
	}
	if data, _ := os.ReadFile(keyOut); string(data) != "precious" {
		t.Error("existing file was replaced")
	}
	if storage.Exists(cfg.DataDir) {
		t.Error("a vault was created although set-up failed")
	}
	// A recovery key path in a missing folder is refused before any work.
	_, err = Init(cfg, InitParams{User: adminName, Password: adminPassword, Business: "Acme",
		RecoveryKeyOut: filepath.Join(t.TempDir(), "missing", "key.txt")})
	if err == nil || !strings.Contains(err.Error(), "recovery key file") {
		t.Fatalf("got %v, want a recovery key file error", err)
	}
	if storage.Exists(cfg.DataDir) {
		t.Error("a vault was created although set-up failed")
	}
}

func TestInitTwiceIsRefused(t *testing.T) {
	cfg := testConfig(t)
	if err := initVault(t, cfg).Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Init(cfg, InitParams{User: "other", Password: adminPassword, Business: "Acme"}); !errors.Is(err, storage.ErrVaultExists) {
		t.Fatalf("got %v, want ErrVaultExists", err)
	}
	s, err := Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatalf("the first vault no longer opens: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultDataDir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the XDG rule is the Linux one")
	}
	t.Setenv("XDG_DATA_HOME", "/tmp/xdg")
	d, err := DefaultDataDir()
	if err != nil {
		t.Fatal(err)
	}
	if d != "/tmp/xdg/safeinvoice" {
		t.Errorf("got %s", d)
	}
	t.Setenv("XDG_DATA_HOME", "relative/ignored")
	t.Setenv("HOME", "/home/ann")
	if d, _ := DefaultDataDir(); d != "/home/ann/.local/share/safeinvoice" {
		t.Errorf("got %s", d)
	}
}
