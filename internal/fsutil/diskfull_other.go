//go:build !windows

package fsutil

import (
	"errors"
	"syscall"
)

// isDiskFull reports whether err is the system saying the disk is full.
func isDiskFull(err error) bool { return errors.Is(err, syscall.ENOSPC) }
