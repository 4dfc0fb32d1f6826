//go:build !windows

package fsutil

import (
	"fmt"
	"os"
)

// replaceFile renames tmp over path, atomically: rename(2) replaces the
// name even while other programs hold the old file open.
func replaceFile(tmp, path string) error { return os.Rename(tmp, path) }

// renameFolder is rename(2), for a newpath that does not exist.
func renameFolder(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

// publishNew makes tmp visible as path only if path does not exist: a hard
// link fails if the target exists, so the check and the publication are one
// atomic step; the temporary name is then removed.
func publishNew(tmp, path string) error {
	if err := os.Link(tmp, path); err != nil {
		return err
	}
	if err := os.Remove(tmp); err != nil {
		return fmt.Errorf("remove %s: %w", tmp, err)
	}
	return nil
}
