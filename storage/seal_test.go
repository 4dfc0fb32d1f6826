package storage

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSealTellsHowTheVaultWasLeft(t *testing.T) {
	unlock := func(t *testing.T, dir string) *Vault {
		t.Helper()
		v, err := Unlock(dir, testUser, testPassword, testOptions())
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	t.Run("clean close", func(t *testing.T) {
		v, dir := newVault(t)
		putClient(t, v, "a")
		if err := v.Close(); err != nil {
			t.Fatal(err)
		}
		v = unlock(t, dir)
		defer v.Close()
		if st, _ := v.Seal(); st != SealOK {
			t.Errorf("got %v, want SealOK", st)
		}
	})
	t.Run("crash", func(t *testing.T) {
		v, dir := newVault(t)
		key := masterKey(v)
		if err := v.Close(); err != nil {
			t.Fatal(err)
		}
		// A session that opened and never closed leaves the seal "open".
		o, err := Open(dir, key, testOptions())
		if err != nil {
			t.Fatal(err)
		}
		if err := o.writeSeal(sealState{State: "open"}); err != nil {
			t.Fatal(err)
		}
		if err := o.db.Close(); err != nil { // bypass Close's seal
			t.Fatal(err)
		}
		_ = o.lock.unlock()
		v = unlock(t, dir)
		defer v.Close()
		if st, _ := v.Seal(); st != SealUnclean {
			t.Errorf("got %v, want SealUnclean", st)
		}
	})
	t.Run("changed while closed", func(t *testing.T) {
		dir, key := chainVault(t)
		db := rawDB(t, dir, key)
		txn := db.NewTransaction(true)
		if err := txn.Delete([]byte(auditKey(8))); err != nil {
			t.Fatal(err)
		}
		if err := txn.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		v := unlock(t, dir)
		defer v.Close()
		if st, _ := v.Seal(); st != SealChanged {
			t.Errorf("got %v, want SealChanged", st)
		}
	})
	t.Run("seal tampered", func(t *testing.T) {
		v, dir := newVault(t)
		if err := v.Close(); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, sealName)
		if err := os.WriteFile(p, []byte(`{"state":"closed","seq":1,"hash":"00","tag":"00"}`), 0o600); err != nil {
			t.Fatal(err)
		}
		v = unlock(t, dir)
		defer v.Close()
		if st, _ := v.Seal(); st != SealChanged {
			t.Errorf("got %v, want SealChanged", st)
		}
	})
}
