//go:build !windows

package fsutil

// canSyncFolders is true where a folder can be opened and fsynced, so that
// the names a rename created or removed reach the disk.
const canSyncFolders = true
