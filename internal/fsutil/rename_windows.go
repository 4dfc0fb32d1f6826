package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// replaceTries and replaceWait bound how long a rename waits for a file
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
// before the error, which then wraps ErrInUse. Access denied is also what
// a read-only target gets, for good: that is ErrReadOnly, at once.
// MOVEFILE_WRITE_THROUGH makes the rename itself reach the disk before the
// call returns, which is what syncing the folder does elsewhere.
func replaceFile(tmp, path string) error {
	err := moveRetrying(tmp, path, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH, true)
	switch {
	case err == nil:
		return nil
	case readOnlyTarget(err, path):
		return fmt.Errorf("%s is read-only: clear Read-only in its Properties and try again: %w (%v)", path, ErrReadOnly, err)
	case inUse(err):
		return fmt.Errorf("%s is open in another program: close it there and try again: %w (%v)", path, ErrInUse, err)
	}
	return err
}

// renameFolder moves the folder oldpath to newpath, which must not exist
// (MoveFileEx cannot replace a folder). A file in the folder that another
// program holds open makes Windows refuse the move; it is tried again as
// replaceFile does.
func renameFolder(oldpath, newpath string) error {
	err := moveRetrying(oldpath, newpath, windows.MOVEFILE_WRITE_THROUGH, false)
	switch {
	case err == nil:
		return nil
	case exists(err):
		return fmt.Errorf("%w: %v", fs.ErrExist, err)
	case inUse(err):
		return fmt.Errorf("%s, or a file in it, is open in another program: close it there and try again: %w (%v)", oldpath, ErrInUse, err)
	}
	return err
}

// publishNew makes tmp visible as path only if path does not exist: a
// move without MOVEFILE_REPLACE_EXISTING, which Windows refuses when the
// target exists, so the check and the publication are one atomic step, as
// the hard link is on Unix. Unlike a hard link, the move is written
// through (MOVEFILE_WRITE_THROUGH), and it works on FAT and exFAT too.
func publishNew(tmp, path string) error {
	err := moveRetrying(tmp, path, windows.MOVEFILE_WRITE_THROUGH, false)
	switch {
	case err == nil:
		return nil
	case exists(err):
		return fmt.Errorf("%w: %v", fs.ErrExist, err)
	case inUse(err):
		return fmt.Errorf("the new %s stayed open in another program (a virus scanner, an indexer): try again: %w (%v)", path, ErrInUse, err)
	}
	return err
}

// moveRetrying is moveFile, tried again for about two seconds while
// Windows says the file is in use. With replacing set, Access denied on a
// target that has the read-only attribute ends the tries at once
// (readOnlyTarget).
func moveRetrying(from, to string, flags uint32, replacing bool) error {
	var err error
	for i := 0; i < replaceTries; i++ {
		err = moveFile(from, to, flags)
		if !inUse(err) || replacing && readOnlyTarget(err, to) {
			return err
		}
		if i < replaceTries-1 {
			time.Sleep(replaceWait)
		}
	}
	return err
}

// readOnlyTarget reports whether err is Windows refusing to replace path
// because path has the read-only attribute: Access denied, as for a file
// held open, but for good.
func readOnlyTarget(err error, path string) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) && isReadOnly(path)
}

// isReadOnly reports whether path is a file with the read-only attribute.
func isReadOnly(path string) bool {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return false
	}
	attrs, err := windows.GetFileAttributes(p)
	if err != nil {
		return false
	}
	return attrs&windows.FILE_ATTRIBUTE_READONLY != 0 && attrs&windows.FILE_ATTRIBUTE_DIRECTORY == 0
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
// target (or a file in a folder being moved) is open.
func inUse(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)
}

// exists reports whether err is Windows refusing a move because the target
// exists.
func exists(err error) bool {
	return errors.Is(err, windows.ERROR_ALREADY_EXISTS) || errors.Is(err, windows.ERROR_FILE_EXISTS)
}
