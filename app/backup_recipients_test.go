package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"safeinvoice/backup"
)

// ageDecrypt opens an age file with identity, as `age -d -i` does.
func ageDecrypt(t *testing.T, path string, id age.Identity) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := age.Decrypt(bytes.NewReader(data), id)
	if err != nil {
		t.Fatalf("age -d %s: %v", filepath.Base(path), err)
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return plain
}

// A backup's extra recipient (an accountant's key) reads the books and the
// manifest, and nothing that opens the live vault: no master key, no key
// slots, no recovery key, no MAC secrets. Restoring with that key says why
// it cannot.
func TestExtraRecipientGetsTheBooksNotTheKeys(t *testing.T) {
	f := newBackupFixture(t)
	accountant, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetBackupSettings(BackupSettings{Dir: f.dir, Recipients: []string{accountant.Recipient().String()}}); err != nil {
		t.Fatal(err)
	}
	mustClient(t, f.s, "Kowalski Sp. z o.o.", "biuro@example.com")
	info := f.backup(t, backup.Full)
	kit, err := f.s.vault.RestoreKit()
	if err != nil {
		t.Fatal(err)
	}
	recovery, err := backup.ParseKeyFile(f.key(t))
	if err != nil {
		t.Fatal(err)
	}
	manifestPath := strings.TrimSuffix(info.Path, ".age") + ".manifest.age"
	manifest := ageDecrypt(t, manifestPath, accountant)
	stream := ageDecrypt(t, info.Path, accountant)
	secrets := map[string][]byte{
		"the master key":   []byte(base64.StdEncoding.EncodeToString(kit.Key)),
		"the recovery key": []byte(recovery.Identity),
		"a key slot":       []byte(`.slot"`),
	}
	for name, v := range kit.Secrets {
		secrets[name+" (base64)"] = []byte(base64.StdEncoding.EncodeToString(v))
		secrets[name] = []byte(name)
	}
	for what, secret := range secrets {
		if bytes.Contains(manifest, secret) {
			t.Errorf("the manifest, read with the accountant's key, holds %s", what)
		}
		if bytes.Contains(stream, secret) {
			t.Errorf("the data, read with the accountant's key, holds %s", what)
		}
	}
	if !bytes.Contains(stream, []byte("Kowalski Sp. z o.o.")) {
		t.Error("the accountant's key does not read the books")
	}
	if !bytes.Contains(manifest, []byte(`"counts"`)) {
		t.Error("the accountant's key does not read the manifest's public fields")
	}
	// Restoring with it explains itself; with the recovery key it works.
	keyFile := filepath.Join(t.TempDir(), "accountant.txt")
	if err := os.WriteFile(keyFile, []byte(accountant.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	acctKey, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg := f.cfg
	cfg.DataDir = filepath.Join(t.TempDir(), "by-accountant")
	if _, err := Restore(context.Background(), cfg, RestoreParams{From: f.dir, RecoveryKey: acctKey}); !errors.Is(err, backup.ErrExtraRecipient) {
		t.Errorf("restore with the accountant's key: %v, want ErrExtraRecipient", err)
	}
	cfg.DataDir = filepath.Join(t.TempDir(), "restored")
	if _, err := Restore(context.Background(), cfg, RestoreParams{From: f.dir, RecoveryKey: f.key(t)}); err != nil {
		t.Fatalf("restore with the recovery key: %v", err)
	}
	s, err := Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.vault.VerifyAudit(); err != nil {
		t.Errorf("the restored trail: %v", err)
	}
	if cs, err := s.Clients(); err != nil || len(cs) != 1 {
		t.Errorf("restored clients: %v %v", cs, err)
	}
	// The secrets came back from the kit: the recovery key among them.
	if again, err := s.RecoveryKeyFile(); err != nil || !bytes.Contains(again, []byte(recovery.Identity)) {
		t.Errorf("the restored vault's recovery key: %v", err)
	}
}
