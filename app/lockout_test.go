package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safeinvoice/auth"
	"safeinvoice/internal/testkit"
)

// lockedConfig is a closed vault whose administrator failed five times in a
// row, the threshold, and tried a sixth time: locked for 30 s from the
// clock's now.
func lockedConfig(t *testing.T) (Config, *testkit.Clock) {
	t.Helper()
	cfg, clk := clockConfig(t)
	if err := initVault(t, cfg).Close(); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		if _, err := Login(cfg, adminName, fmt.Sprintf("guess %d", i)); err != nil && !errors.Is(err, ErrBadLogin) {
			var le *auth.LockedOutError
			if !errors.As(err, &le) {
				t.Fatalf("guess %d: %v", i, err)
			}
		}
	}
	return cfg, clk
}

// loginErr is the error of a login, whose session, if any, is closed.
func loginErr(cfg Config, user, password string) error {
	s, err := Login(cfg, user, password)
	if err == nil {
		err = s.Close()
	}
	return err
}

func wantLocked(t *testing.T, what string, err error) {
	t.Helper()
	var le *auth.LockedOutError
	if !errors.As(err, &le) {
		t.Fatalf("%s: %v, want a back-off", what, err)
	}
}

func hasAlertKind(t *testing.T, s *Session, kind, text string) bool {
	t.Helper()
	alerts, err := s.Alerts(true)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alerts {
		if a.Kind == kind && strings.Contains(a.Message, text) {
			return true
		}
	}
	return false
}

// Made-up names at the login screen cannot flush an account's back-off:
// they go to one shared bucket, which backs off by itself.
func TestUnknownNamesCannotFlushTheBackOff(t *testing.T) {
	cfg, clk := lockedConfig(t)
	refused := 0
	for i := range 500 {
		_, err := Login(cfg, fmt.Sprintf("nobody%d", i), "guess")
		var le *auth.LockedOutError
		switch {
		case errors.As(err, &le):
			refused++
		case !errors.Is(err, ErrBadLogin):
			t.Fatalf("nobody%d: %v", i, err)
		}
	}
	if refused < 490 {
		t.Errorf("only %d of 500 made-up names were held back", refused)
	}
	wantLocked(t, "the administrator after 500 made-up names", loginErr(cfg, adminName, adminPassword))
	clk.Advance(31 * time.Second)
	s, err := Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := s.FailedLogins().Count; n != 5 {
		t.Errorf("the notice says %d failed attempts, want the true 5", n)
	}
	if !hasAlertKind(t, s, AlertFailedLogins, "5 failed login attempts for "+adminName) {
		t.Error("no failed-logins alert")
	}
	data, err := os.ReadFile(filepath.Join(cfg.DataDir, lockoutFile))
	if err != nil || strings.Contains(string(data), "nobody") {
		t.Errorf("the journal names a made-up name: %v\n%s", err, data)
	}
}

// A wrong password and a name without an account read the same.
func TestLoginDoesNotSayWhichNamesHaveAccounts(t *testing.T) {
	cfg, _ := clockConfig(t)
	if err := initVault(t, cfg).Close(); err != nil {
		t.Fatal(err)
	}
	_, wrong := Login(cfg, adminName, "not the password")
	_, unknown := Login(cfg, "zed", "not the password")
	if !errors.Is(wrong, ErrBadLogin) || !errors.Is(unknown, ErrBadLogin) {
		t.Fatalf("got %v and %v, want ErrBadLogin", wrong, unknown)
	}
	if strings.Replace(wrong.Error(), adminName, "zed", 1) != unknown.Error() {
		t.Errorf("%q and %q tell the cases apart", wrong, unknown)
	}
}

// Failures for a name before its account exists are not charged to the
// account made later.
func TestNewAccountStartsWithoutEarlierFailures(t *testing.T) {
	cfg, clk := clockConfig(t)
	admin := initVault(t, cfg)
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if _, err := Login(cfg, "bob", "guess"); !errors.Is(err, ErrBadLogin) {
			t.Fatal(err)
		}
	}
	clk.Advance(time.Hour)
	admin = login(t, cfg)
	if err := admin.AddUser("bob", auth.RoleBookkeeper, bobPassword); err != nil {
		t.Fatal(err)
	}
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}
	bob, err := Login(cfg, "bob", bobPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Close()
	if n := bob.FailedLogins().Count; n != 0 {
		t.Errorf("the new account was charged %d earlier failures", n)
	}
}

// Garbage in the journal fails closed: everyone waits as after repeated
// failures, and the next good login raises an alert.
func TestDamagedJournalFailsClosed(t *testing.T) {
	cfg, clk := clockConfig(t)
	if err := initVault(t, cfg).Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg.DataDir, lockoutFile), []byte("{garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	wantLocked(t, "the right password after the journal was damaged", loginErr(cfg, adminName, adminPassword))
	wantLocked(t, "a made-up name after the journal was damaged", loginErr(cfg, "nobody", "x"))
	clk.Advance(31 * time.Second)
	s := login(t, cfg)
	defer s.Close()
	if !hasAlertKind(t, s, AlertLockoutJournal, "damaged or overwritten") {
		t.Error("no alert for the damaged journal")
	}
}

// A journal edited to forget what the last good login recorded (another
// account's back-off) is alerted by the next good login.
func TestEditedJournalIsAlerted(t *testing.T) {
	cfg, clk := clockConfig(t)
	admin := initVault(t, cfg)
	if err := admin.AddUser("bob", auth.RoleBookkeeper, bobPassword); err != nil {
		t.Fatal(err)
	}
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := Login(cfg, "bob", "guess"); !errors.Is(err, ErrBadLogin) {
			t.Fatal(err)
		}
	}
	clk.Advance(time.Second)
	s := login(t, cfg) // anchors a journal in which bob is held back
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wantLocked(t, "bob after five guesses and the administrator's login", loginErr(cfg, "bob", bobPassword))
	path := filepath.Join(cfg.DataDir, lockoutFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	j, ok := parseJournal(data)
	if !ok {
		t.Fatalf("the journal does not parse:\n%s", data)
	}
	j.Base.Users["bob"] = auth.Lockout{}
	if err := writeJournal(cfg.DataDir, j); err != nil {
		t.Fatal(err)
	}
	s = login(t, cfg)
	if !hasAlertKind(t, s, AlertLockoutJournal, "edited outside SafeInvoice") {
		t.Error("no alert for the edited journal")
	}
	// Removing it is reported the same way, at the next login.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	s = login(t, cfg)
	defer s.Close()
	if !hasAlertKind(t, s, AlertLockoutJournal, "was removed since the last login") {
		t.Error("no alert for the removed journal")
	}
}

// The policy's threshold comes back with the next good login after the
// journal lost it.
func TestThresholdSurvivesARemovedJournal(t *testing.T) {
	cfg, _ := clockConfig(t)
	s := initVault(t, cfg)
	if err := s.SetPolicy("lockout_threshold", "3"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(cfg.DataDir, lockoutFile)); err != nil {
		t.Fatal(err)
	}
	if err := login(t, cfg).Close(); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := Login(cfg, adminName, "guess"); !errors.Is(err, ErrBadLogin) {
			t.Fatal(err)
		}
	}
	wantLocked(t, "after 3 failures with threshold 3", loginErr(cfg, adminName, adminPassword))
}
