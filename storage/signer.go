package storage

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"safeinvoice/auth"
)

// The administrators' signing key. Every key slot opens the master key, so
// anyone who knows any user's password can change any record, the audit
// trail and its HMAC key included. What only administrators can do is sign:
// an Ed25519 key whose seed is sealed inside the administrators' .slot files
// alone, next to their identity, under their password. No other slot
// reaches it, and a .slot that holds it can be written only by someone who
// knows that administrator's password, so the key an administrator's slot
// yields is the real one even when everything else in the data folder was
// rewritten.
//
// The key signs the user records (name, role, disabled, the kept
// recipient: SignUser) and the audit chain's head at administrator logins
// and backups (SignHead). The public key is kept in the vault (keySigner)
// for the unlocks of other users, who cannot tell it from a forged one; an
// administrator's unlock compares it with the one from their own slot.
const (
	keySigner        = "meta/signer"
	prefixSignedHead = "auditsig/"
	signedHeadDigits = 20
)

// ErrNoSigner means the vault has no administrators' signing key yet (it
// predates them, until an administrator's first unlock makes one).
var ErrNoSigner = errors.New("the books have no administrators' signing key yet")

// NewSigningKey returns a fresh administrators' signing key.
func NewSigningKey() (ed25519.PrivateKey, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate the signing key: %w", err)
	}
	return key, nil
}

// Signer returns the administrators' signing key held by the .slot that
// unlocked or created the vault, nil when that slot holds none (the user
// is no administrator, or one made before signing keys) or the vault was
// opened with its master key. Close zeroes it.
func (v *Vault) Signer() ed25519.PrivateKey { return v.signer }

// KeepSigner puts key into the unlocking user's .slot under password (the
// one that unlocked it), with the same identity, and makes it the vault's
// Signer: how an administrator made before signing keys gets one. It costs
// one key derivation.
func (v *Vault) KeepSigner(password string, key ed25519.PrivateKey) error {
	v.writeMu.Lock()
	defer v.writeMu.Unlock()
	if v.identity == nil {
		return fmt.Errorf("keep the signing key: %w", ErrNoSlot)
	}
	if _, _, err := readSlot(v.dir, v.id, v.user, password); err != nil {
		return err
	}
	if err := writeSlot(v.dir, v.id, v.user, v.identity, key, password, v.opts.workFactor(), v.opts.now()); err != nil {
		return err
	}
	v.signer = cloneKey(key)
	return nil
}

// cloneKey copies key, which the vault zeroes when it closes.
func cloneKey(key ed25519.PrivateKey) ed25519.PrivateKey {
	if key == nil {
		return nil
	}
	return append(ed25519.PrivateKey(nil), key...)
}

type storedSigner struct {
	Public []byte `json:"public"`
}

// SigningPublicKey returns the administrators' public key as the vault
// records it, or ErrNoSigner. Anyone with the master key can replace it;
// only an administrator's Signer can confirm it.
func (tx *Tx) SigningPublicKey() (ed25519.PublicKey, error) {
	s, err := getJSON[storedSigner](tx, keySigner)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrNoSigner
	}
	if err != nil {
		return nil, err
	}
	if len(s.Public) != ed25519.PublicKeySize {
		return nil, recordDamaged(keySigner, "the administrators' public key has a bad size")
	}
	return ed25519.PublicKey(s.Public), nil
}

// PutSigningPublicKey records the administrators' public key.
func (tx *Tx) PutSigningPublicKey(pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("the administrators' public key: bad size %d", len(pub))
	}
	return putJSON(tx, keySigner, storedSigner{Public: pub})
}

// userMessage is what a user record's signature covers: what decides what
// the account may do.
func userMessage(vaultID string, u auth.User) []byte {
	disabled := "enabled"
	if u.Disabled {
		disabled = "disabled"
	}
	return fmt.Appendf(nil, "safeinvoice user v1\x00%s\x00%s\x00%s\x00%s\x00%s", vaultID, u.Name, u.Role, disabled, u.Recipient)
}

// SignUser returns u with its Signature made by key for this vault.
func (v *Vault) SignUser(u auth.User, key ed25519.PrivateKey) auth.User {
	u.Signature = ed25519.Sign(key, userMessage(v.id, u))
	return u
}

// UserSigned reports whether u carries a valid signature of pub for this
// vault.
func (v *Vault) UserSigned(u auth.User, pub ed25519.PublicKey) bool {
	return len(u.Signature) == ed25519.SignatureSize && ed25519.Verify(pub, userMessage(v.id, u), u.Signature)
}

// SignedHead is the audit chain's head as an administrator signed it: the
// entry the chain must still hold, however its other records were
// rewritten. Copies travel in anchors and backup manifests.
type SignedHead struct {
	Seq       uint64    `json:"seq"`
	Hash      string    `json:"hash"`
	User      string    `json:"user"`
	Time      time.Time `json:"time"`
	Signature []byte    `json:"signature"`
}

func headMessage(vaultID string, h SignedHead) []byte {
	return fmt.Appendf(nil, "safeinvoice audit head v1\x00%s\x00%d\x00%s\x00%s\x00%d", vaultID, h.Seq, h.Hash, h.User, h.Time.UnixNano())
}

// Verify reports whether h was signed by pub for the vault vaultID.
func (h SignedHead) Verify(vaultID string, pub ed25519.PublicKey) bool {
	return len(h.Signature) == ed25519.SignatureSize && ed25519.Verify(pub, headMessage(vaultID, h), h.Signature)
}

func signedHeadKey(seq uint64) string {
	return prefixSignedHead + fmt.Sprintf("%0*d", signedHeadDigits, seq)
}

// SignCheckpoint signs the audit head c with key in user's name.
func (v *Vault) SignCheckpoint(c AuditCheckpoint, user string, key ed25519.PrivateKey) SignedHead {
	h := SignedHead{Seq: c.Seq, Hash: c.Hash, User: user, Time: v.opts.now().UTC().Round(0)}
	h.Signature = ed25519.Sign(key, headMessage(v.id, h))
	return h
}

// SignHead signs the audit head as this transaction leaves it (its own
// entries included) with key in user's name, and keeps the signature in the
// vault (PutSignedHead).
func (tx *Tx) SignHead(user string, key ed25519.PrivateKey) (SignedHead, error) {
	head, err := tx.AuditCheckpoint()
	if err != nil {
		return SignedHead{}, err
	}
	h := tx.v.SignCheckpoint(head, user, key)
	return h, tx.PutSignedHead(h)
}

// PutSignedHead keeps a signed head in the vault, one per head: a later
// signature of the same head replaces the earlier one.
func (tx *Tx) PutSignedHead(h SignedHead) error {
	return putJSON(tx, signedHeadKey(h.Seq), h)
}

// DeleteSignedHead deletes the signed head of audit entry seq.
func (tx *Tx) DeleteSignedHead(seq uint64) error { return tx.del(signedHeadKey(seq)) }

// EachSignedHead calls fn for every signed head the vault keeps, oldest
// first, until fn returns an error.
func (tx *Tx) EachSignedHead(fn func(SignedHead) error) error {
	return tx.eachCounted(prefixSignedHead, func(key, val []byte) error {
		if _, err := strconv.ParseUint(strings.TrimPrefix(string(key), prefixSignedHead), 10, 64); err != nil {
			return recordDamaged(prefixSignedHead+"…", "not a signed head's key")
		}
		var h SignedHead
		if err := json.Unmarshal(val, &h); err != nil {
			return fmt.Errorf("decode %s: %w", kindOf(string(key)), err)
		}
		return fn(h)
	})
}

// NewestSignedHead returns the vault's newest signed head, and false when
// it keeps none.
func (tx *Tx) NewestSignedHead() (SignedHead, bool, error) {
	var newest SignedHead
	found := false
	err := tx.EachSignedHead(func(h SignedHead) error {
		newest, found = h, true
		return nil
	})
	return newest, found, err
}

// HeadOnChain says where the vault's audit chain stands against a signed
// head, as CompareAnchor does for an untagged checkpoint: zero when the
// chain still holds the signed entry.
func (v *Vault) HeadOnChain(h SignedHead) (AnchorPosition, error) {
	return v.CompareAnchor(Anchor{VaultID: v.id, Seq: h.Seq, Hash: h.Hash}, false)
}
