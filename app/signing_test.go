package app

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"safeinvoice/auth"
	"safeinvoice/storage"
)

const (
	clerkName     = "clerk"
	clerkPassword = "Walrus-Harmonica-Tulip-93"
)

// booksWithClerk is a vault with the administrator and a clerk who has
// logged in once, all closed.
func booksWithClerk(t *testing.T) Config {
	t.Helper()
	cfg := testConfig(t)
	s := initVault(t, cfg)
	addUser(t, s, clerkName, auth.RoleClerk, clerkPassword)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := Login(cfg, clerkName, clerkPassword)
	if err != nil {
		t.Fatalf("the clerk's own account: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func auditHead(t *testing.T, s *Session) uint64 {
	t.Helper()
	var c storage.AuditCheckpoint
	if err := s.vault.View(func(tx *storage.Tx) error {
		var err error
		c, err = tx.AuditCheckpoint()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return c.Seq
}

func TestAClerkWhoMakesThemselvesAdministratorIsRefusedAndAlerted(t *testing.T) {
	cfg := booksWithClerk(t)
	in := openAsInsider(t, cfg, clerkName, clerkPassword)
	in.editUser(clerkName, func(u map[string]any) { u["role"] = string(auth.RoleAdministrator) })
	in.close()

	if err := loginErr(cfg, clerkName, clerkPassword); !errors.Is(err, ErrUnsignedAccount) {
		t.Fatalf("login with a forged role: %v, want ErrUnsignedAccount", err)
	}
	s := login(t, cfg)
	defer s.Close()
	if !hasAlert(kinds(t, s), AlertSigning, "clerk (administrator, enabled)") {
		t.Errorf("the administrator was not told of the forged record: %v", kinds(t, s))
	}
	res, err := s.CheckBooks(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.OK() || res.Problems[len(res.Problems)-1].Record != "user/clerk" {
		t.Errorf("the check did not report the forged record: %v", res.Problems)
	}
	if s.User().Role != auth.RoleAdministrator || s.signer == nil {
		t.Errorf("the administrator lost their key: %+v", s.User())
	}
}

func TestAForgedSigningKeyIsPutBackAtTheNextAdministratorLogin(t *testing.T) {
	cfg := booksWithClerk(t)
	in := openAsInsider(t, cfg, clerkName, clerkPassword)
	// The insider makes a key of their own, records its public key as
	// the administrators' and signs their record as an administrator's.
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	in.update(func(txn *badger.Txn) {
		data, err := json.Marshal(map[string][]byte{"public": pub})
		if err != nil {
			t.Fatal(err)
		}
		in.put(txn, "meta/signer", data)
	})
	in.editUser(clerkName, func(u map[string]any) {
		u["role"] = string(auth.RoleAdministrator)
		msg := fmt.Appendf(nil, "safeinvoice user v1\x00%s\x00%s\x00%s\x00enabled\x00", in.id, clerkName, auth.RoleAdministrator)
		u["signature"] = ed25519.Sign(key, msg)
	})
	in.close()

	s := login(t, cfg)
	alerts := kinds(t, s)
	if !hasAlert(alerts, AlertSigning, "public key recorded in the books was missing or not the one in admin's key slot") ||
		!hasAlert(alerts, AlertSigning, "clerk (administrator, enabled)") {
		t.Errorf("the administrator's login did not find the forged key and record: %v", alerts)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The real key is back: the forged record grants nothing any more.
	if err := loginErr(cfg, clerkName, clerkPassword); !errors.Is(err, ErrUnsignedAccount) {
		t.Fatalf("the clerk's forged record after the administrator's login: %v, want ErrUnsignedAccount", err)
	}
}

func TestAnAdministratorsForgedRecordIsPutBack(t *testing.T) {
	cfg := booksWithClerk(t)
	in := openAsInsider(t, cfg, clerkName, clerkPassword)
	in.editUser(adminName, func(u map[string]any) { u["role"] = string(auth.RoleClerk) })
	in.close()

	s := login(t, cfg)
	if s.User().Role != auth.RoleAdministrator {
		t.Errorf("the administrator logged in as %s", s.User().Role)
	}
	if !hasAlert(kinds(t, s), AlertSigning, "admin (clerk, enabled) without an administrator's signature); it was put back") {
		t.Errorf("no alert: %v", kinds(t, s))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := Login(cfg, clerkName, clerkPassword)
	if err != nil {
		t.Fatalf("the clerk after the record was put back: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestACutTrailIsReportedAgainstTheSignedHeads(t *testing.T) {
	cfg := booksWithClerk(t)
	folder := t.TempDir()
	// The bookkeeper exports, then an administrator looks in and backs
	// up: their signed head covers the export.
	s := login(t, cfg)
	addUser(t, s, "bookkeeper", auth.RoleBookkeeper, clerkPassword)
	before := auditHead(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := Login(cfg, "bookkeeper", clerkPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.ExportCSVFile(t.TempDir()+"/invoices.csv", false); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	s = login(t, cfg)
	if _, err := s.BackupNow(t.Context(), folder, nil); err != nil {
		t.Fatal(err)
	}
	after := auditHead(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// The insider cuts everything from the bookkeeper's login on, and
	// re-tags the head: the chain itself verifies.
	in := openAsInsider(t, cfg, clerkName, clerkPassword)
	in.cutTrail(after-before, false)
	in.close()
	c, err := Login(cfg, clerkName, clerkPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.vault.VerifyAudit(); err != nil {
		t.Fatalf("the cut chain does not even verify, so this test shows nothing: %v", err)
	}
	problems, err := c.signedHeadProblems(true)
	if err != nil {
		t.Fatal(err)
	}
	for _, where := range []string{"in the books", "in the anchor file", "in the backup of"} {
		if !strings.Contains(strings.Join(problems, "\n"), where) {
			t.Errorf("the cut was not found by the signed head %s: %q", where, problems)
		}
	}
	for _, p := range problems {
		if !strings.Contains(p, "entries shorter than an administrator signed it (audit entry") {
			t.Errorf("problem %q", p)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	// A thorough insider also drops the signed heads and the anchor file:
	// the backup's manifest still has the administrator's.
	in = openAsInsider(t, cfg, clerkName, clerkPassword)
	in.cutTrail(1, true)
	in.close()
	if err := os.RemoveAll(cfg.AnchorDir); err != nil {
		t.Fatal(err)
	}
	s = login(t, cfg)
	defer s.Close()
	problems, err = s.SignedHeadProblems(true)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "in the backup of") || !strings.Contains(problems[0], "entries shorter") {
		t.Errorf("the backup's signed head did not show the cut: %q", problems)
	}
	if !hasAlert(kinds(t, s), AlertSigning, "The audit trail does not match what administrators signed") {
		t.Errorf("the administrator's login raised no alert: %v", kinds(t, s))
	}
	var she *SignedHeadError
	if _, err := s.VerifyAudit(); !errors.As(err, &she) || !errors.Is(err, storage.ErrAuditBroken) {
		t.Errorf("audit verify of the cut trail: %v", err)
	}
	res, err := s.CheckBooks(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range res.Problems {
		found = found || (p.Record == "the audit trail" && strings.Contains(p.Problem, "entries shorter than an administrator signed it"))
	}
	if !found {
		t.Errorf("the check did not report the cut: %v", res.Problems)
	}
}

func TestBooksFromBeforeSigningKeysGetOneAtTheFirstAdministratorLogin(t *testing.T) {
	cfg := booksWithClerk(t)
	// Books as an earlier SafeInvoice left them: no public key, no
	// signatures, an administrator's slot without the key.
	in := openAsInsider(t, cfg, adminName, adminPassword)
	in.update(func(txn *badger.Txn) {
		in.del(txn, "meta", "meta/signer")
		var heads []string
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("auditsig/")})
		for it.Rewind(); it.Valid(); it.Next() {
			heads = append(heads, string(it.Item().KeyCopy(nil)))
		}
		it.Close()
		in.del(txn, "auditsig", heads...)
	})
	for _, name := range []string{adminName, clerkName} {
		in.editUser(name, func(u map[string]any) { delete(u, "signature") })
	}
	in.close()
	if err := os.RemoveAll(cfg.AnchorDir); err != nil { // anchors had no signed heads either
		t.Fatal(err)
	}
	v, err := storage.Unlock(cfg.DataDir, adminName, adminPassword, cfg.storageOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := v.AddSlot(adminName, adminPassword, nil); err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}

	// Before any administrator logs in, the clerk works as before.
	if err := loginErr(cfg, clerkName, clerkPassword); err != nil {
		t.Fatalf("the clerk in books without signatures: %v", err)
	}
	s := login(t, cfg)
	if s.signer == nil {
		t.Fatal("the first administrator login made no signing key")
	}
	if alerts := kinds(t, s); hasAlert(alerts, AlertSigning, "") {
		t.Errorf("making the key raised an alert: %v", alerts)
	}
	users, err := s.Users()
	if err != nil {
		t.Fatal(err)
	}
	pub := s.signer.Public().(ed25519.PublicKey)
	for _, u := range users {
		if !s.vault.UserSigned(u, pub) {
			t.Errorf("%s was not signed", u.Name)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The key is in the administrator's slot from now on.
	s = login(t, cfg)
	if s.signer == nil || !s.signer.Public().(ed25519.PublicKey).Equal(pub) {
		t.Error("the next login did not find the same key in the slot")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := loginErr(cfg, clerkName, clerkPassword); err != nil {
		t.Errorf("the clerk after the key was made: %v", err)
	}
}

func TestEveryAdministratorSlotHoldsTheSigningKey(t *testing.T) {
	cfg := testConfig(t)
	s := initVault(t, cfg)
	want := s.signer.Public().(ed25519.PublicKey)
	if err := s.AddUser("second", auth.RoleAdministrator, "Quartz-Pelican-Violin-58"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser("third", auth.RoleAdministrator, "Quartz-Pelican-Violin-58"); err != nil {
		t.Fatal(err)
	}
	code, err := s.ResetPassword("third")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChangePassword(adminPassword, "Saffron-Glacier-Otter-17"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct{ name, password string }{
		{adminName, "Saffron-Glacier-Otter-17"}, {"second", "Quartz-Pelican-Violin-58"}, {"third", code},
	} {
		a, err := Login(cfg, who.name, who.password)
		if err != nil {
			t.Fatalf("%s: %v", who.name, err)
		}
		if a.signer == nil || !a.signer.Public().(ed25519.PublicKey).Equal(want) {
			t.Errorf("%s's slot does not hold the administrators' key", who.name)
		}
		if alerts := kinds(t, a); hasAlert(alerts, AlertSigning, "") {
			t.Errorf("%s: %v", who.name, alerts)
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// A clerk's slot does not.
	a, err := Login(cfg, "second", "Quartz-Pelican-Violin-58")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.AddUser(clerkName, auth.RoleClerk, clerkPassword); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	v, err := storage.Unlock(cfg.DataDir, clerkName, clerkPassword, cfg.storageOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if v.Signer() != nil {
		t.Error("a clerk's slot holds the administrators' signing key")
	}
}

func TestADamagedAccountRecordDoesNotLockTheAdministratorOut(t *testing.T) {
	cfg := booksWithClerk(t)
	in := openAsInsider(t, cfg, clerkName, clerkPassword)
	in.update(func(txn *badger.Txn) {
		if err := txn.Set([]byte("user/"+clerkName), []byte(`{"name":"clerk","role":"administrator"}0123456789abcdef`)); err != nil {
			t.Fatal(err)
		}
	})
	in.close()
	s := login(t, cfg)
	defer s.Close()
	if s.signer == nil {
		t.Error("the administrator lost the signing key")
	}
	if !hasAlert(kinds(t, s), AlertDamaged, "") {
		t.Errorf("the damage was not alerted: %v", kinds(t, s))
	}
}
