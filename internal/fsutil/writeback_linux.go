package fsutil

import (
	"os"

	"golang.org/x/sys/unix"
)

// StartWriteback asks the kernel to start writing the n bytes of f at off
// to the disk, without waiting for it, so that a large file's final Sync
// has little left to wait for. It is a hint: a refusal is not an error, as
// Sync reports whatever really fails.
func StartWriteback(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return // a file without a descriptor: Sync will tell
	}
	_ = rc.Control(func(fd uintptr) {
		_ = unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE) // a hint, see above
	})
}
