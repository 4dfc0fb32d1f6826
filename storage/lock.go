//go:build unix || windows

package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// errLocked is lockFile's answer when another holds the lock and it was
// told not to wait.
var errLocked = errors.New("locked by another process")

// dirLock is an exclusive lock on a data directory's lock file, held for as
// long as a vault is open, so that a second process gets ErrAlreadyOpen
// before it asks for a password. The system releases it when the file is
// closed or the process ends.
type dirLock struct{ f *os.File }

func lockDir(dir string) (*dirLock, error) {
	p := filepath.Join(dir, "lock")
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := lockFile(f, false); err != nil {
		_ = f.Close()
		if errors.Is(err, errLocked) {
			return nil, fmt.Errorf("%s: %w", dir, ErrAlreadyOpen)
		}
		return nil, fmt.Errorf("lock %s: %w", p, err)
	}
	return &dirLock{f: f}, nil
}

func (l *dirLock) unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the file releases the lock
	l.f = nil
	return err
}

// LockFile takes an exclusive lock on the file name in dir (created if need
// be), waiting for another process to release it, and returns the function
// that releases it. The failed-login journal is read and rewritten under
// such a lock, so that two logins at once do not lose each other's failures.
func LockFile(dir, name string) (release func() error, err error) {
	p := filepath.Join(dir, name)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := lockFile(f, true); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("lock %s: %w", p, err)
	}
	return f.Close, nil
}
