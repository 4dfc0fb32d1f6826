package fsutil

import (
	"errors"
	"fmt"
)

// ErrDiskFull means a folder's disk has too little free space for what is
// about to be written there. Errors wrapping it name the folder and say how
// much is free and needed.
var ErrDiskFull = errors.New("not enough free disk space")

// NeedSpace returns an error wrapping ErrDiskFull when the disk holding dir
// (or its nearest existing parent) has less than need bytes free for an
// unprivileged writer. Where the free space cannot be known, it returns
// nil: the write itself then reports a full disk.
func NeedSpace(dir string, need uint64, what string) error {
	free, err := FreeSpace(dir)
	if err != nil {
		return nil
	}
	if free < need {
		return fmt.Errorf("%s in %s needs about %s of free disk space and %s is left: free some space, or choose another folder: %w",
			what, dir, mb(need), mb(free), ErrDiskFull)
	}
	return nil
}

// DiskFull maps err, a write in dir that failed for want of space
// (ENOSPC; ERROR_DISK_FULL on Windows), to an error wrapping ErrDiskFull that names dir; any other err
// is returned as it is.
func DiskFull(dir string, err error) error {
	if err != nil && isDiskFull(err) && !errors.Is(err, ErrDiskFull) {
		return fmt.Errorf("the disk of %s is full: free some space, or choose another folder: %w (%v)", dir, ErrDiskFull, err)
	}
	return err
}

func mb(n uint64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%d MB", (n+(1<<20)-1)>>20)
}
