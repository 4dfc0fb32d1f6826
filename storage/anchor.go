package storage

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// ErrBadAnchor means an anchor is not this vault's, or was altered.
var ErrBadAnchor = errors.New("the anchor is not this vault's or was altered")

// Anchor is where the audit chain stood at some moment, kept outside the
// data directory so that a data directory put back from an old copy can
// be told from the books it replaced: a copy of the audit head, tagged with
// the audit key. app keeps one per vault in the user's configuration folder;
// every backup manifest carries another.
type Anchor struct {
	VaultID string    `json:"vault_id"`
	Seq     uint64    `json:"seq"`
	Hash    string    `json:"hash"`
	Time    time.Time `json:"time"`
	Tag     string    `json:"tag"`
	// Signed is the newest audit head an administrator signed, carried
	// outside the books; its own signature authenticates it.
	Signed *SignedHead `json:"signed,omitempty"`
}

func (v *Vault) anchorTag(a Anchor) string {
	m := hmac.New(sha256.New, v.auditKey)
	fmt.Fprintf(m, "anchor\x00%s\x00%d\x00%s\x00%d", a.VaultID, a.Seq, a.Hash, a.Time.UnixNano())
	return hex.EncodeToString(m.Sum(nil))
}

// NewAnchor returns the vault's audit head now, tagged.
func (v *Vault) NewAnchor() (Anchor, error) {
	var head AuditCheckpoint
	err := v.View(func(tx *Tx) error {
		var err error
		head, err = tx.AuditCheckpoint()
		return err
	})
	if err != nil {
		return Anchor{}, err
	}
	a := Anchor{VaultID: v.id, Seq: head.Seq, Hash: head.Hash, Time: v.opts.now().UTC()}
	a.Tag = v.anchorTag(a)
	return a, nil
}

// AnchorPosition is where the vault's audit chain stands against an
// anchor. The zero value means the vault holds the anchored entry: it is
// where the anchor was, or after it.
type AnchorPosition struct {
	// Missing is how many entries the anchor knew that the vault lacks:
	// the vault is older than the anchor.
	Missing uint64
	// Forked means the vault holds an entry at the anchor's position,
	// but another one: it went on from an older state than the anchor's.
	Forked bool
}

// Behind reports whether the vault is older than the anchor or off its
// chain.
func (p AnchorPosition) Behind() bool { return p.Missing > 0 || p.Forked }

// CompareAnchor says where the vault stands against a. With tagged, a must
// carry this vault's tag (an anchor of NewAnchor); without, it is a
// checkpoint from a source authenticated otherwise (a backup manifest).
func (v *Vault) CompareAnchor(a Anchor, tagged bool) (AnchorPosition, error) {
	if a.VaultID != v.id || (tagged && !hmac.Equal([]byte(a.Tag), []byte(v.anchorTag(a)))) {
		return AnchorPosition{}, ErrBadAnchor
	}
	var pos AnchorPosition
	err := v.View(func(tx *Tx) error {
		head, err := tx.AuditCheckpoint()
		if err != nil {
			return err
		}
		switch {
		case head.Seq < a.Seq:
			pos.Missing = a.Seq - head.Seq
		case head.Seq == a.Seq:
			pos.Forked = head.Hash != a.Hash
		default:
			hash, err := tx.auditHashAt(a.Seq)
			if err != nil {
				return err
			}
			pos.Forked = hash != a.Hash
		}
		return nil
	})
	return pos, err
}

// auditHashAt returns the chain hash of the entry at seq (the genesis
// hash for 0).
func (tx *Tx) auditHashAt(seq uint64) (string, error) {
	if seq == 0 {
		return genesisHash(tx.v.id), nil
	}
	val, err := tx.getRaw(auditKey(seq))
	if errors.Is(err, ErrNotFound) {
		return "", &AuditError{Seq: seq, Problem: "entry is missing (deleted)"}
	}
	if err != nil {
		return "", err
	}
	sa, err := decodeAudit(val)
	if err != nil {
		return "", &AuditError{Seq: seq, Problem: "entry is damaged (unreadable)"}
	}
	return sa.Hash, nil
}
