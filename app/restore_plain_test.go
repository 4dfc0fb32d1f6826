package app

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/dgraph-io/badger/v4"

	"safeinvoice/backup"
	"safeinvoice/storage"
)

// An accountant's key, one of the backups' extra recipients, turns a
// chain of backups into a plain data folder: the books as they were, a
// record deleted between the backups gone, and nothing that opens the vault.
func TestAnExtraRecipientRestoresAPlainDataFolder(t *testing.T) {
	f := newBackupFixture(t)
	accountant, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetBackupSettings(BackupSettings{Dir: f.dir, Recipients: []string{accountant.Recipient().String()}}); err != nil {
		t.Fatal(err)
	}
	kept := mustClient(t, f.s, "Kowalski Sp. z o.o.", "biuro@example.com")
	gone := mustClient(t, f.s, "Gone GmbH", "gone@example.com")
	f.backup(t, backup.Full)
	if err := f.s.DeleteClient(gone.ID); err != nil {
		t.Fatal(err)
	}
	mustIssue(t, f.s, mustDraft(t, f.s, draft(kept.ID)).ID)
	info := f.backup(t, backup.Incremental)
	kit, err := f.s.vault.RestoreKit()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := []byte("# the accountant's key\n" + accountant.String() + "\n")

	// Without --plain, the error says what the key can do.
	cfg := f.cfg
	cfg.DataDir = filepath.Join(t.TempDir(), "vault")
	if _, err := Restore(t.Context(), cfg, RestoreParams{From: f.dir, RecoveryKey: keyFile}); !errors.Is(err, backup.ErrExtraRecipient) ||
		!strings.Contains(err.Error(), "restore --plain DIR") {
		t.Errorf("restore with the accountant's key: %v", err)
	}

	target := filepath.Join(t.TempDir(), "plain")
	res, err := RestorePlain(t.Context(), PlainRestoreParams{From: f.dir, Key: keyFile, Target: target})
	if err != nil {
		t.Fatal(err)
	}
	if !res.AsRecipient || res.Files != 2 || res.Backup != info.Path {
		t.Errorf("result %+v", res)
	}
	if storage.Exists(target) {
		t.Error("the plain folder passes for a vault")
	}
	readme, err := os.ReadFile(filepath.Join(target, "README.txt"))
	if err != nil || !bytes.Contains(readme, []byte("It is not a SafeInvoice data folder")) || !bytes.Contains(readme, []byte("NOT encrypted")) {
		t.Errorf("README.txt: %q %v", readme, err)
	}

	// The badger library, as its command-line tool would, opens it without
	// a key; read-only where Badger has that mode (not on Windows).
	opts := badger.DefaultOptions(filepath.Join(target, "db")).WithLogger(nil)
	if runtime.GOOS != "windows" {
		opts = opts.WithReadOnly(true)
	}
	db, err := badger.Open(opts)
	if err != nil {
		t.Fatalf("open the plain database: %v", err)
	}
	defer db.Close()
	var all bytes.Buffer
	kinds, keys := map[string]int{}, map[string]bool{}
	if err := db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := string(it.Item().Key())
			kinds[strings.SplitN(k, "/", 2)[0]]++
			keys[k] = true
			all.WriteString(k + "\n")
			if err := it.Item().Value(func(v []byte) error { all.Write(v); return nil }); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(all.Bytes(), []byte("Kowalski Sp. z o.o.")) || kinds["invoice"] != 1 {
		t.Errorf("the plain copy lacks the books: %v", kinds)
	}
	if keys["client/"+gone.ID] || !keys["client/"+kept.ID] {
		t.Error("the client deleted between the backups came back")
	}
	if kinds["secret"] != 0 {
		t.Errorf("the plain copy holds %d secrets", kinds["secret"])
	}
	for name, v := range kit.Secrets {
		if bytes.Contains(all.Bytes(), v) {
			t.Errorf("the plain copy holds %s", name)
		}
	}
	if bytes.Contains(all.Bytes(), kit.Key) {
		t.Error("the plain copy holds the master key")
	}
	if _, err := os.Stat(filepath.Join(target, "keyslots")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the plain copy has key slots: %v", err)
	}

	// A second time into the same folder: refused, nothing touched.
	if _, err := RestorePlain(t.Context(), PlainRestoreParams{From: f.dir, Key: keyFile, Target: target}); !errors.Is(err, ErrTargetNotEmpty) {
		t.Errorf("a plain restore into a full folder: %v", err)
	}
	// Someone else's key reads nothing.
	other, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := RestorePlain(t.Context(), PlainRestoreParams{From: f.dir, Key: []byte(other.String()), Target: filepath.Join(t.TempDir(), "x")}); !errors.Is(err, backup.ErrWrongKey) {
		t.Errorf("a plain restore with a stranger's key: %v", err)
	}
}

// The recovery key makes a plain copy too, with the manifests
// authenticated.
func TestTheRecoveryKeyRestoresAPlainDataFolder(t *testing.T) {
	f := newBackupFixture(t)
	mustClient(t, f.s, "Kowalski Sp. z o.o.", "biuro@example.com")
	f.backup(t, backup.Full)
	res, err := RestorePlain(t.Context(), PlainRestoreParams{From: f.dir, Key: f.key(t), Target: filepath.Join(t.TempDir(), "plain")})
	if err != nil {
		t.Fatal(err)
	}
	if res.AsRecipient || res.Records == 0 {
		t.Errorf("result %+v", res)
	}
}
