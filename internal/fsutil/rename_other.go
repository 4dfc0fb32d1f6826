//go:build !windows

package fsutil

import "os"

// replaceFile renames tmp over path, atomically: rename(2) replaces the
// name even while other programs hold the old file open.
func replaceFile(tmp, path string) error { return os.Rename(tmp, path) }

// publishNew makes tmp visible as path only if path does not exist
// (linkNew).
func publishNew(tmp, path string) error { return linkNew(tmp, path) }
