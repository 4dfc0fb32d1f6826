package storage

import (
	"bytes"
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
)

const (
	prefixAudit  = "audit/"
	keyAuditHead = "meta/audit_head"
	keyMeta      = "meta/vault"
	auditDigits  = 16
)

// AuditEntry is one event of the audit trail. Detail is short and never
// holds sensitive data (no passwords, no client details beyond ids).
type AuditEntry struct {
	Seq    uint64    `json:"seq"`
	Time   time.Time `json:"time"`
	User   string    `json:"user"`
	Action string    `json:"action"`
	Object string    `json:"object,omitempty"`
	Detail string    `json:"detail,omitempty"`
	// Prev is the hex SHA-256 chain hash of the entry before (the genesis
	// hash for the first).
	Prev string `json:"prev"`
}

// storedAudit is the value under audit/<seq>: the entry's exact bytes, the
// chain hash h = SHA-256(prev || entry) and the tag HMAC-SHA-256(k, h) under
// a key derived from the master key.
type storedAudit struct {
	Entry json.RawMessage `json:"entry"`
	Hash  string          `json:"hash"`
	Tag   string          `json:"tag"`
}

// storedHead is the value under meta/audit_head: the last entry's position,
// updated in the same transaction as every append so that a cut-off tail is
// detected, and tagged so that it cannot be moved back unnoticed.
type storedHead struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
	Tag  string `json:"tag"`
}

// AuditCheckpoint is the position of the chain's last entry: its sequence
// number and chain hash. Backups carry one so that a chain rewritten or cut
// after the backup is detected.
type AuditCheckpoint struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

type vaultMeta struct {
	Format string `json:"format"`
	ID     string `json:"id"`
	// Records is recordsFormat once every record carries a MAC.
	Records string `json:"records,omitempty"`
}

const keyAuditHMAC = "secret/audit_hmac"

// deriveAuditKey is the HMAC key of the audit chain: HKDF-SHA-256 of the
// vault's random audit secret, bound to the vault id.
func deriveAuditKey(secret []byte, vaultID string) []byte {
	k, err := hkdf.Key(sha256.New, secret, []byte(vaultID), "safeinvoice audit hmac v1", 32)
	if err != nil {
		panic(err) // only for lengths beyond HKDF's limit; 32 is fine
	}
	return k
}

// loadAuditKey reads the vault's audit secret and derives the HMAC key from
// it. The secret is random, kept inside the encrypted database, and
// independent of the master key, so that a key rotation leaves the chain
// verifiable.
func (v *Vault) loadAuditKey() error {
	return v.View(func(tx *Tx) error {
		k, err := tx.getRaw(keyAuditHMAC)
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%s: %w", v.dir, recordDamaged(keyAuditHMAC, "the audit key is missing"))
		}
		if err != nil {
			return err
		}
		if len(k) != 32 {
			return fmt.Errorf("%s: %w", v.dir, recordDamaged(keyAuditHMAC, "the audit key has the wrong length"))
		}
		v.auditKey = deriveAuditKey(k, v.id)
		return nil
	})
}

func genesisHash(vaultID string) string {
	h := sha256.Sum256([]byte("safeinvoice-audit-genesis/1\x00" + vaultID))
	return hex.EncodeToString(h[:])
}

func auditKey(seq uint64) string {
	return fmt.Sprintf("%s%0*d", prefixAudit, auditDigits, seq)
}

func (v *Vault) chainHash(prev string, entry []byte) (hash, tag string, err error) {
	p, err := hex.DecodeString(prev)
	if err != nil {
		return "", "", fmt.Errorf("bad previous hash: %w", err)
	}
	h := sha256.New()
	h.Write(p)
	h.Write(entry)
	sum := h.Sum(nil)
	m := hmac.New(sha256.New, v.auditKey)
	m.Write(sum)
	return hex.EncodeToString(sum), hex.EncodeToString(m.Sum(nil)), nil
}

func (v *Vault) headTag(c AuditCheckpoint) string {
	m := hmac.New(sha256.New, v.auditKey)
	fmt.Fprintf(m, "head\x00%d\x00%s", c.Seq, c.Hash)
	return hex.EncodeToString(m.Sum(nil))
}

// readHead returns the tagged head, or ErrNotFound.
func (tx *Tx) readHead() (AuditCheckpoint, error) {
	h, err := getJSON[storedHead](tx, keyAuditHead)
	if err != nil {
		return AuditCheckpoint{}, err
	}
	c := AuditCheckpoint{Seq: h.Seq, Hash: h.Hash}
	if !hmac.Equal([]byte(h.Tag), []byte(tx.v.headTag(c))) {
		return c, &AuditError{Seq: h.Seq, Problem: "the record of the chain's last entry was altered"}
	}
	return c, nil
}

func (v *Vault) initMeta() error {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return fmt.Errorf("generate audit key: %w", err)
	}
	v.auditKey = deriveAuditKey(k, v.id)
	meta := vaultMeta{Format: markerFormat, ID: v.id}
	var secret []byte
	if !v.opts.legacyRecords {
		var err error
		if secret, err = newRecordSecret(); err != nil {
			return err
		}
		defer clear(secret)
		v.macs = newRecordMAC(secret, v.id)
		meta.Records = recordsFormat
	}
	return v.Update("system", func(tx *Tx) error {
		if secret != nil {
			if err := tx.txn.Set([]byte(keyRecordSecret), secretValue(secret, v.id)); err != nil {
				return fmt.Errorf("write the record key: %w", err)
			}
		}
		if err := putJSON(tx, keyMeta, meta); err != nil {
			return err
		}
		if err := tx.set(keyAuditHMAC, k); err != nil {
			return err
		}
		if err := tx.set(keyCountDone, []byte{1}); err != nil {
			return err
		}
		if err := tx.set(keySummaryFormat, []byte{summaryFormat}); err != nil {
			return err
		}
		return tx.Audit("vault.create", "", "")
	})
}

func (v *Vault) checkMeta() error {
	return v.View(func(tx *Tx) error {
		m, err := getJSON[vaultMeta](tx, keyMeta)
		if errors.Is(err, ErrNotFound) {
			// The marker is written last, so the vault was complete:
			// its record went missing since.
			return fmt.Errorf("%s: %w", v.dir, recordDamaged(keyMeta, "the vault record is missing"))
		}
		if err != nil {
			return err
		}
		if m.ID != v.id {
			return fmt.Errorf("%s: the database belongs to vault %s, not %s: %w", v.dir, m.ID, v.id, ErrWrongKey)
		}
		return nil
	})
}

// Audit appends an audit entry by the transaction's actor. action is a
// dotted verb such as "invoice.issue"; object an id; detail a short,
// non-sensitive remark.
func (tx *Tx) Audit(action, object, detail string) error {
	if !tx.write {
		return errors.New("audit entry in a read-only transaction")
	}
	if action == "" {
		return errors.New("audit entry without an action")
	}
	if tx.head == nil {
		h, err := tx.readHead()
		switch {
		case errors.Is(err, ErrNotFound):
			h = AuditCheckpoint{Seq: 0, Hash: genesisHash(tx.v.id)}
		case err != nil:
			return err
		}
		tx.head = &h
	}
	e := AuditEntry{
		Seq:    tx.head.Seq + 1,
		Time:   tx.Now().UTC(),
		User:   tx.actor,
		Action: action,
		Object: object,
		Detail: detail,
		Prev:   tx.head.Hash,
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode audit entry: %w", err)
	}
	hash, tag, err := tx.v.chainHash(e.Prev, raw)
	if err != nil {
		return err
	}
	val, err := encodeAudit(storedAudit{Entry: raw, Hash: hash, Tag: tag})
	if err != nil {
		return err
	}
	if err := tx.set(auditKey(e.Seq), val); err != nil {
		return err
	}
	next := AuditCheckpoint{Seq: e.Seq, Hash: hash}
	if err := putJSON(tx, keyAuditHead, storedHead{Seq: next.Seq, Hash: next.Hash, Tag: tx.v.headTag(next)}); err != nil {
		return err
	}
	tx.head = &next
	tx.audits++
	return nil
}

// AuditCheckpoint returns the position of the last audit entry.
func (tx *Tx) AuditCheckpoint() (AuditCheckpoint, error) {
	h, err := tx.readHead()
	if errors.Is(err, ErrNotFound) {
		return AuditCheckpoint{Hash: genesisHash(tx.v.id)}, nil
	}
	return h, err
}

// EachAudit calls fn for every audit entry from seq from on, in order, until
// fn returns an error. It does not verify the chain; VerifyAudit does.
func (tx *Tx) EachAudit(from uint64, fn func(AuditEntry) error) error {
	it := tx.txn.NewIterator(badgerIterOpts(prefixAudit))
	defer it.Close()
	for it.Seek([]byte(auditKey(max(from, 1)))); it.Valid(); it.Next() {
		var e AuditEntry
		err := it.Item().Value(func(val []byte) error {
			val, err := tx.v.macs.open(string(it.Item().Key()), val)
			if err != nil {
				return err
			}
			sa, err := decodeAudit(val)
			if err != nil {
				return err
			}
			return json.Unmarshal(sa.Entry, &e)
		})
		if err != nil {
			return fmt.Errorf("decode audit entry %s: %w", it.Item().Key(), err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// AuditReport is the outcome of a successful verification.
type AuditReport struct {
	Entries uint64
	Head    AuditCheckpoint
}

// VerifyAudit walks the whole audit chain and checks every link: sequence
// numbers without gaps, each entry's recorded position, its chain hash and
// its HMAC tag, and that the chain ends where the head says. The first
// failure is returned as an *AuditError (errors.Is ErrAuditBroken) naming the
// entry and what is wrong with it.
func (v *Vault) VerifyAudit() (AuditReport, error) {
	return v.VerifyAuditContext(context.Background())
}

// VerifyAuditContext is VerifyAudit that stops early, returning ctx's
// error, when ctx is done.
func (v *Vault) VerifyAuditContext(ctx context.Context) (AuditReport, error) {
	return v.verifyAudit(ctx, AuditCheckpoint{})
}

// VerifyAuditSince verifies the chain from a checkpoint known to be good
// (from an earlier full verification): the entry at the checkpoint must
// still carry its hash and a valid tag, and every entry after it must link
// on. It is what unlock runs when the vault was closed cleanly and nothing
// changed since (see Seal), so that a large vault opens without reading its
// whole history; VerifyAudit checks everything.
func (v *Vault) VerifyAuditSince(ctx context.Context, from AuditCheckpoint) (AuditReport, error) {
	return v.verifyAudit(ctx, from)
}

func (v *Vault) verifyAudit(ctx context.Context, from AuditCheckpoint) (AuditReport, error) {
	var rep AuditReport
	err := v.View(func(tx *Tx) error {
		prev := genesisHash(v.id)
		var want uint64 = 1
		it := tx.txn.NewIterator(badgerIterOpts(prefixAudit))
		defer it.Close()
		it.Rewind()
		if from.Seq > 0 {
			it.Seek([]byte(auditKey(from.Seq)))
			if !it.Valid() || string(it.Item().Key()) != auditKey(from.Seq) {
				return &AuditError{Seq: from.Seq, Problem: "entry is missing (deleted)"}
			}
			val, err := tx.auditValue(it.Item(), from.Seq)
			if err != nil {
				return err
			}
			sa, err := decodeAudit(val)
			if err != nil || sa.Hash != from.Hash {
				return &AuditError{Seq: from.Seq, Problem: "entry was replaced since it was last verified"}
			}
			_, entryPrev, err := entryLinks(sa.Entry)
			if err != nil {
				return &AuditError{Seq: from.Seq, Problem: "entry is damaged (unreadable)"}
			}
			if err := v.checkAuditEntry(from.Seq, entryPrev, val, &prev); err != nil {
				return err
			}
			want = from.Seq + 1
			it.Next()
		}
		for ; it.Valid(); it.Next() {
			if want%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			item := it.Item()
			key := string(item.Key())
			seq, err := strconv.ParseUint(strings.TrimPrefix(key, prefixAudit), 10, 64)
			if err != nil || len(key) != len(prefixAudit)+auditDigits {
				return &AuditError{Seq: want, Problem: fmt.Sprintf("unexpected key %q in the audit trail", key)}
			}
			if seq != want {
				if want == seq-1 {
					return &AuditError{Seq: want, Problem: "entry is missing (deleted)"}
				}
				return &AuditError{Seq: want, Problem: fmt.Sprintf("entries %d to %d are missing (deleted)", want, seq-1)}
			}
			val, err := tx.auditValue(item, seq)
			if err != nil {
				return err
			}
			if err := v.checkAuditEntry(seq, prev, val, &prev); err != nil {
				return err
			}
			want++
		}
		last := want - 1
		head, err := tx.readHead()
		if errors.Is(err, ErrNotFound) {
			if last == 0 {
				return &AuditError{Seq: 1, Problem: "the audit trail is empty and its head is missing"}
			}
			return &AuditError{Seq: last, Problem: "the record of the chain's last entry is missing"}
		}
		if err != nil {
			return err
		}
		switch {
		case head.Seq > last:
			return &AuditError{Seq: last + 1, Problem: fmt.Sprintf("the trail is cut off: it ends at entry %d but %d entries were written", last, head.Seq)}
		case head.Seq < last:
			return &AuditError{Seq: head.Seq + 1, Problem: fmt.Sprintf("entries after %d were added outside SafeInvoice", head.Seq)}
		case head.Hash != prev:
			return &AuditError{Seq: last, Problem: "the last entry was replaced"}
		}
		rep = AuditReport{Entries: last, Head: head}
		return nil
	})
	return rep, err
}

// auditValue reads the stored entry at position seq and checks its record
// MAC; a mismatch is an *AuditError, as any other alteration of the trail.
func (tx *Tx) auditValue(item *badger.Item, seq uint64) ([]byte, error) {
	val, err := item.ValueCopy(nil)
	if err != nil {
		return nil, readError(string(item.Key()), err)
	}
	payload, err := tx.v.macs.open(string(item.Key()), val)
	if err != nil {
		return nil, &AuditError{Seq: seq, Problem: "entry was altered or damaged (its integrity tag does not match)"}
	}
	return payload, nil
}

// checkAuditEntry verifies one stored entry at position seq whose predecessor
// has chain hash prev, and moves *next to its own hash.
func (v *Vault) checkAuditEntry(seq uint64, prev string, val []byte, next *string) error {
	sa, err := decodeAudit(val)
	if err != nil {
		return &AuditError{Seq: seq, Problem: "entry is damaged (unreadable)"}
	}
	var e struct {
		Seq  uint64
		Prev string
	}
	if e.Seq, e.Prev, err = entryLinks(sa.Entry); err != nil {
		return &AuditError{Seq: seq, Problem: "entry is damaged (unreadable)"}
	}
	hash, tag, err := v.chainHash(e.Prev, sa.Entry)
	if err != nil {
		return &AuditError{Seq: seq, Problem: "entry is damaged (bad link)"}
	}
	if !hmac.Equal([]byte(hash), []byte(sa.Hash)) || !hmac.Equal([]byte(tag), []byte(sa.Tag)) {
		return &AuditError{Seq: seq, Problem: "entry was altered (its hash or tag does not match its contents)"}
	}
	if e.Seq != seq {
		return &AuditError{Seq: seq, Problem: fmt.Sprintf("entries were reordered: position %d holds entry %d", seq, e.Seq)}
	}
	if !bytes.Equal([]byte(e.Prev), []byte(prev)) {
		return &AuditError{Seq: seq, Problem: "the chain is broken before this entry (an earlier entry was replaced or removed)"}
	}
	*next = sa.Hash
	return nil
}
