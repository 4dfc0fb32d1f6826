package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"safeinvoice/email"

	"safeinvoice/storage"
)

// Config says where the data lives and how the vault is tuned. The zero
// value of every field but DataDir is the product's setting.
type Config struct {
	// DataDir is the data directory; see DefaultDataDir.
	DataDir string
	// WorkFactor is the scrypt work factor of key slots; 0 is the product's
	// (storage.ProductWorkFactor). Tests lower it.
	WorkFactor int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logf receives background storage errors; nil drops them.
	Logf func(format string, args ...any)
	// BackgroundFileCheck verifies the database files' checksums after
	// login instead of before (storage.Options.BackgroundFileCheck), so
	// that the window's first screen does not wait for it; damage it
	// finds is alerted. The command line checks before.
	BackgroundFileCheck bool
	// AnchorDir is where the vaults' anchors live (see anchors.go); empty
	// means SafeInvoice/anchors in the user's configuration folder.
	AnchorDir string
	// Mailer makes the sender of the mail settings; nil means SMTP
	// (email.NewSMTP). Tests give an email.Fake.
	Mailer func(email.Settings) (email.Sender, error)
}

// mailer returns the sender of settings.
func (c Config) mailer(s email.Settings) (email.Sender, error) {
	if c.Mailer != nil {
		return c.Mailer(s)
	}
	return email.NewSMTP(s)
}

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// logf reports a problem that does not fail the work in hand to Logf, if
// one is set.
func (c Config) logf(format string, args ...any) {
	if c.Logf != nil {
		c.Logf(format, args...)
	}
}

func (c Config) storageOptions() storage.Options {
	return storage.Options{WorkFactor: c.WorkFactor, Now: c.Now, Logf: c.Logf, BackgroundFileCheck: c.BackgroundFileCheck}
}

// DefaultDataDir is the per-user data directory: $XDG_DATA_HOME/safeinvoice
// (or ~/.local/share/safeinvoice) on Linux and other Unix systems,
// ~/Library/Application Support/SafeInvoice on macOS and
// %LocalAppData%\SafeInvoice on Windows.
func DefaultDataDir() (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "SafeInvoice"), nil
		}
		return "", errors.New("cannot find the data directory: %LocalAppData% is not set")
	case "darwin", "ios":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("cannot find the data directory: %w", err)
		}
		return filepath.Join(home, "Library", "Application Support", "SafeInvoice"), nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "safeinvoice"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the data directory: %w", err)
	}
	return filepath.Join(home, ".local", "share", "safeinvoice"), nil
}

// VaultExists reports whether the configured data directory holds a vault, so
// that a front end can choose between first-run set-up and login.
func (c Config) VaultExists() bool { return storage.Exists(c.DataDir) }
