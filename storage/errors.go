package storage

import (
	"errors"
	"fmt"
)

// Sentinel errors, checked with errors.Is.
var (
	// ErrWrongPassword means the password does not open the user's key slot.
	ErrWrongPassword = errors.New("wrong password")
	// ErrNoSlot means the user has no key slot in this vault.
	ErrNoSlot = errors.New("no such user in this vault")
	// ErrSuspended means the user's key slot opened but holds no key: the
	// account was disabled (Vault.SuspendSlot).
	ErrSuspended = errors.New("this account's key was withdrawn")
	// ErrSlotDamaged means a key slot file exists but cannot be read.
	ErrSlotDamaged = errors.New("key slot file is damaged")
	// ErrAlreadyOpen means another process has the data directory open.
	ErrAlreadyOpen = errors.New("the data directory is already open by another SafeInvoice")
	// ErrNoVault means the data directory holds no vault.
	ErrNoVault = errors.New("no vault in this data directory")
	// ErrVaultExists means Create found a vault where it should make one.
	ErrVaultExists = errors.New("a vault already exists in this data directory")
	// ErrIncomplete means the directory holds a vault whose creation was
	// interrupted before it finished.
	ErrIncomplete = errors.New("the vault in this data directory was never completely created")
	// ErrWrongKey means the master key does not open this vault.
	ErrWrongKey = errors.New("the key does not open this vault")
	// ErrNotFound means the record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrUnaudited means a transaction changed data without an audit entry.
	ErrUnaudited = errors.New("a change without an audit entry was refused")
	// ErrAuditBroken means the audit chain failed verification; the error is
	// an *AuditError naming the entry.
	ErrAuditBroken = errors.New("the audit chain is broken")
	// ErrClosed means the vault was closed.
	ErrClosed = errors.New("the vault is closed")
	// ErrTooBig means one transaction wrote more than the database takes at
	// once (about 1 MB); split the work into smaller transactions.
	ErrTooBig = errors.New("the change is too big for one transaction")
)

// AuditError names the first audit entry that failed verification.
type AuditError struct {
	// Seq is the sequence number of the entry at fault.
	Seq uint64
	// Problem says what is wrong, in plain words.
	Problem string
}

func (e *AuditError) Error() string {
	return fmt.Sprintf("audit entry %d: %s", e.Seq, e.Problem)
}

// Unwrap makes errors.Is(err, ErrAuditBroken) true.
func (e *AuditError) Unwrap() error { return ErrAuditBroken }
