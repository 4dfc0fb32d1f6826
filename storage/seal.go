package storage

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"safeinvoice/internal/fsutil"
)

// sealName is the file that records, outside the database, how SafeInvoice
// last left the vault: open (a session is running or crashed) or closed at
// a given audit position. It holds no secrets; the position is tagged with
// the audit key.
const sealName = "state.json"

type sealState struct {
	State string    `json:"state"` // "open" or "closed"
	Time  time.Time `json:"time"`
	Seq   uint64    `json:"seq,omitempty"`
	Hash  string    `json:"hash,omitempty"`
	// Version is Badger's highest version: any write, even one that
	// bypasses the audit chain, moves it.
	Version uint64 `json:"version,omitempty"`
	Tag     string `json:"tag,omitempty"`
}

// SealStatus is what Unlock found about how the vault was left.
type SealStatus int

// The outcomes of the seal check.
const (
	// SealOK: closed cleanly, and nothing changed since.
	SealOK SealStatus = iota
	// SealUnclean: the last session did not close (a crash, a kill, a
	// power cut). Nothing acknowledged is lost, but worth knowing.
	SealUnclean
	// SealChanged: the database changed while SafeInvoice was closed, or
	// the seal itself was tampered with.
	SealChanged
	// SealMissing: no seal (a vault from before seals, or one deleted).
	SealMissing
)

func (v *Vault) sealTag(s sealState) string {
	m := hmac.New(sha256.New, v.auditKey)
	fmt.Fprintf(m, "seal\x00%s\x00%d\x00%s\x00%d", s.State, s.Seq, s.Hash, s.Version)
	return hex.EncodeToString(m.Sum(nil))
}

func (v *Vault) writeSeal(s sealState) error {
	s.Time = v.opts.now().UTC()
	s.Tag = v.sealTag(s)
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return fsutil.WriteBytes(filepath.Join(v.dir, sealName), append(data, '\n'), 0o600, false)
}

// checkSeal compares the seal left by the last session with the audit head
// now, then marks the vault open.
func (v *Vault) checkSeal() (SealStatus, error) {
	status := SealOK
	data, err := os.ReadFile(filepath.Join(v.dir, sealName))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		status = SealMissing
	case err != nil:
		return 0, fmt.Errorf("read %s: %w", sealName, err)
	default:
		var s sealState
		if json.Unmarshal(data, &s) != nil || !hmac.Equal([]byte(s.Tag), []byte(v.sealTag(s))) {
			status = SealChanged
			break
		}
		if s.State == "open" {
			status = SealUnclean
			break
		}
		var head AuditCheckpoint
		if err := v.View(func(tx *Tx) error {
			var err error
			head, err = tx.AuditCheckpoint()
			return err
		}); err != nil {
			var ae *AuditError
			if !errors.As(err, &ae) {
				return 0, err
			}
			status = SealChanged
			break
		}
		if head.Seq != s.Seq || head.Hash != s.Hash || v.maxVersion() != s.Version {
			status = SealChanged
			break
		}
		v.sealHead = head
	}
	if err := v.writeSeal(sealState{State: "open"}); err != nil {
		return 0, fmt.Errorf("write %s: %w", sealName, err)
	}
	return status, nil
}

// Seal returns what the check at unlock found about how the last session
// left the vault and, when it was closed cleanly with nothing changed
// since (SealOK), the audit position it was closed at.
func (v *Vault) Seal() (SealStatus, AuditCheckpoint) { return v.sealStatus, v.sealHead }

// closeSeal records the audit position at a clean close.
func (v *Vault) closeSeal() error {
	var head AuditCheckpoint
	if err := v.View(func(tx *Tx) error {
		var err error
		head, err = tx.AuditCheckpoint()
		return err
	}); err != nil {
		return err
	}
	return v.writeSeal(sealState{State: "closed", Seq: head.Seq, Hash: head.Hash, Version: v.maxVersion()})
}

func (v *Vault) maxVersion() uint64 {
	v.dbMu.RLock()
	defer v.dbMu.RUnlock()
	return v.db.MaxVersion()
}
