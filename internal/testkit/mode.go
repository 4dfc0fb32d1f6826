package testkit

import (
	"io/fs"
	"runtime"
)

// OwnerOnly reports whether a file's mode lets only its owner in: mode
// 0600, which SafeInvoice gives every file it writes for the user. Windows
// has no permission bits (an owner-only access list stands in for them,
// checked by internal/fsutil's Windows test), so there it is always true.
func OwnerOnly(st fs.FileInfo) bool {
	return runtime.GOOS == "windows" || st.Mode().Perm() == 0o600
}
