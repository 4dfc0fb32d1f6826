package app

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"safeinvoice/storage"
)

// insider is what a user who knows only their own password can do with a
// program of their own: unlock the vault through their key slot, take the
// master key and the vault's audit and record secrets that every slot
// reaches, close it, and then open the database directly and rewrite
// records so that each one carries a valid MAC, the audit head a valid tag
// and every counter the right count. Only the administrators' signing key
// is out of its reach.
type insider struct {
	t         testing.TB
	id        string
	db        *badger.DB
	recordKey []byte
	auditKey  []byte
}

func openAsInsider(t testing.TB, cfg Config, user, password string) *insider {
	t.Helper()
	v, err := storage.Unlock(cfg.DataDir, user, password, cfg.storageOptions())
	if err != nil {
		t.Fatalf("unlock as %s: %v", user, err)
	}
	kit, err := v.RestoreKit()
	if err != nil {
		t.Fatal(err)
	}
	id := v.ID()
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	derive := func(secret []byte, info string) []byte {
		k, err := hkdf.Key(sha256.New, secret[:32], []byte(id), info, 32)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	db, err := badger.Open(badger.DefaultOptions(filepath.Join(cfg.DataDir, "db")).
		WithEncryptionKey(kit.Key).WithIndexCacheSize(1 << 20).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	in := &insider{t: t, id: id, db: db,
		recordKey: derive(kit.Secrets["secret/record_mac"], "safeinvoice record mac v1"),
		auditKey:  derive(kit.Secrets["secret/audit_hmac"], "safeinvoice audit hmac v1")}
	t.Cleanup(func() { _ = db.Close() })
	return in
}

func (in *insider) seal(key string, payload []byte) []byte {
	m := hmac.New(sha256.New, in.recordKey)
	var n [binary.MaxVarintLen64]byte
	m.Write(n[:binary.PutUvarint(n[:], uint64(len(key)))])
	m.Write([]byte(key))
	m.Write(payload)
	return append(append([]byte(nil), payload...), m.Sum(nil)[:16]...)
}

func (in *insider) get(txn *badger.Txn, key string) []byte {
	in.t.Helper()
	item, err := txn.Get([]byte(key))
	if err != nil {
		in.t.Fatalf("get %s: %v", key, err)
	}
	val, err := item.ValueCopy(nil)
	if err != nil {
		in.t.Fatal(err)
	}
	return val[:len(val)-16]
}

func (in *insider) put(txn *badger.Txn, key string, payload []byte) {
	in.t.Helper()
	if err := txn.Set([]byte(key), in.seal(key, payload)); err != nil {
		in.t.Fatal(err)
	}
}

// del deletes existing keys of one kind and lowers its counter.
func (in *insider) del(txn *badger.Txn, kind string, keys ...string) {
	in.t.Helper()
	for _, k := range keys {
		if err := txn.Delete([]byte(k)); err != nil {
			in.t.Fatal(err)
		}
	}
	n := binary.BigEndian.Uint64(in.get(txn, "count/"+kind))
	in.put(txn, "count/"+kind, binary.BigEndian.AppendUint64(nil, n-uint64(len(keys))))
}

func (in *insider) update(fn func(txn *badger.Txn)) {
	in.t.Helper()
	if err := in.db.Update(func(txn *badger.Txn) error { fn(txn); return nil }); err != nil {
		in.t.Fatal(err)
	}
}

func (in *insider) close() {
	in.t.Helper()
	if err := in.db.Close(); err != nil {
		in.t.Fatal(err)
	}
}

// cutTrail drops the newest n audit entries and tags the shortened chain's
// head, so that the chain verifies; with heads, the signed heads past the
// cut go too.
func (in *insider) cutTrail(n uint64, heads bool) {
	in.update(func(txn *badger.Txn) {
		var head struct {
			Seq  uint64 `json:"seq"`
			Hash string `json:"hash"`
			Tag  string `json:"tag"`
		}
		if err := json.Unmarshal(in.get(txn, "meta/audit_head"), &head); err != nil {
			in.t.Fatal(err)
		}
		var cut []string
		for seq := head.Seq - n + 1; seq <= head.Seq; seq++ {
			cut = append(cut, fmt.Sprintf("audit/%016d", seq))
		}
		in.del(txn, "audit", cut...)
		if heads {
			var signed []string
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("auditsig/")})
			for it.Rewind(); it.Valid(); it.Next() {
				var h storage.SignedHead
				if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v[:len(v)-16], &h) }); err != nil {
					in.t.Fatal(err)
				}
				if h.Seq > head.Seq-n {
					signed = append(signed, string(it.Item().KeyCopy(nil)))
				}
			}
			it.Close()
			if len(signed) > 0 {
				in.del(txn, "auditsig", signed...)
			}
		}
		head.Seq -= n
		head.Hash = hex.EncodeToString(in.get(txn, fmt.Sprintf("audit/%016d", head.Seq))[1:33])
		m := hmac.New(sha256.New, in.auditKey)
		fmt.Fprintf(m, "head\x00%d\x00%s", head.Seq, head.Hash)
		head.Tag = hex.EncodeToString(m.Sum(nil))
		data, _ := json.Marshal(head)
		in.put(txn, "meta/audit_head", data)
	})
}

// editUser rewrites a user record as edit leaves it.
func (in *insider) editUser(name string, edit func(u map[string]any)) {
	in.update(func(txn *badger.Txn) {
		var u map[string]any
		if err := json.Unmarshal(in.get(txn, "user/"+name), &u); err != nil {
			in.t.Fatal(err)
		}
		edit(u)
		data, _ := json.Marshal(u)
		in.put(txn, "user/"+name, data)
	})
}
