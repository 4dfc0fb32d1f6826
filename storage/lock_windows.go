package storage

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockFile locks the whole of f (LockFileEx), waiting for it or, without
// wait, failing with errLocked while another handle holds it. Windows
// releases the lock when the handle is closed or the process ends.
func lockFile(f *os.File, wait bool) error {
	flags := uint32(windows.LOCKFILE_EXCLUSIVE_LOCK)
	if !wait {
		flags |= windows.LOCKFILE_FAIL_IMMEDIATELY
	}
	const whole = ^uint32(0) // the range locked: all of the file, whatever its length
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, whole, whole, new(windows.Overlapped))
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return errLocked
	}
	return err
}
