package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// chainVault makes a vault with 8 audit entries (vault.create and seven
// updates), closes it and returns its directory and master key.
func chainVault(t *testing.T) (string, []byte) {
	t.Helper()
	v, dir := newVault(t)
	for i := 2; i <= 8; i++ {
		mustUpdate(t, v, func(tx *Tx) error {
			if _, err := tx.NextSeq("n"); err != nil {
				return err
			}
			return tx.Audit("test.step", fmt.Sprint(i), fmt.Sprintf("step %d", i))
		})
	}
	key := masterKey(v)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, key
}

// rawDB opens the vault's Badger database directly with the master key, as
// an attacker holding the key could.
func rawDB(t *testing.T, dir string, key []byte) *badger.DB {
	t.Helper()
	db, err := badger.Open(badgerOptions(dir, key, nil, true))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// rawMACs is what the key holder computes record MACs with: the vault's
// record secret, which the master key opens.
func rawMACs(txn *badger.Txn) (*recordMAC, error) {
	secret, err := getStored(txn, keyRecordSecret)
	if err != nil {
		return nil, err
	}
	return newRecordMAC(secret[:secretSize], peekVaultID(txn)), nil
}

// rawGet reads a payload as the key holder can.
func rawGet(t *testing.T, txn *badger.Txn, key string) []byte {
	t.Helper()
	val, err := getStored(txn, key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	m, err := rawMACs(txn)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := m.open(key, val)
	if err != nil {
		t.Fatal(err)
	}
	return payload
}

// rawSet writes a payload with a valid record MAC, as the key holder can:
// only the audit chain's own checks stand in their way.
func rawSet(txn *badger.Txn, key string, payload []byte) error {
	m, err := rawMACs(txn)
	if err != nil {
		return err
	}
	return txn.Set([]byte(key), m.seal(key, payload))
}

func TestAuditTamperingIsDetectedAndNamed(t *testing.T) {
	editEntry := func(edit func(e *AuditEntry, sa *storedAudit)) func(*testing.T, *badger.Txn) {
		return func(t *testing.T, txn *badger.Txn) {
			sa, err := decodeAudit(rawGet(t, txn, auditKey(4)))
			if err != nil {
				t.Fatal(err)
			}
			var e AuditEntry
			if err := json.Unmarshal(sa.Entry, &e); err != nil {
				t.Fatal(err)
			}
			edit(&e, &sa)
			if err := rawSet(txn, auditKey(4), mustJSON(t, sa)); err != nil {
				t.Fatal(err)
			}
		}
	}
	del := func(keys ...string) func(*testing.T, *badger.Txn) {
		return func(t *testing.T, txn *badger.Txn) {
			for _, k := range keys {
				if err := txn.Delete([]byte(k)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	cases := []struct {
		name    string
		tamper  func(*testing.T, *badger.Txn)
		seq     uint64
		problem string
	}{
		{"altered detail", editEntry(func(e *AuditEntry, sa *storedAudit) {
			e.Detail = "nothing happened"
			sa.Entry, _ = json.Marshal(e)
		}), 4, "altered"},
		{"altered user with recomputed hash", editEntry(func(e *AuditEntry, sa *storedAudit) {
			e.User = "mallory"
			sa.Entry, _ = json.Marshal(e)
			p, _ := hex.DecodeString(e.Prev)
			sum := sha256.Sum256(append(p, sa.Entry...))
			sa.Hash = hex.EncodeToString(sum[:])
		}), 4, "altered"},
		{"garbage", func(t *testing.T, txn *badger.Txn) {
			if err := rawSet(txn, auditKey(4), []byte("\x00garbage")); err != nil {
				t.Fatal(err)
			}
		}, 4, "damaged"},
		{"deleted entry", del(auditKey(4)), 4, "missing"},
		{"deleted range", del(auditKey(4), auditKey(5)), 4, "missing"},
		{"reordered", func(t *testing.T, txn *badger.Txn) {
			a, b := rawGet(t, txn, auditKey(4)), rawGet(t, txn, auditKey(5))
			if err := rawSet(txn, auditKey(4), b); err != nil {
				t.Fatal(err)
			}
			if err := rawSet(txn, auditKey(5), a); err != nil {
				t.Fatal(err)
			}
		}, 4, "reordered"},
		{"entry replaced by a copy of another", func(t *testing.T, txn *badger.Txn) {
			if err := rawSet(txn, auditKey(4), rawGet(t, txn, auditKey(3))); err != nil {
				t.Fatal(err)
			}
		}, 4, "reordered"},
		{"tail cut off", del(auditKey(7), auditKey(8)), 7, "cut off"},
		{"tail cut off and head moved back", func(t *testing.T, txn *badger.Txn) {
			del(auditKey(7), auditKey(8))(t, txn)
			sa, err := decodeAudit(rawGet(t, txn, auditKey(6)))
			if err != nil {
				t.Fatal(err)
			}
			if err := rawSet(txn, keyAuditHead, mustJSON(t, storedHead{Seq: 6, Hash: sa.Hash})); err != nil {
				t.Fatal(err)
			}
		}, 6, "last entry was altered"},
		{"head deleted", del(keyAuditHead), 8, "last entry is missing"},
		{"everything deleted", del(auditKey(1), auditKey(2), auditKey(3), auditKey(4), auditKey(5), auditKey(6), auditKey(7), auditKey(8)), 1, "cut off"},
		{"entry appended", func(t *testing.T, txn *badger.Txn) {
			if err := rawSet(txn, auditKey(9), rawGet(t, txn, auditKey(8))); err != nil {
				t.Fatal(err)
			}
		}, 9, "reordered"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir, key := chainVault(t)
			db := rawDB(t, dir, key)
			txn := db.NewTransaction(true)
			tc.tamper(t, txn)
			if err := txn.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			v, err := Unlock(dir, testUser, testPassword, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			_, err = v.VerifyAudit()
			var ae *AuditError
			if !errors.As(err, &ae) || !errors.Is(err, ErrAuditBroken) {
				t.Fatalf("VerifyAudit = %v, want an *AuditError", err)
			}
			if ae.Seq != tc.seq || !strings.Contains(ae.Problem, tc.problem) {
				t.Errorf("got entry %d %q, want entry %d with %q", ae.Seq, ae.Problem, tc.seq, tc.problem)
			}
		})
	}
}

func TestUntamperedChainVerifies(t *testing.T) {
	dir, _ := chainVault(t)
	v, err := Unlock(dir, testUser, testPassword, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	rep, err := v.VerifyAudit()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Entries != 8 || rep.Head.Seq != 8 {
		t.Errorf("report %+v, want 8 entries", rep)
	}
	var actions []string
	err = v.View(func(tx *Tx) error {
		return tx.EachAudit(7, func(e AuditEntry) error {
			actions = append(actions, fmt.Sprintf("%d:%s:%s:%s", e.Seq, e.User, e.Action, e.Detail))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"7:alice:test.step:step 7", "8:alice:test.step:step 8"}
	if fmt.Sprint(actions) != fmt.Sprint(want) {
		t.Errorf("EachAudit from 7 = %v, want %v", actions, want)
	}
}

// An audit entry appended with the HMAC key of another vault is refused
// even though its chain hash is right.
func TestAuditEntryFromAnotherKeyIsRefused(t *testing.T) {
	dir, key := chainVault(t)
	db := rawDB(t, dir, key)
	txn := db.NewTransaction(true)
	prev, err := decodeAudit(rawGet(t, txn, auditKey(8)))
	if err != nil {
		t.Fatal(err)
	}
	var id vaultMeta
	if err := json.Unmarshal(rawGet(t, txn, keyMeta), &id); err != nil {
		t.Fatal(err)
	}
	other := &Vault{id: id.ID, auditKey: make([]byte, 32)} // not this vault's key
	raw := mustJSON(t, AuditEntry{Seq: 9, User: "mallory", Action: "invoice.delete", Prev: prev.Hash})
	hash, tag, err := other.chainHash(prev.Hash, raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := rawSet(txn, auditKey(9), mustJSON(t, storedAudit{Entry: raw, Hash: hash, Tag: tag})); err != nil {
		t.Fatal(err)
	}
	c := AuditCheckpoint{Seq: 9, Hash: hash}
	if err := rawSet(txn, keyAuditHead, mustJSON(t, storedHead{Seq: 9, Hash: hash, Tag: other.headTag(c)})); err != nil {
		t.Fatal(err)
	}
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	v, err := Open(dir, key, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	_, err = v.VerifyAudit()
	var ae *AuditError
	if !errors.As(err, &ae) || ae.Seq != 9 || !strings.Contains(ae.Problem, "altered") {
		t.Fatalf("VerifyAudit = %v, want entry 9 altered", err)
	}
}

func TestVerifyAuditSinceCheckpoint(t *testing.T) {
	dir, key := chainVault(t)
	v, err := Open(dir, key, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	var cp AuditCheckpoint
	if err := v.View(func(tx *Tx) error {
		var sa storedAudit
		raw, err := tx.getRaw(auditKey(5))
		if err != nil {
			return err
		}
		if sa, err = decodeAudit(raw); err != nil {
			return err
		}
		cp = AuditCheckpoint{Seq: 5, Hash: sa.Hash}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rep, err := v.VerifyAuditSince(context.Background(), cp)
	if err != nil || rep.Entries != 8 {
		t.Fatalf("from a good checkpoint: %+v %v", rep, err)
	}
	if _, err := v.VerifyAuditSince(context.Background(), AuditCheckpoint{Seq: 5, Hash: "00"}); err == nil || !strings.Contains(err.Error(), "replaced since") {
		t.Errorf("a checkpoint that no longer matches: %v", err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, dir, key)
	txn := db.NewTransaction(true)
	if err := txn.Delete([]byte(auditKey(7))); err != nil {
		t.Fatal(err)
	}
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	v, err = Open(dir, key, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	var ae *AuditError
	if _, err := v.VerifyAuditSince(context.Background(), cp); !errors.As(err, &ae) || ae.Seq != 7 {
		t.Errorf("a deletion after the checkpoint: %v", err)
	}
}

func TestEntryLinksFastPathAgreesWithJSON(t *testing.T) {
	for _, e := range []AuditEntry{
		{Seq: 1, User: "a", Action: "x", Prev: strings.Repeat("ab", 32)},
		{Seq: 123456789, User: `we"ird,"prev":"`, Action: "y", Object: "o", Detail: "d,\"prev\":", Prev: strings.Repeat("0f", 32)},
	} {
		raw := mustJSON(t, e)
		seq, prev, err := entryLinks(raw)
		if err != nil || seq != e.Seq || prev != e.Prev {
			t.Errorf("entryLinks(%s) = %d %q %v", raw, seq, prev, err)
		}
	}
	if _, _, err := entryLinks([]byte(`{"seq":`)); err == nil {
		t.Error("truncated entry accepted")
	}
	val, err := encodeAudit(storedAudit{Entry: []byte(`{}`), Hash: strings.Repeat("11", 32), Tag: strings.Repeat("22", 32)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range val {
		if _, err := decodeAudit(val[:i]); err == nil && i < 65 {
			t.Fatalf("value cut to %d bytes decoded", i)
		}
	}
}
