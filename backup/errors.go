package backup

import (
	"errors"
	"fmt"
)

// Sentinel errors, checked with errors.Is. The errors returned by this
// package wrap one of them and say which file or folder is at fault.
var (
	// ErrCorrupt means a backup file is damaged: it does not decrypt to
	// the end, is truncated or has bytes appended, or its contents do not
	// match its manifest.
	ErrCorrupt = errors.New("the backup is damaged")
	// ErrWrongKey means a backup is not encrypted to the recovery key given.
	ErrWrongKey = errors.New("the backup is not encrypted to this recovery key")
	// ErrForeign means a file does not belong where it is found: a manifest
	// of another backup, a backup of another vault, or a manifest not made
	// by a holder of the recovery key.
	ErrForeign = errors.New("the file belongs to another backup")
	// ErrExtraRecipient means the key given is one of a backup's extra
	// recipients (an accountant's), not its recovery key: it reads the
	// books' data but none of SafeInvoice's keys, so it cannot restore.
	ErrExtraRecipient = errors.New("this key is one of the backup's extra recipients, not its recovery key: it reads the books' data (age -d, then badger restore) but not SafeInvoice's keys, so it cannot restore the books into SafeInvoice; use the recovery key, or have the books' data written as a plain folder (restore --plain DIR)")
	// ErrChainGap means an incremental backup cannot be restored because a
	// backup it builds on is missing, damaged or does not end where it
	// begins.
	ErrChainGap = errors.New("the chain of incremental backups has a gap")
	// ErrBadRecipient means a recipient is not an age X25519 public key.
	ErrBadRecipient = errors.New("not an age X25519 public key (age1…)")
	// ErrNoBackup means no backup was found where one was expected.
	ErrNoBackup = errors.New("no backup found")
	// ErrFolderMissing means the backup folder does not exist or vanished
	// (an unplugged drive, an unmounted share).
	ErrFolderMissing = errors.New("the backup folder is not available")
	// ErrFolderFull means the backup folder's disk is full.
	ErrFolderFull = errors.New("the backup folder is full")
)

// fileError names a file and wraps a sentinel and its cause, so that both
// errors.Is(err, ErrCorrupt) and errors.Is(err, io.ErrUnexpectedEOF) hold.
type fileError struct {
	name     string
	sentinel error
	detail   string
	cause    error
}

func (e *fileError) Error() string {
	msg := e.name + ": " + e.sentinel.Error()
	if e.detail != "" {
		msg += " (" + e.detail + ")"
	}
	if e.cause != nil {
		msg += ": " + e.cause.Error()
	}
	return msg
}

func (e *fileError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.sentinel}
	}
	return []error{e.sentinel, e.cause}
}

func errorf(name string, sentinel error, cause error, detail string, args ...any) error {
	return &fileError{name: name, sentinel: sentinel, detail: fmt.Sprintf(detail, args...), cause: cause}
}
