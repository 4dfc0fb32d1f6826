package app

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safeinvoice/auth"
	"safeinvoice/internal/testkit"
	"safeinvoice/storage"
)

// clockConfig is testConfig with a clock that tests move forward.
func clockConfig(t *testing.T) (Config, *testkit.Clock) {
	c := testkit.NewClock()
	cfg := testConfig(t)
	cfg.Now = c.Now
	return cfg, c
}

const bobPassword = "Quiet-Harbour-Violin-17"

func TestNewUserMustChangePasswordAndReuseIsRefused(t *testing.T) {
	cfg := testConfig(t)
	admin := initVault(t, cfg)
	if err := admin.AddUser("bob", auth.RoleBookkeeper, "bob"); !errors.Is(err, auth.ErrPasswordPolicy) {
		t.Fatalf("weak first password: %v", err)
	}
	if err := admin.AddUser("bob", auth.RoleBookkeeper, bobPassword); err != nil {
		t.Fatal(err)
	}
	if err := admin.AddUser("bob", auth.RoleClerk, bobPassword+"x"); !errors.Is(err, ErrUserExists) {
		t.Errorf("duplicate: %v", err)
	}
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}
	bob, err := Login(cfg, "bob", bobPassword)
	if err != nil {
		t.Fatal(err)
	}
	if must, why := bob.NeedsPasswordChange(); !must || why == "" {
		t.Fatalf("a new account must change its password first: %v %q", must, why)
	}
	if err := bob.ChangePassword("wrong", "Another-Long-Phrase-99"); !errors.Is(err, storage.ErrWrongPassword) {
		t.Errorf("wrong current password: %v", err)
	}
	var pe *auth.PolicyError
	if err := bob.ChangePassword(bobPassword, bobPassword); !errors.As(err, &pe) {
		t.Errorf("same password again: %v", err)
	}
	if err := bob.ChangePassword(bobPassword, "Another-Long-Phrase-99"); err != nil {
		t.Fatal(err)
	}
	if must, _ := bob.NeedsPasswordChange(); must {
		t.Error("still must change after changing")
	}
	if err := bob.ChangePassword("Another-Long-Phrase-99", bobPassword); !errors.As(err, &pe) || pe.Rule != auth.RuleReused {
		t.Errorf("reused password: %v", err)
	}
	if err := bob.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Login(cfg, "bob", bobPassword); !errors.Is(err, storage.ErrWrongPassword) {
		t.Errorf("old password still opens: %v", err)
	}
	s, err := Login(cfg, "bob", "Another-Long-Phrase-99")
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
}

func TestDisableRemoveResetAndTheLastAdministrator(t *testing.T) {
	cfg := testConfig(t)
	admin := initVault(t, cfg)
	var notified []Alert
	admin.SetOnAlert(func(a Alert) { notified = append(notified, a) })
	if err := admin.SetUserDisabled(adminName, true); !errors.Is(err, ErrSelf) {
		t.Errorf("disable self: %v", err)
	}
	for _, u := range []string{"bob", "carol"} {
		if err := admin.AddUser(u, auth.RoleAdministrator, bobPassword); err != nil {
			t.Fatal(err)
		}
	}
	if err := admin.SetUserDisabled("bob", true); err != nil {
		t.Fatal(err)
	}
	dir := admin.DataDir()
	stash := t.TempDir()
	for _, f := range []string{"carol.slot", "carol.key"} {
		data, err := os.ReadFile(filepath.Join(dir, "keyslots", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(stash, f), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := admin.RemoveUser("carol"); err != nil {
		t.Fatal(err)
	}
	code, err := admin.ResetPassword("bob")
	if err != nil || len(code) != 23 {
		t.Fatalf("reset: %q %v", code, err)
	}
	if _, err := admin.VerifyAudit(); err != nil {
		t.Fatal(err)
	}
	alerts, err := admin.Alerts(true)
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) != 5 || len(notified) != 5 || !strings.Contains(alerts[0].Message, "reset the password of bob") {
		t.Errorf("alerts %d, notified %d: %+v", len(alerts), len(notified), alerts)
	}
	if err := admin.AckAlert(alerts[0].Seq); err != nil {
		t.Fatal(err)
	}
	if left, _ := admin.Alerts(true); len(left) != 4 {
		t.Errorf("after ack: %d unseen", len(left))
	}
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Login(cfg, "bob", code); !errors.Is(err, ErrDisabled) {
		t.Errorf("disabled user: %v", err)
	}
	// Carol's old files, put back, open nothing.
	for _, f := range []string{"carol.slot", "carol.key"} {
		data, _ := os.ReadFile(filepath.Join(stash, f))
		if err := os.WriteFile(filepath.Join(dir, "keyslots", f), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Login(cfg, "carol", bobPassword); !errors.Is(err, storage.ErrWrongKey) {
		t.Errorf("removed user's old key files: %v", err)
	}
	for _, f := range []string{"carol.slot", "carol.key"} {
		_ = os.Remove(filepath.Join(dir, "keyslots", f))
	}
	admin, err = Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.SetUserDisabled("bob", false); err != nil {
		t.Fatal(err)
	}
	users, err := admin.Users()
	if err != nil || len(users) != 2 {
		t.Fatalf("users: %v %v", users, err)
	}
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}
	bob, err := Login(cfg, "bob", code)
	if err != nil {
		t.Fatalf("reset code: %v", err)
	}
	if must, _ := bob.NeedsPasswordChange(); !must {
		t.Error("a reset must force a new password")
	}
	// Bob, an administrator, may not leave the vault without one.
	if err := bob.RemoveUser(adminName); err != nil {
		t.Fatal(err)
	}
	if err := bob.SetUserDisabled("nobody", true); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
	_ = bob.Close()
}

func TestLockoutBacksOffPersistsAndIsReported(t *testing.T) {
	cfg, clk := clockConfig(t)
	if err := initVault(t, cfg).Close(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		if _, err := Login(cfg, adminName, "wrong guess"); !errors.Is(err, storage.ErrWrongPassword) {
			t.Fatalf("attempt %d: %v", i, err)
		}
		clk.Advance(time.Second)
	}
	// The sixth attempt, even with the right password, waits: the journal
	// on disk says so (a restart reads it again).
	_, err := Login(cfg, adminName, adminPassword)
	var le *auth.LockedOutError
	if !errors.As(err, &le) || le.Wait <= 0 || le.Wait > 30*time.Second {
		t.Fatalf("during back-off: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(cfg.DataDir, lockoutFile))
	if err != nil || strings.Contains(string(data), "wrong guess") || strings.Contains(string(data), adminPassword) {
		t.Fatalf("journal: %v %s", err, data)
	}
	clk.Advance(30 * time.Second)
	if _, err := Login(cfg, adminName, "wrong again"); !errors.Is(err, storage.ErrWrongPassword) {
		t.Fatal(err)
	}
	// The sixth failure doubles the wait to a minute.
	if _, err := Login(cfg, adminName, adminPassword); !errors.As(err, &le) || le.Wait <= 30*time.Second {
		t.Fatalf("second back-off: %v", err)
	}
	clk.Advance(time.Minute)
	s, err := Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.FailedLogins(); got.Count != 6 || !strings.HasPrefix(got.String(), "6 failed attempts since your last login, last at 2026-11-24 09:00") {
		t.Errorf("notice: %q", got.String())
	}
	alerts, err := s.Alerts(true)
	if err != nil || len(alerts) != 1 || alerts[0].Kind != AlertFailedLogins {
		t.Errorf("alerts: %+v %v", alerts, err)
	}
	// The count starts again after a success.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if s.FailedLogins().Count != 0 {
		t.Errorf("count after a clean login: %d", s.FailedLogins().Count)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestPolicyExpiryAndThreshold(t *testing.T) {
	cfg, clk := clockConfig(t)
	s := initVault(t, cfg)
	if err := s.SetPolicy("max_age_days", "45"); err == nil {
		t.Error("45 days accepted")
	}
	if err := s.SetPolicy("max_age_days", "30"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPolicy("lockout_threshold", "3"); err != nil {
		t.Fatal(err)
	}
	if must, _ := s.NeedsPasswordChange(); must {
		t.Error("fresh password expired")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	clk.Advance(30*24*time.Hour - time.Second)
	s, err := Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if must, _ := s.NeedsPasswordChange(); must {
		t.Error("expired one second early")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	s, err = Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if must, why := s.NeedsPasswordChange(); !must || !strings.Contains(why, "30") {
		t.Errorf("not expired at 30 days: %v %q", must, why)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The threshold of 3 reached the journal, readable while locked.
	for range 3 {
		_, _ = Login(cfg, adminName, "nope")
	}
	if _, err := Login(cfg, adminName, adminPassword); !errors.Is(err, auth.ErrLockedOut) {
		t.Errorf("threshold 3 not applied: %v", err)
	}
}

// Disabling an account withdraws the vault's key from it: its own files,
// or copies of them kept from before, open nothing; enabling grants it
// again.
func TestDisablingWithdrawsTheKey(t *testing.T) {
	cfg := testConfig(t)
	admin := initVault(t, cfg)
	addUser(t, admin, "bob", auth.RoleBookkeeper, bobPassword)
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}
	slots := filepath.Join(cfg.DataDir, "keyslots")
	stash := t.TempDir()
	testkit.CopyTree(t, slots, stash)
	admin = login(t, cfg)
	if err := admin.SetUserDisabled("bob", true); err != nil {
		t.Fatal(err)
	}
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Login(cfg, "bob", bobPassword); !errors.Is(err, ErrDisabled) {
		t.Errorf("disabled bob: %v, want ErrDisabled", err)
	}
	if _, err := os.Stat(filepath.Join(slots, "bob.key")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the disabled account kept its key file: %v", err)
	}
	// Bob's files from before, put back.
	for _, f := range []string{"bob.slot", "bob.key"} {
		data, err := os.ReadFile(filepath.Join(stash, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(slots, f), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := storage.Unlock(cfg.DataDir, "bob", auth.NormalizePassword(bobPassword), cfg.storageOptions()); !errors.Is(err, storage.ErrWrongKey) {
		if err == nil {
			_ = v.Close()
		}
		t.Fatalf("the disabled account's old files: %v, want ErrWrongKey", err)
	}
	if err := os.Remove(filepath.Join(slots, "bob.key")); err != nil {
		t.Fatal(err)
	}
	admin = login(t, cfg)
	if err := admin.SetUserDisabled("bob", false); err != nil {
		t.Fatal(err)
	}
	if err := admin.Close(); err != nil {
		t.Fatal(err)
	}
	bob, err := Login(cfg, "bob", bobPassword)
	if err != nil {
		t.Fatalf("bob enabled again: %v", err)
	}
	_ = bob.Close()
}
