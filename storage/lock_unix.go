//go:build unix

package storage

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes an advisory flock on f, waiting for it or, without wait,
// failing with errLocked while another holds it.
func lockFile(f *os.File, wait bool) error {
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	err := syscall.Flock(int(f.Fd()), how)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}
