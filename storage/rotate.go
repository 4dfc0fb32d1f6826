package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"safeinvoice/internal/fsutil"
)

// RotateKey replaces the master key, as removing a user requires: a new
// random key is sealed to every user who still has a slot, Badger's key
// registry (the data keys) is re-encrypted with it, and the old key stops
// opening the vault. A removed user's old .slot and .key files, even kept
// elsewhere, therefore open nothing any more.
//
// Limits, by Badger's design: the data keys themselves are not changed and
// the data files are not re-encrypted, so someone who copied both the old
// master key (by reading it out of memory or an old .key file with its
// .slot and password) and the old key registry file could still decrypt
// data files written before the rotation. Data keys created after it (Badger
// makes a new one every ten days) are out of their reach. Backups made before
// the rotation keep the old key in their manifest, as they must to restore.
//
// The rotation is crash-safe: the new key is written to NAME.key.new for
// every user first; the registry rewrite (an atomic rename inside Badger) is
// the commit point, marked by keyslots/rotation-committed; the .key.new files
// then replace the .key files. Unlock finishes or discards an interrupted
// rotation. Writers wait while it runs.
func (v *Vault) RotateKey() error {
	if err := v.checkOpen(); err != nil {
		return err
	}
	// The rotation closes and reopens the database: it must not find the
	// disk too full to reopen once the key registry is rewritten.
	if err := v.NeedSpace(0, "rotating the master key"); err != nil {
		return err
	}
	v.writeMu.Lock()
	defer v.writeMu.Unlock()
	_ = v.FileCheck() // it reads the database that the rotation swaps
	newKey, err := NewMasterKey()
	if err != nil {
		return err
	}
	if err := v.prepareRotation(newKey); err != nil {
		discardRotation(v.dir)
		clear(newKey)
		return err
	}
	if err := v.commitRotation(newKey); err != nil {
		return err
	}
	return settleRotation(v.dir, true)
}

// prepareRotation seals newKey to every user with a slot, as NAME.key.new.
func (v *Vault) prepareRotation(newKey []byte) error {
	users, err := SlotUsers(v.dir)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		return errors.New("rotate key: no user has a key slot; the vault would be locked for good")
	}
	sealed := 0
	for _, u := range users {
		// A password change that stopped before settling left the key of
		// its new identity as .key.next: the master key it holds is about
		// to be replaced, and its identity is the .slot's, which the new
		// key is sealed to below.
		if err := os.Remove(keyPath(v.dir, u) + nextKeyExt); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("rotate key: %w", err)
		}
		if _, err := os.Stat(keyPath(v.dir, u)); errors.Is(err, fs.ErrNotExist) {
			continue // suspended (SuspendSlot): the new key is not theirs
		}
		sealed++
		rcpt, err := slotRecipient(v.dir, v.id, u)
		if err != nil {
			return fmt.Errorf("rotate key: %w", err)
		}
		if err := writeUserKey(keyPath(v.dir, u)+".new", v.id, u, rcpt, newKey, v.opts.now()); err != nil {
			return fmt.Errorf("rotate key: %w", err)
		}
	}
	if sealed == 0 {
		return errors.New("rotate key: no user has a key file; the vault would be locked for good")
	}
	return nil
}

// SuspendSlot deletes user's .key, keeping the .slot (their identity):
// their files then open nothing once RotateKey has run, which the caller
// does next, and GrantKey gives them the current key again. It is how an
// account is disabled. It returns the identity's public key, which the
// caller keeps inside the vault for GrantKey: the .slot file's copy of it
// is not authenticated, and a key must never be granted to a recipient
// planted there.
func (v *Vault) SuspendSlot(user string) (recipient string, err error) {
	if err := checkSlotName(user); err != nil {
		return "", err
	}
	v.writeMu.Lock()
	defer v.writeMu.Unlock()
	if recipient, err = slotRecipient(v.dir, v.id, user); err != nil {
		return "", err
	}
	for _, p := range []string{keyPath(v.dir, user), keyPath(v.dir, user) + nextKeyExt} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("suspend the key file of %s: %w", user, err)
		}
	}
	return recipient, fsutil.SyncDir(filepath.Join(v.dir, slotDir))
}

// SlotRecipient returns the public key of user's identity as their .slot
// file states it (the file is not authenticated: RotateKey trusts it the
// same way).
func (v *Vault) SlotRecipient(user string) (string, error) {
	if err := checkSlotName(user); err != nil {
		return "", err
	}
	return slotRecipient(v.dir, v.id, user)
}

// Suspended reports whether user has a key slot but no key file (see
// SuspendSlot).
func (v *Vault) Suspended(user string) (bool, error) {
	if _, err := os.Stat(slotPath(v.dir, user)); err != nil {
		return false, nil
	}
	_, err := os.Stat(keyPath(v.dir, user))
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	return false, err
}

// GrantKey seals the current master key to recipient, the identity
// SuspendSlot returned for user, as their .key: how a disabled account is
// enabled again.
func (v *Vault) GrantKey(user, recipient string) error {
	if err := checkSlotName(user); err != nil {
		return err
	}
	v.writeMu.Lock()
	defer v.writeMu.Unlock()
	if err := writeUserKey(keyPath(v.dir, user), v.id, user, recipient, v.key, v.opts.now()); err != nil {
		return err
	}
	return fsutil.SyncDir(filepath.Join(v.dir, slotDir))
}

// commitRotation closes the database, re-encrypts the key registry with
// newKey, marks the commit and reopens the database with newKey. The caller
// holds writeMu.
func (v *Vault) commitRotation(newKey []byte) error {
	v.dbMu.Lock()
	defer v.dbMu.Unlock()
	close(v.stopGC)
	<-v.gcDone
	if err := v.db.Close(); err != nil {
		v.markBroken()
		return fmt.Errorf("rotate key: close database: %w", err)
	}
	reopen := func(key []byte) error {
		db, err := openBadger(v.dir, key, v.opts.Logf, !v.opts.bulkLoad)
		if err != nil {
			v.markBroken()
			return err
		}
		v.db = db
		v.stopGC, v.gcDone = make(chan struct{}), make(chan struct{})
		go v.gcLoop()
		return nil
	}
	if err := rewriteKeyRegistry(v.dir, v.key, newKey); err != nil {
		discardRotation(v.dir)
		clear(newKey)
		return errors.Join(fmt.Errorf("rotate key: %w", err), reopen(v.key))
	}
	// Committed. The mark lets Unlock finish the job after a crash; should
	// writing it fail, settling right away below does the same.
	_ = fsutil.WriteBytes(filepath.Join(v.dir, slotDir, rotationMark), []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o600, false)
	clear(v.key)
	v.key = newKey
	return reopen(newKey)
}

// rewriteKeyRegistry re-encrypts Badger's data keys from oldKey to newKey.
// Badger writes the new registry to a temporary file and renames it.
func rewriteKeyRegistry(dir string, oldKey, newKey []byte) error {
	opt := badger.KeyRegistryOptions{
		Dir:                           filepath.Join(dir, dbDir),
		ReadOnly:                      true,
		EncryptionKey:                 oldKey,
		EncryptionKeyRotationDuration: 10 * 24 * time.Hour,
	}
	kr, err := badger.OpenKeyRegistry(opt)
	if err != nil {
		return fmt.Errorf("read key registry: %w", err)
	}
	opt.EncryptionKey = newKey
	if err := badger.WriteKeyRegistry(kr, opt); err != nil {
		return fmt.Errorf("write key registry: %w", err)
	}
	return nil
}

// settleRotation ends an interrupted or finished rotation: when it was
// committed (the mark exists, or the vault just opened with a .key.new), the
// .key.new files replace the .key files; otherwise they are discarded.
func settleRotation(dir string, committed bool) error {
	mark := filepath.Join(dir, slotDir, rotationMark)
	if _, err := os.Stat(mark); err == nil {
		committed = true
	}
	pending, err := filepath.Glob(filepath.Join(dir, slotDir, "*"+pendingExt))
	if err != nil {
		return err
	}
	if !committed {
		discardRotation(dir)
		return nil
	}
	for _, p := range pending {
		user := strings.TrimSuffix(filepath.Base(p), pendingExt)
		if _, err := os.Stat(slotPath(dir, user)); errors.Is(err, fs.ErrNotExist) {
			_ = os.Remove(p) // the user was removed meanwhile
			continue
		}
		if err := fsutil.Rename(p, keyPath(dir, user)); err != nil {
			return fmt.Errorf("finish key rotation: %w", err)
		}
	}
	if err := os.Remove(mark); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("finish key rotation: %w", err)
	}
	return fsutil.SyncDir(filepath.Join(dir, slotDir))
}

// discardRotation removes the files of a rotation that never committed.
func discardRotation(dir string) {
	pending, _ := filepath.Glob(filepath.Join(dir, slotDir, "*"+pendingExt))
	for _, p := range pending {
		_ = os.Remove(p)
	}
}
