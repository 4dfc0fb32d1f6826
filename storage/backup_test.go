package storage

import (
	"bytes"
	"errors"
	"fmt"
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
	if err := v.AddSlot("bob", "bob's long password", nil); err != nil {
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

// TestIncrementalKeepsDeletesAfterCompaction: a record deleted after a full
// backup must stay deleted in a restore of the full backup and the next
// incremental one, even when Badger compacted its tables in between and
// could have dropped the delete marker.
func TestIncrementalKeepsDeletesAfterCompaction(t *testing.T) {
	v, dir := newVault(t)
	for i := range 200 {
		putClient(t, v, fmt.Sprintf("c%03d", i))
	}
	deleteClient := func(id string) {
		mustUpdate(t, v, func(tx *Tx) error {
			if err := tx.DeleteClient(id); err != nil {
				return err
			}
			return tx.Audit("client.delete", id, "")
		})
	}
	deleteClient("c100") // written again after the full backup: it must stay
	var full bytes.Buffer
	s1, err := v.Backup(&full, 0)
	if err != nil {
		t.Fatal(err)
	}
	deleteClient("c007")
	putClient(t, v, "c100")
	for i := 200; i < 400; i++ { // more writes, so there is something to compact
		putClient(t, v, fmt.Sprintf("c%03d", i))
	}
	// Write the memtables out (closing does), then compact every table
	// into one level, as Badger does by itself over time.
	v = reopen(t, v, dir)
	t.Cleanup(func() { _ = v.Close() })
	v.dbMu.RLock()
	tables := len(v.db.Tables())
	err = v.db.Flatten(2)
	v.dbMu.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
	if tables == 0 {
		t.Fatal("nothing was written to tables, so nothing was compacted")
	}
	var incr bytes.Buffer
	if _, err := v.Backup(&incr, s1.Until); err != nil {
		t.Fatal(err)
	}
	kit, err := v.RestoreKit()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Restore(filepath.Join(t.TempDir(), "restored"), kit, testOptions(), bytes.NewReader(full.Bytes()), bytes.NewReader(incr.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.View(func(tx *Tx) error {
		_, err := tx.Client("c007")
		return err
	}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the deleted client came back after a compaction: %v", err)
	}
	if err := r.View(func(tx *Tx) error {
		_, err := tx.Client("c100")
		return err
	}); err != nil {
		t.Fatalf("the client written again after its deletion is lost: %v", err)
	}
	counts, err := r.Counts()
	if err != nil {
		t.Fatal(err)
	}
	if counts["client"] != 399 {
		t.Errorf("restored %d clients, want 399", counts["client"])
	}
}
