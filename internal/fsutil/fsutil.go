// Package fsutil writes files the way a careful program must: never in place,
// always through a temporary file in the same folder that is written, synced,
// closed and renamed over the target, after which the folder itself is synced.
// A crash at any moment leaves either the old file or the new one, never a mix.
package fsutil

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// TempPrefix starts the name of every temporary file this package creates.
// Listings of a folder (backups, exports) skip names with this prefix, so a
// file left behind by a crash is never taken for a finished one.
const TempPrefix = ".safeinvoice-tmp-"

// ErrExists is returned by WriteFile when noReplace is set and the target
// already exists.
var ErrExists = errors.New("file already exists")

// ErrInUse is returned by WriteFile, Rename and RenameFolder when the file
// to replace (or one in the folder to move) stays open in another program
// that forbids it (Windows: a PDF viewer holding the file).
var ErrInUse = errors.New("file is in use")

// ErrReadOnly is returned on Windows by WriteFile and Rename when the file
// to replace has the read-only attribute, which Windows lets nobody
// replace until it is cleared.
var ErrReadOnly = errors.New("file is read-only")

// WriteFile atomically creates or replaces path with the bytes produced by
// write, with the given permission bits. The data becomes visible under path
// only after write returned nil and the data reached the disk. With noReplace,
// an existing path is never overwritten and ErrExists is returned instead.
func WriteFile(path string, perm fs.FileMode, noReplace bool, write func(w io.Writer) error) error {
	if err := WriteFileDeferDirSync(path, perm, noReplace, write); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(path))
}

// WriteFileDeferDirSync is WriteFile without its last step, the sync of
// the folder: the file is complete or absent at any moment, as with
// WriteFile, but its name may be lost in a crash until the caller syncs
// the folder (SyncDir). It is for writers of many files into one folder,
// which sync it once when they are done instead of once per file.
func WriteFileDeferDirSync(path string, perm fs.FileMode, noReplace bool, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, TempPrefix+"*")
	if err != nil {
		return fmt.Errorf("create temporary file in %s: %w", dir, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("set permissions of %s: %w", tmp, err)
	}
	if err = restrictToOwner(f, perm); err != nil {
		return err
	}
	if err = write(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", tmp, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if noReplace {
		if err = publishNew(tmp, path); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s: %w", path, ErrExists)
			}
			return fmt.Errorf("publish %s: %w", path, err)
		}
	} else if err = replaceFile(tmp, path); err != nil {
		return fmt.Errorf("rename %s to %s: %w", tmp, path, err)
	}
	return nil
}

// Rename moves the file oldpath to newpath, replacing a file already at
// newpath in one step: a reader finds the old file or the new one there,
// never neither. Both names must be on one volume; oldpath must be a file
// (folders: RenameFolder). On Unix it is os.Rename. On Windows it is
// MoveFileEx with MOVEFILE_REPLACE_EXISTING and MOVEFILE_WRITE_THROUGH, so
// the rename has reached the disk when Rename returns; a target that
// another program holds open is tried again for about two seconds, then
// the error wraps ErrInUse, and a read-only target is refused at once with
// ErrReadOnly. Rename does not sync the folder: call SyncDir after it
// where the new name must survive a crash.
func Rename(oldpath, newpath string) error {
	return replaceFile(oldpath, newpath)
}

// RenameFolder moves the folder oldpath to newpath, which must not exist:
// Windows cannot put a folder in the place of another, and on Unix
// rename(2) would put it in the place of an empty one, so callers move an
// existing folder aside first. On Windows it is MoveFileEx with
// MOVEFILE_WRITE_THROUGH and without MOVEFILE_REPLACE_EXISTING (an
// existing newpath is fs.ErrExist), tried again for about two seconds
// while another program holds a file in the folder open, then the error
// wraps ErrInUse. It does not sync the parent folder (SyncDir).
func RenameFolder(oldpath, newpath string) error {
	return renameFolder(oldpath, newpath)
}

// WriteBytes is WriteFile for data already in memory.
func WriteBytes(path string, data []byte, perm fs.FileMode, noReplace bool) error {
	return WriteFile(path, perm, noReplace, func(w io.Writer) error {
		if _, err := w.Write(data); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	})
}

// SyncDir flushes a folder's entries (new, renamed or removed names) to disk.
// Platforms that cannot sync a folder are not an error; on Windows it does
// nothing (see syncFolder there).
func SyncDir(dir string) error {
	if !canSyncFolders {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open folder %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil && cerr != nil {
		return fmt.Errorf("close folder %s: %w", dir, cerr)
	}
	if err != nil && !errors.Is(err, os.ErrInvalid) && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

// IsTemp reports whether a file name is one of this package's temporary files.
func IsTemp(name string) bool {
	return strings.HasPrefix(filepath.Base(name), TempPrefix)
}
