package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// RemoveAll removes path and everything below it, as os.RemoveAll does. If
// that fails, it removes what is left one name at a time, deepest first:
// Wine (which runs the Windows build on Linux and macOS) does not implement
// the call os.RemoveAll uses on Windows 10 and newer, while it does
// implement the one os.Remove uses. A path that does not exist is not an
// error.
func RemoveAll(path string) error {
	first := os.RemoveAll(path)
	if first == nil {
		return nil
	}
	var names []string
	err := filepath.WalkDir(path, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		names = append(names, p)
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", path, first)
	}
	for i := len(names) - 1; i >= 0; i-- {
		if err := os.Remove(names[i]); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", path, err)
		}
	}
	return nil
}
