package storage

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"filippo.io/age"
)

// copyFile keeps a file as a removed user could have.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRemovedUserCannotOpenAfterRotation(t *testing.T) {
	v, dir := newVault(t)
	for _, u := range []string{"bob", "carol"} {
		if err := v.AddSlot(u, u+"'s long password", nil); err != nil {
			t.Fatal(err)
		}
	}
	putClient(t, v, "before")
	oldKey := masterKey(v)
	// Bob keeps copies of his key files before he is removed.
	stash := t.TempDir()
	copyFile(t, slotPath(dir, "bob"), filepath.Join(stash, "bob.slot"))
	copyFile(t, keyPath(dir, "bob"), filepath.Join(stash, "bob.key"))

	if err := v.RemoveSlot("bob"); err != nil {
		t.Fatal(err)
	}
	if err := v.RotateKey(); err != nil {
		t.Fatal(err)
	}
	putClient(t, v, "after")
	if _, err := v.VerifyAudit(); err != nil {
		t.Fatalf("chain after rotation: %v", err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	// Bob puts his old files back: the slot opens (it is his password) but
	// the key it yields no longer opens the vault.
	copyFile(t, filepath.Join(stash, "bob.slot"), slotPath(dir, "bob"))
	copyFile(t, filepath.Join(stash, "bob.key"), keyPath(dir, "bob"))
	if _, err := Unlock(dir, "bob", "bob's long password", testOptions()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("removed user's old files: %v, want ErrWrongKey", err)
	}
	if _, err := Open(dir, oldKey, testOptions()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("old master key: %v, want ErrWrongKey", err)
	}
	removeSlot(dir, "bob")
	// Everyone else logs in as before and sees everything.
	for user, pw := range map[string]string{testUser: testPassword, "carol": "carol's long password"} {
		v, err := Unlock(dir, user, pw, testOptions())
		if err != nil {
			t.Fatalf("%s after rotation: %v", user, err)
		}
		for _, id := range []string{"before", "after"} {
			if err := v.View(func(tx *Tx) error { _, err := tx.Client(id); return err }); err != nil {
				t.Errorf("%s sees no client %s: %v", user, id, err)
			}
		}
		if _, err := v.VerifyAudit(); err != nil {
			t.Errorf("chain: %v", err)
		}
		if err := v.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// A crash at each point of a rotation leaves a vault every user opens,
// with the new key once the registry was rewritten and the old one before.
func TestInterruptedRotationIsSettledAtUnlock(t *testing.T) {
	for _, stop := range []string{"after new key files", "after registry rewrite", "after commit mark"} {
		t.Run(stop, func(t *testing.T) {
			v, dir := newVault(t)
			if err := v.AddSlot("carol", "carol's long password", nil); err != nil {
				t.Fatal(err)
			}
			putClient(t, v, "x")
			oldKey := masterKey(v)
			newKey, err := NewMasterKey()
			if err != nil {
				t.Fatal(err)
			}
			if err := v.prepareRotation(newKey); err != nil {
				t.Fatal(err)
			}
			if err := v.Close(); err != nil { // the "crash"
				t.Fatal(err)
			}
			committed := stop != "after new key files"
			if committed {
				if err := rewriteKeyRegistry(dir, oldKey, newKey); err != nil {
					t.Fatal(err)
				}
			}
			if stop == "after commit mark" {
				if err := os.WriteFile(filepath.Join(dir, slotDir, rotationMark), nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			for user, pw := range map[string]string{"carol": "carol's long password", testUser: testPassword} {
				u, err := Unlock(dir, user, pw, testOptions())
				if err != nil {
					t.Fatalf("%s: %v", user, err)
				}
				want := oldKey
				if committed {
					want = newKey
				}
				if string(masterKey(u)) != string(want) {
					t.Errorf("%s opened with the wrong key (committed %v)", user, committed)
				}
				if err := u.View(func(tx *Tx) error { _, err := tx.Client("x"); return err }); err != nil {
					t.Error(err)
				}
				if err := u.Close(); err != nil {
					t.Fatal(err)
				}
			}
			left, _ := filepath.Glob(filepath.Join(dir, slotDir, "*.new"))
			if _, err := os.Stat(filepath.Join(dir, slotDir, rotationMark)); len(left) > 0 || err == nil {
				t.Errorf("rotation files left behind: %v, mark %v", left, err)
			}
		})
	}
}

// A password change issues a new identity: a copy of the old .slot, with
// the old password, opens nothing afterwards, even after a rotation.
func TestChangePasswordIssuesANewIdentity(t *testing.T) {
	v, dir := newVault(t)
	oldSlot, err := os.ReadFile(slotPath(dir, testUser))
	if err != nil {
		t.Fatal(err)
	}
	const newPassword = "a brand new passphrase"
	if err := v.ChangePassword(testUser, newPassword); err != nil {
		t.Fatal(err)
	}
	if err := v.RotateKey(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(keyPath(dir, testUser) + nextKeyExt); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the change left %s%s: %v", testUser+keyExt, nextKeyExt, err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Unlock(dir, testUser, testPassword, testOptions()); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("old password: %v", err)
	}
	current, err := os.ReadFile(slotPath(dir, testUser))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(slotPath(dir, testUser), oldSlot, 0o600); err != nil {
		t.Fatal(err)
	}
	if u, err := Unlock(dir, testUser, testPassword, testOptions()); err == nil {
		_ = u.Close()
		t.Fatal("the old slot copy still opens the vault with the old password")
	}
	if err := os.WriteFile(slotPath(dir, testUser), current, 0o600); err != nil {
		t.Fatal(err)
	}
	u, err := Unlock(dir, testUser, newPassword, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	_ = u.Close()
}

// A password change stopped at any step leaves a vault that the old
// password (before the new .slot) or the new one (after it) opens, and
// the next unlock settles it.
func TestInterruptedPasswordChange(t *testing.T) {
	for _, step := range []string{"before the slot", "after the slot"} {
		t.Run(step, func(t *testing.T) {
			v, dir := newVault(t)
			const newPassword = "a brand new passphrase"
			id, err := age.GenerateX25519Identity()
			if err != nil {
				t.Fatal(err)
			}
			if err := writeUserKey(keyPath(dir, testUser)+nextKeyExt, v.id, testUser, id.Recipient().String(), v.key, v.opts.now()); err != nil {
				t.Fatal(err)
			}
			opens := testPassword
			if step == "after the slot" {
				if err := writeSlot(dir, v.id, testUser, id, nil, newPassword, v.opts.workFactor(), v.opts.now()); err != nil {
					t.Fatal(err)
				}
				opens = newPassword
			}
			if err := v.Close(); err != nil { // as a kill leaves it
				t.Fatal(err)
			}
			u, err := Unlock(dir, testUser, opens, testOptions())
			if err != nil {
				t.Fatalf("unlock after a change stopped %s: %v", step, err)
			}
			if _, err := os.Stat(keyPath(dir, testUser) + nextKeyExt); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("unlock did not settle the change: %v", err)
			}
			if err := u.Close(); err != nil {
				t.Fatal(err)
			}
			u, err = Unlock(dir, testUser, opens, testOptions())
			if err != nil {
				t.Fatalf("the second unlock: %v", err)
			}
			_ = u.Close()
		})
	}
}

func TestDamagedUserKeyFile(t *testing.T) {
	v, dir := newVault(t)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath(dir, testUser), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Unlock(dir, testUser, testPassword, testOptions()); !errors.Is(err, ErrSlotDamaged) {
		t.Fatalf("got %v, want ErrSlotDamaged", err)
	}
}

// A password change that stopped after its new slot, then a rotation by
// someone else: the user still gets in, with the new key.
func TestInterruptedPasswordChangeThenRotation(t *testing.T) {
	v, dir := newVault(t)
	if err := v.AddSlot("bob", "bob's long passphrase", nil); err != nil {
		t.Fatal(err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	const newPassword = "bob's newer passphrase"
	if err := writeUserKey(keyPath(dir, "bob")+nextKeyExt, v.id, "bob", id.Recipient().String(), v.key, v.opts.now()); err != nil {
		t.Fatal(err)
	}
	if err := writeSlot(dir, v.id, "bob", id, nil, newPassword, v.opts.workFactor(), v.opts.now()); err != nil {
		t.Fatal(err)
	}
	if err := v.RotateKey(); err != nil { // the administrator's session
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		b, err := Unlock(dir, "bob", newPassword, testOptions())
		if err != nil {
			t.Fatalf("bob after the rotation: %v", err)
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
