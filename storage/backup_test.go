package storage

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"safeinvoice/invoice"
)

func putClient(t *testing.T, v *Vault, id string) {
	t.Helper()
	mustUpdate(t, v, func(tx *Tx) error {
		if err := tx.PutClient(invoice.Client{ID: id, Name: "Client " + id, Email: id + "@example.com"}); err != nil {
			return err
		}
		return tx.Audit("client.create", id, "")
	})
}

func TestBackupFullAndIncrementalRestore(t *testing.T) {
	v, _ := newVault(t)
	if err := v.AddSlot("bob", "bob's long password"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b", "c"} {
		putClient(t, v, id)
	}
	var full bytes.Buffer
	s1, err := v.Backup(&full, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s1.Counts["client"] != 3 || s1.Counts["audit"] != 4 || s1.Audit.Seq != 4 {
		t.Errorf("full snapshot %+v", s1)
	}
	putClient(t, v, "d")
	mustUpdate(t, v, func(tx *Tx) error {
		if err := tx.DeleteClient("a"); err != nil {
			return err
		}
		return tx.Audit("client.delete", "a", "")
	})
	var incr bytes.Buffer
	s2, err := v.Backup(&incr, s1.Until)
	if err != nil {
		t.Fatal(err)
	}
	if s2.Since != s1.Until || s2.Until <= s1.Until {
		t.Errorf("incremental covers %d..%d after full ..%d", s2.Since, s2.Until, s1.Until)
	}
	if incr.Len() >= full.Len() {
		t.Errorf("incremental is %d bytes, full %d: not incremental", incr.Len(), full.Len())
	}
	var empty bytes.Buffer
	s3, err := v.Backup(&empty, s2.Until)
	if err != nil {
		t.Fatal(err)
	}
	if s3.Until != s2.Until {
		t.Errorf("empty incremental moved Until from %d to %d", s2.Until, s3.Until)
	}
	kit, err := v.RestoreKit()
	if err != nil {
		t.Fatal(err)
	}
	if len(kit.Slots) != 4 || kit.Slots["bob.slot"] == nil || kit.Slots["bob.key"] == nil {
		t.Fatalf("kit has files %v, want a .slot and a .key for each of 2 users", len(kit.Slots))
	}

	dir := filepath.Join(t.TempDir(), "restored")
	r, err := Restore(dir, kit, testOptions(), bytes.NewReader(full.Bytes()), bytes.NewReader(incr.Bytes()), bytes.NewReader(empty.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.VerifyAudit()
	if err != nil {
		t.Fatalf("restored chain: %v", err)
	}
	if rep.Head != s2.Audit {
		t.Errorf("restored head %+v, want %+v", rep.Head, s2.Audit)
	}
	var ids []string
	if err := r.View(func(tx *Tx) error {
		return tx.EachClient(func(c invoice.Client) error { ids = append(ids, c.ID); return nil })
	}); err != nil {
		t.Fatal(err)
	}
	if len(ids) != 3 || ids[0] != "b" || ids[2] != "d" {
		t.Errorf("restored clients %v, want [b c d]", ids)
	}
	// The restored chain continues.
	putClient(t, r, "e")
	if _, err := r.VerifyAudit(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	// Every user logs in with the password they had.
	for user, pw := range map[string]string{testUser: testPassword, "bob": "bob's long password"} {
		u, err := Unlock(dir, user, pw, testOptions())
		if err != nil {
			t.Fatalf("%s after restore: %v", user, err)
		}
		_ = u.Close()
	}
}

func TestRestoreRefusesNonEmptyTarget(t *testing.T) {
	v, _ := newVault(t)
	var full bytes.Buffer
	if _, err := v.Backup(&full, 0); err != nil {
		t.Fatal(err)
	}
	kit, err := v.RestoreKit()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(dir, kit, testOptions(), &full); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("got %v, want fs.ErrExist", err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "keep.txt")); string(data) != "mine" {
		t.Error("existing file touched")
	}
}

func TestRestoreOfForeignStreamIsNotAVault(t *testing.T) {
	v, _ := newVault(t)
	kit, err := v.RestoreKit()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := newVault(t)
	var foreign bytes.Buffer
	if _, err := other.Backup(&foreign, 0); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "r")
	if _, err := Restore(dir, kit, testOptions(), &foreign); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("got %v, want ErrWrongKey (stream of another vault)", err)
	}
	if Exists(dir) {
		t.Error("a failed restore left a usable vault marker")
	}
}
