package storage

import (
	"testing"

	"safeinvoice/internal/testkit"
)

const (
	testUser     = "alice"
	testPassword = "correct horse battery staple"
)

// testOptions are cheap KDF settings and a fixed clock, for tests only.
// They stay here, not in testkit, which cannot import storage (see its
// package documentation).
func testOptions() Options {
	return Options{WorkFactor: testkit.CheapWorkFactor, Now: testkit.FixedTime, GCInterval: -1}
}

// newVault creates a vault in a fresh temporary directory.
func newVault(t *testing.T) (*Vault, string) {
	t.Helper()
	dir := t.TempDir()
	v, err := Create(dir, testUser, testPassword, nil, testOptions())
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	t.Cleanup(func() { _ = v.Close() })
	return v, dir
}

// reopen closes v and unlocks the vault in dir again.
func reopen(t *testing.T, v *Vault, dir string) *Vault {
	t.Helper()
	if err := v.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	v2, err := Unlock(dir, testUser, testPassword, testOptions())
	if err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	t.Cleanup(func() { _ = v2.Close() })
	return v2
}

// mustUpdate runs an audited update and fails the test on error.
func mustUpdate(t *testing.T, v *Vault, fn func(tx *Tx) error) {
	t.Helper()
	if err := v.Update(testUser, fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// masterKey returns a copy of the open vault's master key, for tests that
// tamper with the database directly.
func masterKey(v *Vault) []byte { return append([]byte(nil), v.key...) }
