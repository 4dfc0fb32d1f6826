//go:build !windows

package fsutil

import (
	"io/fs"
	"os"
)

// restrictToOwner does nothing beyond File.Chmod here: permission bits are
// the access control.
func restrictToOwner(f *os.File, perm fs.FileMode) error { return nil }
