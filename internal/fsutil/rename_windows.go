package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// replaceTries and replaceWait bound how long replaceFile waits for a file
// that another program holds open: an antivirus scan, the search indexer or
// a backup agent lets go within moments; a PDF viewer keeps the file open
// until it is closed, and then the user is told so (ErrInUse).
const (
	replaceTries = 20
	replaceWait  = 100 * time.Millisecond
)

// replaceFile renames tmp over path. Windows refuses to replace a file that
// another handle holds open without FILE_SHARE_DELETE (Access denied, or a
// sharing violation); the rename is tried again for about two seconds
// before the error, which then wraps ErrInUse. MOVEFILE_WRITE_THROUGH makes
// the rename itself reach the disk before the call returns, which is what
// syncing the folder does elsewhere.
func replaceFile(tmp, path string) error {
	var err error
	for i := 0; i < replaceTries; i++ {
		err = moveFile(tmp, path, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH)
		if !inUse(err) {
			break
		}
		time.Sleep(replaceWait)
	}
	switch {
	case err == nil:
		return nil
	case inUse(err):
		return fmt.Errorf("%s is open in another program: close it there and try again: %w (%v)", path, ErrInUse, err)
	}
	return err
}

// publishNew makes tmp visible as path only if path does not exist, by a
// hard link as on Unix (linkNew). FAT and exFAT, the file systems of many
// USB drives, have no hard links: there tmp is moved without
// MOVEFILE_REPLACE_EXISTING, which Windows also refuses when the target
// exists.
func publishNew(tmp, path string) error {
	err := linkNew(tmp, path)
	if err == nil {
		return nil
	}
	if !errors.Is(err, windows.ERROR_INVALID_FUNCTION) && !errors.Is(err, windows.ERROR_NOT_SUPPORTED) {
		return err // fs.ErrExist among them
	}
	return moveNew(tmp, path)
}

// moveNew renames tmp to path unless path exists (fs.ErrExist then).
func moveNew(tmp, path string) error {
	err := moveFile(tmp, path, windows.MOVEFILE_WRITE_THROUGH)
	if errors.Is(err, windows.ERROR_ALREADY_EXISTS) || errors.Is(err, windows.ERROR_FILE_EXISTS) {
		return fmt.Errorf("%w: %v", fs.ErrExist, err)
	}
	return err
}

func moveFile(from, to string, flags uint32) error {
	f, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	t, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	if err := windows.MoveFileEx(f, t, flags); err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	return nil
}

// inUse reports whether err is Windows refusing a rename because the
// target is open.
func inUse(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)
}
