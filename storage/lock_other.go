//go:build !unix && !windows

package storage

// dirLock is a no-op where flock is missing; Badger's own directory lock
// still refuses a second process, and openDB maps its error to ErrAlreadyOpen.
type dirLock struct{}

func lockDir(dir string) (*dirLock, error) { return &dirLock{}, nil }

func (l *dirLock) unlock() error { return nil }

// LockFile is a no-op where flock is missing.
func LockFile(dir, name string) (release func() error, err error) {
	return func() error { return nil }, nil
}
