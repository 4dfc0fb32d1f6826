//go:build linux || darwin

package fsutil

import (
	"errors"
	"io/fs"
	"path/filepath"
	"syscall"
)

// FreeSpace returns the bytes available to an unprivileged writer on the
// disk holding dir, or its nearest existing parent.
func FreeSpace(dir string) (uint64, error) {
	for {
		var st syscall.Statfs_t
		err := syscall.Statfs(dir, &st)
		if err == nil {
			return st.Bavail * uint64(st.Bsize), nil
		}
		parent := filepath.Dir(dir)
		if !errors.Is(err, fs.ErrNotExist) || parent == dir {
			return 0, err
		}
		dir = parent
	}
}
