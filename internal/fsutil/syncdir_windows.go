package fsutil

// canSyncFolders is false on Windows: a folder cannot be flushed there
// (FlushFileBuffers on a folder handle is refused, "Access denied"). The
// durability of WriteFile does not depend on it: the file's data is
// flushed (File.Sync, FlushFileBuffers) before the rename that publishes
// it, and NTFS journals the rename itself, so after a crash the name holds
// either the old file or the complete new one, never a part. What a crash
// right after the rename can lose is the rename, as on Linux before the
// folder's sync: the old file is then still there, whole.
const canSyncFolders = false
