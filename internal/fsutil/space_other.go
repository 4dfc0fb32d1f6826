//go:build !linux && !darwin && !windows

package fsutil

import "errors"

// errSpaceUnknown is what FreeSpace returns where the system cannot say.
var errSpaceUnknown = errors.New("free disk space unknown on this system")

// FreeSpace is not known here: NeedSpace lets the write tell.
func FreeSpace(dir string) (uint64, error) { return 0, errSpaceUnknown }
