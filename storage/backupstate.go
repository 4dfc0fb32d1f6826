package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

const keyBackupState = "backup/state"

// BackupState is the vault's record of its backups: where the current
// chain of incremental backups ends, so that the next backup continues it,
// and how the last attempts went. It holds no secrets.
type BackupState struct {
	// Dir is the folder the chain is in.
	Dir string `json:"dir,omitempty"`
	// Last is the file name of the chain's newest backup, LastUntil the
	// vault version it ends at and LastSHA256 its stream hash; empty when
	// the next backup must be a full one.
	Last       string `json:"last,omitempty"`
	LastUntil  uint64 `json:"last_until,omitempty"`
	LastSHA256 string `json:"last_sha256,omitempty"`
	// ChainLength counts the incremental backups since the chain's full one.
	ChainLength int `json:"chain_length,omitempty"`
	// LastSuccess is the time of the last good backup.
	LastSuccess time.Time `json:"last_success,omitzero"`
	// LastFailure and LastError describe the last failed attempt, if it
	// came after the last success.
	LastFailure time.Time `json:"last_failure,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	// LastVerified is the time of the last verification of the backup
	// folder that found no problem.
	LastVerified time.Time `json:"last_verified,omitzero"`
	// FullSize and FullRecords are the stream size and record count of
	// the newest full backup: the estimate of the next one's size.
	FullSize    int64 `json:"full_size,omitempty"`
	FullRecords int   `json:"full_records,omitempty"`
	// Checked holds the outcome of the last verification of each backup
	// file of the folder, by file name.
	Checked map[string]BackupCheck `json:"checked,omitempty"`
}

// BackupCheck is the outcome of verifying one backup file.
type BackupCheck struct {
	At time.Time `json:"at"`
	// Problem is what was wrong, "" for a good backup.
	Problem string `json:"problem,omitempty"`
}

// BackupState returns the vault's backup state; the zero value before the
// first backup.
func (tx *Tx) BackupState() (BackupState, error) {
	raw, err := tx.getOptional(keyBackupState)
	if errors.Is(err, ErrNotFound) {
		return BackupState{}, nil
	}
	if err != nil {
		return BackupState{}, err
	}
	var s BackupState
	if err := json.Unmarshal(raw, &s); err != nil {
		return BackupState{}, fmt.Errorf("decode backup: %w", err)
	}
	return s, nil
}

// PutBackupState replaces the vault's backup state.
func (tx *Tx) PutBackupState(s BackupState) error { return putJSON(tx, keyBackupState, s) }

// LockDataDir takes the lock a running SafeInvoice holds on the data
// directory dir, so that nothing opens it while a restore moves it aside.
// It fails with ErrAlreadyOpen when the vault is open. The caller must call
// release, which works even after dir was renamed.
func LockDataDir(dir string) (release func() error, err error) {
	l, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	return l.unlock, nil
}
