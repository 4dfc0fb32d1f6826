package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"google.golang.org/protobuf/proto"
)

// readStream decodes a backup stream into its entries, each as one line
// (key, version, value, user meta, meta without the value-pointer bit),
// sorted; the order of keys in a stream carries no meaning.
func readStream(t *testing.T, data []byte) []string {
	t.Helper()
	var out []string
	r := bytes.NewReader(data)
	for {
		var n uint64
		if err := binary.Read(r, binary.LittleEndian, &n); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(r, buf); err != nil {
			t.Fatal(err)
		}
		var list pb.KVList
		if err := proto.Unmarshal(buf, &list); err != nil {
			t.Fatal(err)
		}
		for _, kv := range list.Kv {
			var meta, user byte
			if len(kv.Meta) > 0 {
				meta = kv.Meta[0] &^ (1 << 1)
			}
			if len(kv.UserMeta) > 0 {
				user = kv.UserMeta[0]
			}
			out = append(out, fmt.Sprintf("%q@%d=%x u%d m%d e%d", kv.Key, kv.Version, kv.Value, user, meta, kv.ExpiresAt))
		}
	}
	slices.Sort(out)
	return out
}

// badgerStream is Badger's own Stream.Backup of the vault, as the stream
// writer must match it.
func badgerStream(t *testing.T, v *Vault, since uint64) ([]byte, uint64) {
	t.Helper()
	var buf bytes.Buffer
	st := v.db.NewStream()
	st.SinceTs = since
	st.ChooseKey = func(item *badger.Item) bool { return !isSecret(item.Key()) }
	until, err := st.Backup(&buf, since)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), until
}

// The vault's backup stream holds the entries Badger's own stream holds,
// in full and incrementally: values small and large (in the value log),
// keys written several times, keys deleted, and none of the secrets.
func TestBackupStreamMatchesBadgersStream(t *testing.T) {
	v, _ := newVault(t)
	big := strings.Repeat("x", 40<<10) // above the value threshold
	for i := range 300 {
		putClient(t, v, fmt.Sprintf("c%03d", i))
	}
	mustUpdate(t, v, func(tx *Tx) error {
		if err := tx.set(prefixAlert+"big", []byte(big)); err != nil {
			return err
		}
		return tx.Audit("alert.raise", "big", "")
	})
	// Values of every size from a few bytes to beyond the value
	// threshold, so that batches of 64 KB end at many places.
	for i := range 60 {
		mustUpdate(t, v, func(tx *Tx) error {
			key := fmt.Sprintf("%ssize%02d", prefixAlert, i)
			if err := tx.set(key, []byte(strings.Repeat(string(rune('a'+i%26)), 1+i*i*11))); err != nil {
				return err
			}
			return tx.Audit("alert.raise", key, "")
		})
	}
	check := func(since uint64, some bool) uint64 {
		t.Helper()
		want, wantUntil := badgerStream(t, v, since)
		w := readStream(t, want)
		var until uint64
		// The whole stream in one batch, in several, and cut after
		// every entry (so that a key's older versions start a batch).
		for _, batch := range []int{streamBatch, 64 << 10, 1} {
			var got bytes.Buffer
			u, err := writeBackupStream(v.db, &got, since, func(key []byte) bool { return !isSecret(key) }, batch)
			if err != nil {
				t.Fatal(err)
			}
			g := readStream(t, got.Bytes())
			if (len(g) > 0) != some || !slices.Equal(w, g) {
				t.Fatalf("since %d, batches of %d bytes: %d entries, Badger's stream %d\nfirst different: %v", since, batch, len(g), len(w), firstDiff(w, g))
			}
			if u != wantUntil {
				t.Errorf("since %d: until %d, Badger says %d", since, u, wantUntil)
			}
			for _, e := range g {
				if strings.HasPrefix(e, `"`+prefixSecret) {
					t.Errorf("a secret in the stream: %.60s", e)
				}
			}
			until = u
		}
		return until
	}
	first := check(0, true)
	// Rewrites, deletes and a large value replaced, then an incremental.
	for i := range 50 {
		putClient(t, v, fmt.Sprintf("c%03d", i*3))
	}
	mustUpdate(t, v, func(tx *Tx) error {
		for i := range 20 {
			if err := tx.DeleteClient(fmt.Sprintf("c%03d", 200+i)); err != nil {
				return err
			}
		}
		for i := 0; i < 60; i += 3 {
			if err := tx.txn.Delete([]byte(fmt.Sprintf("%ssize%02d", prefixAlert, i))); err != nil {
				return err
			}
		}
		if err := tx.set(prefixAlert+"big", []byte(big+"y")); err != nil {
			return err
		}
		return tx.Audit("client.delete", "c200…c219", "")
	})
	second := check(first, true)
	check(0, true)
	if err := v.db.Flatten(1); err != nil { // the entries now in tables, not memtables
		t.Fatal(err)
	}
	check(0, true)
	check(second, false) // nothing since
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("%.120s | %.120s", a[i], b[i])
		}
	}
	return "one is a prefix of the other"
}

// failAfter accepts n bytes, then fails every write.
type failAfter struct{ n int }

var errDiskFull = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, errDiskFull
	}
	f.n -= len(p)
	return len(p), nil
}

// A writer's error is the backup's error, whichever batch it fails at.
func TestBackupStreamReturnsTheWritersError(t *testing.T) {
	v, _ := newVault(t)
	big := strings.Repeat("y", 1<<20)
	for i := range 12 { // 12 MB: twelve batches
		mustUpdate(t, v, func(tx *Tx) error {
			if err := tx.set(fmt.Sprintf("%sbig%02d", prefixAlert, i), []byte(big)); err != nil {
				return err
			}
			return tx.Audit("alert.raise", "big", "")
		})
	}
	for _, n := range []int{0, 5 << 20, 9 << 20} {
		if _, err := writeBackupStream(v.db, &failAfter{n: n}, 0, func([]byte) bool { return true }, streamBatch); !errors.Is(err, errDiskFull) {
			t.Errorf("failing after %d bytes: %v", n, err)
		}
	}
	if _, err := v.Backup(&failAfter{n: 1 << 20}, 0); !errors.Is(err, errDiskFull) {
		t.Errorf("Backup: %v", err)
	}
}
