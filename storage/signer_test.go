package storage

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"filippo.io/age"

	"safeinvoice/auth"
)

func TestTheSigningKeyLivesInAdministratorSlotsOnly(t *testing.T) {
	key, err := NewSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	v, err := Create(dir, testUser, testPassword, key, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := v.AddSlot("bob", "bob's long password", nil); err != nil {
		t.Fatal(err)
	}
	if err := v.AddSlot("carol", "carol's long password", key); err != nil {
		t.Fatal(err)
	}
	if err := v.ChangePassword(testUser, "alice's next password"); err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		user, password string
		holds          bool
	}{{testUser, "alice's next password", true}, {"bob", "bob's long password", false}, {"carol", "carol's long password", true}} {
		u, err := Unlock(dir, c.user, c.password, testOptions())
		if err != nil {
			t.Fatalf("%s: %v", c.user, err)
		}
		got := u.Signer()
		if c.holds != (got != nil) || (got != nil && !got.Equal(key)) {
			t.Errorf("%s: signer %v, want it held: %v", c.user, got != nil, c.holds)
		}
		if err := u.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// The .slot's public part says nothing of the key: only the password
	// opens it.
	raw, err := os.ReadFile(slotPath(dir, testUser))
	if err != nil {
		t.Fatal(err)
	}
	var sf map[string]any
	if err := json.Unmarshal(raw, &sf); err != nil {
		t.Fatal(err)
	}
	for k := range sf {
		if k != "format" && k != "vault" && k != "user" && k != "created" && k != "recipient" && k != "sha256" && k != "age" {
			t.Errorf("the slot file has a public field %q", k)
		}
	}
}

func TestKeepSignerGivesAnOlderSlotTheKey(t *testing.T) {
	v, dir := newVault(t)
	if v.Signer() != nil {
		t.Fatal("a slot made without a key holds one")
	}
	key, err := NewSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := v.KeepSigner("a wrong password", key); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("KeepSigner with a wrong password: %v", err)
	}
	if err := v.KeepSigner(testPassword, key); err != nil {
		t.Fatal(err)
	}
	v = reopen(t, v, dir)
	if !v.Signer().Equal(key) {
		t.Error("the key was not kept in the slot")
	}
}

func TestSignaturesBindWhatTheyCover(t *testing.T) {
	v, _ := newVault(t)
	key, err := NewSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	pub := key.Public().(ed25519.PublicKey)
	u := v.SignUser(auth.User{Name: "bob", Role: auth.RoleClerk}, key)
	if !v.UserSigned(u, pub) {
		t.Fatal("a signed record does not verify")
	}
	for name, edit := range map[string]func(*auth.User){
		"role":      func(u *auth.User) { u.Role = auth.RoleAdministrator },
		"disabled":  func(u *auth.User) { u.Disabled = true },
		"name":      func(u *auth.User) { u.Name = "bobby" },
		"recipient": func(u *auth.User) { u.Recipient = "age1xyz" },
		"signature": func(u *auth.User) { u.Signature = u.Signature[:10] },
	} {
		c := u
		c.Signature = append([]byte(nil), u.Signature...)
		edit(&c)
		if v.UserSigned(c, pub) {
			t.Errorf("a record with another %s still verifies", name)
		}
	}
	// Not what a user changes themselves.
	c := u
	c.MustChange, c.PasswordHistory = true, []string{"x"}
	if !v.UserSigned(c, pub) {
		t.Error("a password change broke the signature")
	}

	var h SignedHead
	mustUpdate(t, v, func(tx *Tx) error {
		if err := tx.Audit("test.entry", "", ""); err != nil {
			return err
		}
		h, err = tx.SignHead("alice", key)
		return err
	})
	if !h.Verify(v.ID(), pub) {
		t.Fatal("a signed head does not verify")
	}
	other := h
	other.Seq--
	if other.Verify(v.ID(), pub) || h.Verify("another vault", pub) {
		t.Error("a signed head verifies for another entry or vault")
	}
	if pos, err := v.HeadOnChain(h); err != nil || pos.Behind() {
		t.Errorf("the signed head is not on the chain: %+v %v", pos, err)
	}
	err = v.View(func(tx *Tx) error {
		newest, ok, err := tx.NewestSignedHead()
		if err != nil || !ok || newest.Seq != h.Seq {
			t.Errorf("NewestSignedHead: %+v %v %v", newest, ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestASigningKeyOfTheWrongSizeInASlotIsDamage(t *testing.T) {
	v, dir := newVault(t)
	id := v.ID()
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	ident, _, err := readSlot(dir, id, testUser, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	// Sealed under the right password, so only its contents are wrong.
	r, err := age.NewScryptRecipient(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(testOptions().workFactor())
	sec := sealedSecret{Vault: id, User: testUser, Identity: ident.String(), Signing: []byte("short")}
	if err := seal(slotPath(dir, testUser), slotFormat, id, testUser, ident.Recipient().String(), sec, r, testOptions().now()); err != nil {
		t.Fatal(err)
	}
	if _, err := Unlock(dir, testUser, testPassword, testOptions()); !errors.Is(err, ErrSlotDamaged) || !strings.Contains(err.Error(), "bad signing key") {
		t.Errorf("Unlock with a damaged signing key: %v", err)
	}
}
