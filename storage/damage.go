package storage

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
)

// ErrDamaged means a record of the vault failed its integrity check, or
// the database could not be read: the books in this data directory were
// changed outside SafeInvoice or damaged on disk. The error is a
// *DamagedError naming the record when one can be named. Restore the
// vault from a backup.
var ErrDamaged = errors.New("the books in this data directory are damaged")

// DamagedError names a damaged record.
type DamagedError struct {
	// Record is the record's key ("invoice/3fa2…", "count/client"), or a
	// description when no key can be named ("the database files").
	Record string
	// Problem says what is wrong, in plain words.
	Problem string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("record %s is damaged (%s): restore the books from a backup", e.Record, e.Problem)
}

// Unwrap makes errors.Is(err, ErrDamaged) true.
func (e *DamagedError) Unwrap() error { return ErrDamaged }

func recordDamaged(key, problem string) error { return &DamagedError{Record: key, Problem: problem} }

// readError wraps an error of the database: a checksum that does not match
// is damage, named as such.
func readError(key string, err error) error {
	if isChecksumError(err) {
		return fmt.Errorf("read %s: %w", kindOf(key), recordDamaged(kindOf(key), "the database file holding it fails its checksum"))
	}
	return fmt.Errorf("read %s: %w", kindOf(key), err)
}

// isChecksumError reports whether err is Badger's report of a data file
// that fails its checksum.
func isChecksumError(err error) bool {
	return err != nil && strings.Contains(err.Error(), "checksum")
}

// verifyFiles reads every block of every table of the database and checks
// its checksum, before anything is read from them. Badger checks a
// block's checksum when it reads it, but a lookup that meets a damaged
// block reports the key as missing rather than the damage, and a damaged
// block trailer makes it panic; here both become ErrDamaged. (Badger
// v4.9.6's own check at table open crashes the process on a mismatch, so
// it is off; see badgerOptions.)
func (v *Vault) verifyFiles() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = recordDamaged("the database files", fmt.Sprintf("a table cannot be read: %v", r))
		}
	}()
	if err := v.db.VerifyChecksum(); err != nil {
		return recordDamaged("the database files", err.Error())
	}
	return nil
}

// startFileCheck verifies the files now, unless Options.BackgroundFileCheck
// leaves it to the first FileCheck.
func (v *Vault) startFileCheck() error {
	v.fileCheck = true
	if v.opts.BackgroundFileCheck {
		return nil
	}
	return v.FileCheck()
}

// FileCheck verifies the tables' checksums the first time it is called
// after the vault was opened (a lookup that finds nothing calls it, so do
// the app's background checks) and returns what that found: nil, or an
// error wrapping ErrDamaged. Later calls return the same at once.
func (v *Vault) FileCheck() error {
	v.fileMu.Lock()
	defer v.fileMu.Unlock()
	if v.fileCheck && !v.fileChecked {
		v.fileChecked = true
		if v.checkOpen() == nil {
			v.filesErr = v.verifyFiles()
		}
	}
	return v.filesErr
}

// recoverDamage turns a panic of Badger's table code, which it raises on
// some damaged blocks instead of returning an error, into ErrDamaged. Any
// other panic goes on.
func recoverDamage(err *error) {
	r := recover()
	if r == nil {
		return
	}
	if strings.Contains(string(debug.Stack()), "dgraph-io/badger/v4/table.") {
		*err = recordDamaged("the database files", fmt.Sprintf("a table cannot be read: %v", r))
		return
	}
	panic(r)
}
