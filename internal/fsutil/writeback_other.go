//go:build !linux

package fsutil

import "os"

// StartWriteback does nothing here: only Linux can start a file's
// writeback without waiting for it. Sync still writes the whole file.
func StartWriteback(f *os.File, off, n int64) {}
