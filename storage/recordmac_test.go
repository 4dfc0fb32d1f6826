package storage

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"safeinvoice/internal/testkit"
	"safeinvoice/invoice"
)

// fillBooks writes n clients and n invoices.
func fillBooks(t *testing.T, v *Vault, n int) {
	t.Helper()
	for start := 0; start < n; start += 100 {
		mustUpdate(t, v, func(tx *Tx) error {
			for i := start; i < min(start+100, n); i++ {
				c := invoice.Client{ID: fmt.Sprintf("c%04d", i), Name: fmt.Sprintf("Client %d Łódź", i), Email: fmt.Sprintf("c%d@example.com", i)}
				if err := tx.PutClient(c); err != nil {
					return err
				}
				inv := invoice.Invoice{ID: fmt.Sprintf("i%04d", i), Kind: invoice.KindInvoice, Status: invoice.StatusDraft,
					ClientID: c.ID, Currency: "EUR", IssueDate: "2026-11-01", DueDate: "2026-12-01", Notes: strings.Repeat("note ", i%7),
					Lines: []invoice.Line{{Description: fmt.Sprintf("Work %d", i), Quantity: "1", UnitPrice: fmt.Sprintf("%d.50", i), TaxRate: "19"}}}
				if err := tx.PutInvoice(inv); err != nil {
					return err
				}
			}
			return tx.Audit("test.fill", "", "")
		})
	}
}

// allPayloads reads every record of the vault, checked, by key.
func allPayloads(t *testing.T, v *Vault) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := v.View(func(tx *Tx) error {
		return tx.eachRaw("", func(key, val []byte) error {
			if k := string(key); !exemptFromMAC(k) && k != keyMACMigration {
				got[k] = string(val)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// tamper changes the stored value at key inside the open vault, below the
// record layer, as damage on disk or someone without the record key would.
func tamper(t *testing.T, v *Vault, key string, change func(stored []byte) []byte) {
	t.Helper()
	err := v.db.Update(func(txn *badger.Txn) error {
		val, err := getStored(txn, key)
		if err != nil {
			return err
		}
		return txn.Set([]byte(key), change(val))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func wantDamaged(t *testing.T, what string, err error, record string) {
	t.Helper()
	var de *DamagedError
	if !errors.As(err, &de) || !errors.Is(err, ErrDamaged) {
		t.Fatalf("%s: got %v, want a *DamagedError", what, err)
	}
	if record != "" && de.Record != record {
		t.Errorf("%s: the error names %q, want %q", what, de.Record, record)
	}
}

func TestAlteredOrMovedRecordsAreDamaged(t *testing.T) {
	v, _ := newVault(t)
	fillBooks(t, v, 3)
	client := func(id string) error {
		return v.View(func(tx *Tx) error { _, err := tx.Client(id); return err })
	}
	if err := client("c0000"); err != nil {
		t.Fatal(err)
	}
	// One bit of the payload: the JSON would still decode, to a wrong name.
	tamper(t, v, "client/c0000", func(b []byte) []byte {
		i := bytes.Index(b, []byte("Client 0"))
		b[i+7] ^= 0x01 // "Client 1"
		return b
	})
	wantDamaged(t, "flipped bit", client("c0000"), "client/c0000")
	// A whole record moved under another key.
	tamper(t, v, "client/c0001", func([]byte) []byte {
		var other []byte
		_ = v.db.View(func(txn *badger.Txn) error { other, _ = getStored(txn, "client/c0002"); return nil })
		return other
	})
	wantDamaged(t, "moved record", client("c0001"), "client/c0001")
	// The tag cut off.
	tamper(t, v, "invoice/i0002", func(b []byte) []byte { return b[:len(b)-macSize] })
	err := v.View(func(tx *Tx) error { _, err := tx.Invoice("i0002"); return err })
	wantDamaged(t, "cut tag", err, "invoice/i0002")
	// A walk stops at the first damaged record instead of skipping it.
	seen := 0
	err = v.View(func(tx *Tx) error {
		return tx.EachClient(func(invoice.Client) error { seen++; return nil })
	})
	wantDamaged(t, "EachClient", err, "client/c0000")
	if seen != 0 {
		t.Errorf("EachClient passed %d clients before the damaged first one", seen)
	}
	// The summary of an intact invoice still reads.
	if err := v.View(func(tx *Tx) error {
		return tx.EachInvoiceSummary(func(InvoiceSummary) error { return nil })
	}); err != nil {
		t.Errorf("the summaries are intact: %v", err)
	}
}

// A record that disappears from the database files is reported by the
// walk that misses it, because the counters say how many there are.
func TestLostRecordIsDamage(t *testing.T) {
	v, dir := newVault(t)
	fillBooks(t, v, 5)
	if err := v.db.Update(func(txn *badger.Txn) error { return txn.Delete([]byte("invoice/i0003")) }); err != nil {
		t.Fatal(err)
	}
	err := v.View(func(tx *Tx) error { return tx.EachInvoice(func(invoice.Invoice) error { return nil }) })
	wantDamaged(t, "EachInvoice", err, "invoice/…")
	if !strings.Contains(err.Error(), "4 invoice records found where 5 were written") {
		t.Errorf("error %q does not say how many are missing", err)
	}
	// The vault record itself lost: damage, not "never completely created".
	key := masterKey(v)
	if err := v.db.Update(func(txn *badger.Txn) error { return txn.Delete([]byte(keyMeta)) }); err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, key, testOptions())
	wantDamaged(t, "open", err, keyMeta)
	if errors.Is(err, ErrIncomplete) {
		t.Errorf("a damaged vault is called incomplete: %v", err)
	}
}

// TestBitFlipsNeverChangeTheBooksSilently flips one random bit in a data
// file of a closed vault, 200 times, each time in a fresh copy, knowing no
// key: every open and every read either gives the books as they were or
// ErrDamaged, never other values.
func TestBitFlipsNeverChangeTheBooksSilently(t *testing.T) {
	v, dir := newVault(t)
	fillBooks(t, v, 120)
	want := allPayloads(t, v)
	key := masterKey(v)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, pat := range []string{"*.sst", "*.vlog"} {
		m, err := filepath.Glob(filepath.Join(dir, dbDir, pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no data files")
	}
	r := rand.New(rand.NewPCG(7, 11))
	trials := 200
	if testing.Short() {
		trials = 40
	}
	outcome := map[string]int{}
	for trial := range trials {
		copyDir, where, ok := flippedCopy(t, r, dir, files)
		if !ok {
			continue
		}
		where = fmt.Sprintf("trial %d: %s", trial, where)
		outcome[flipOutcome(t, where, copyDir, key, want)]++
	}
	t.Logf("outcomes of %d flips: %v", trials, outcome)
}

// flipOutcome opens a vault with one flipped bit and reads everything.
func flipOutcome(t *testing.T, where, dir string, key []byte, want map[string]string) string {
	t.Helper()
	v, err := Open(dir, key, testOptions())
	if err != nil {
		if !errors.Is(err, ErrDamaged) {
			t.Errorf("%s: open failed with %v, want ErrDamaged", where, err)
		}
		return "refused at open"
	}
	defer func() { _ = v.Close() }()
	damagedReads := 0
	err = v.View(func(tx *Tx) error {
		damagedReads += readBack(t, where, tx, want)
		for _, walk := range []func() error{
			func() error { return tx.EachClient(func(invoice.Client) error { return nil }) },
			func() error { return tx.EachInvoice(func(invoice.Invoice) error { return nil }) },
			func() error { return tx.EachInvoiceSummary(func(InvoiceSummary) error { return nil }) },
		} {
			if err := walk(); errors.Is(err, ErrDamaged) {
				damagedReads++
			} else if err != nil {
				t.Errorf("%s: walk: %v, want nil or ErrDamaged", where, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Errorf("%s: %v", where, err)
	}
	if damagedReads > 0 {
		return "damage reported on read"
	}
	return "no effect"
}

// flippedCopy copies the vault in dir and flips one random bit of one of
// its files (named as in dir), knowing no key. It says where, and false
// when the chosen file is empty.
func flippedCopy(t *testing.T, r *rand.Rand, dir string, files []string) (copyDir, where string, ok bool) {
	t.Helper()
	copyDir = filepath.Join(flipDir(t), "vault")
	testkit.CopyTree(t, dir, copyDir)
	file := filepath.Base(files[r.IntN(len(files))])
	target := filepath.Join(copyDir, dbDir, file)
	data, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 {
		return "", "", false
	}
	bit := r.IntN(len(data) * 8)
	data[bit/8] ^= 1 << (bit % 8)
	if err := os.WriteFile(target, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return copyDir, fmt.Sprintf("bit %d of %s", bit, file), true
}

// flipDir is a temporary folder for one flipped copy. On Windows a copy
// that Badger refused to open cannot always be removed before the test
// process ends: a failed badger.Open leaves some of its files open, and
// Windows does not delete an open file. There the folder is removed as far
// as it can be, and what is left is logged, not failed.
func flipDir(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "windows" {
		return t.TempDir()
	}
	d, err := os.MkdirTemp("", "flip")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(d); err != nil {
			t.Logf("left behind (held open by a failed open): %v", err)
		}
	})
	return d
}

// readBack reads every record of want: each must be its value or
// ErrDamaged. It returns how many were reported damaged.
func readBack(t *testing.T, where string, tx *Tx, want map[string]string) (damaged int) {
	t.Helper()
	for k, w := range want {
		got, err := tx.getRaw(k)
		switch {
		case errors.Is(err, ErrDamaged):
			damaged++
		case err != nil:
			t.Errorf("%s: reading %s: %v, want the value or ErrDamaged", where, k, err)
		case string(got) != w:
			t.Errorf("%s: %s silently changed", where, k)
		}
	}
	return damaged
}

// legacyVault makes a vault as it was before records were authenticated,
// with n clients and invoices, and closes it.
func legacyVault(t *testing.T, n int) (dir string, before map[string]string) {
	t.Helper()
	dir = t.TempDir()
	opts := testOptions()
	opts.legacyRecords = true
	v, err := Create(dir, testUser, testPassword, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	if v.macs != nil {
		t.Fatal("a legacy vault got a record key")
	}
	fillBooks(t, v, n)
	before = allPayloads(t, v)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, before
}

// everyValueCarriesItsMAC checks the stored values below the record layer.
func everyValueCarriesItsMAC(t *testing.T, v *Vault) {
	t.Helper()
	if v.macs == nil || v.macs.migrating {
		t.Fatal("the vault's records are not all authenticated")
	}
	checked := 0
	err := v.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := string(it.Item().Key())
			if exemptFromMAC(k) {
				continue
			}
			val, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			if _, err := v.macs.open(k, val); err != nil {
				return err
			}
			checked++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no value checked")
	}
}

func TestLegacyVaultIsAuthenticatedAtFirstUnlock(t *testing.T) {
	dir, before := legacyVault(t, 1200) // several chunks
	// Opening with the key, as a restore does, changes nothing.
	v, err := Unlock(dir, testUser, testPassword, func() Options {
		o := testOptions()
		o.migrateHook = func(done int) error {
			if done >= migrateChunk {
				return errors.New("power cut") // after the first chunk
			}
			return nil
		}
		return o
	}())
	if err == nil || !strings.Contains(err.Error(), "power cut") {
		if v != nil {
			_ = v.Close()
		}
		t.Fatalf("interrupted migration: got %v", err)
	}
	// Half done: Open reads both halves right.
	key := func() []byte {
		ident, _, err := readSlot(dir, mustVaultID(t, dir), testUser, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		k, err := readUserKey(keyPath(dir, testUser), mustVaultID(t, dir), testUser, ident)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}()
	half, err := Open(dir, key, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !half.macs.migrating || half.macs.cursor == "" {
		t.Fatalf("no pending migration after the interruption: %+v", half.macs)
	}
	if got := allPayloads(t, half); !samePayloads(got, before) {
		t.Fatal("records read differently in a half-migrated vault")
	}
	if err := half.Close(); err != nil {
		t.Fatal(err)
	}
	// The next unlock finishes.
	v, err = Unlock(dir, testUser, testPassword, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	everyValueCarriesItsMAC(t, v)
	if st, _ := v.Seal(); st == SealChanged {
		t.Errorf("the migration was taken for a change made while the vault was closed")
	}
	after := allPayloads(t, v)
	for k, val := range before {
		if after[k] != val && k != keyMeta && !strings.HasPrefix(k, prefixCount) && k != keyAuditHead {
			t.Fatalf("%s changed in the migration", k)
		}
	}
	if _, err := v.VerifyAudit(); err != nil {
		t.Fatal(err)
	}
	var last AuditEntry
	var meta vaultMeta
	if err := v.View(func(tx *Tx) error {
		if err := tx.EachAudit(0, func(e AuditEntry) error { last = e; return nil }); err != nil {
			return err
		}
		var err error
		meta, err = getJSON[vaultMeta](tx, keyMeta)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if last.Action != "vault.authenticate" || last.User != testUser || meta.Records != recordsFormat {
		t.Errorf("last audit entry %+v, vault record %+v", last, meta)
	}
	counts, err := v.Counts()
	if err != nil {
		t.Fatal(err)
	}
	if err := v.View(func(tx *Tx) error {
		kept, err := tx.Counters()
		if err != nil {
			return err
		}
		if fmt.Sprint(kept) != fmt.Sprint(counts) {
			return fmt.Errorf("counters %v, scan %v", kept, counts)
		}
		return nil
	}); err != nil {
		t.Error(err)
	}
	// And a second unlock has nothing to do, and finds the vault as it
	// was left.
	v = reopen(t, v, dir)
	everyValueCarriesItsMAC(t, v)
	if st, _ := v.Seal(); st != SealOK {
		t.Errorf("seal status after a clean close: %v, want SealOK", st)
	}
}

// A legacy vault closed cleanly is authenticated at its first unlock
// without an alarm: the migration is not a change made while closed.
func TestMigrationKeepsTheSealClean(t *testing.T) {
	dir, _ := legacyVault(t, 10)
	v, err := Unlock(dir, testUser, testPassword, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	if st, _ := v.Seal(); st != SealOK {
		t.Errorf("seal status at the migrating unlock: %v, want SealOK", st)
	}
	everyValueCarriesItsMAC(t, v)
}

func mustVaultID(t *testing.T, dir string) string {
	t.Helper()
	id, err := VaultID(dir)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func samePayloads(a, b map[string]string) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// TestWritesRacingCloseLeaveAnHonestSeal closes the vault while writers
// are busy, 100 times: the next unlock never finds the vault changed
// while it was closed.
func TestWritesRacingCloseLeaveAnHonestSeal(t *testing.T) {
	v, dir := newVault(t)
	runs := 100
	if testing.Short() {
		runs = 20
	}
	for run := range runs {
		done := make(chan struct{})
		for w := range 3 {
			go func() {
				defer func() { done <- struct{}{} }()
				for i := 0; ; i++ {
					err := v.Update(testUser, func(tx *Tx) error {
						if _, err := tx.NextSeq(fmt.Sprintf("w%d", w)); err != nil {
							return err
						}
						return tx.Audit("test.write", "", fmt.Sprint(i))
					})
					if errors.Is(err, ErrClosed) {
						return
					}
					if err != nil {
						t.Errorf("run %d: write: %v", run, err)
						return
					}
				}
			}()
		}
		if err := v.Close(); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			<-done
		}
		var err error
		if v, err = Unlock(dir, testUser, testPassword, testOptions()); err != nil {
			t.Fatal(err)
		}
		if st, _ := v.Seal(); st != SealOK {
			t.Fatalf("run %d: the next unlock found seal status %v, want SealOK", run, st)
		}
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
}

// A walk inside the transaction that adds or deletes records counts them.
func TestWalkCountsTheTransactionsOwnWrites(t *testing.T) {
	v, _ := newVault(t)
	fillBooks(t, v, 3)
	mustUpdate(t, v, func(tx *Tx) error {
		if err := tx.PutClient(invoice.Client{ID: "new", Name: "New", Email: "n@example.com"}); err != nil {
			return err
		}
		if err := tx.DeleteClient("c0000"); err != nil {
			return err
		}
		if err := tx.PutClient(invoice.Client{ID: "new2", Name: "New 2", Email: "n2@example.com"}); err != nil {
			return err
		}
		n := 0
		if err := tx.EachClient(func(invoice.Client) error { n++; return nil }); err != nil {
			return err
		}
		if n != 4 {
			return fmt.Errorf("walked %d clients, want 4", n)
		}
		return tx.Audit("test.clients", "", "")
	})
}

// With the file check in the background, a bit flip is still never read
// as another value: a record lost to a damaged block waits for the check
// and reports the damage.
func TestBitFlipsWithTheFileCheckInTheBackground(t *testing.T) {
	v, dir := newVault(t)
	fillBooks(t, v, 120)
	want := allPayloads(t, v)
	key := masterKey(v)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	tables, err := filepath.Glob(filepath.Join(dir, dbDir, "*.sst"))
	if err != nil || len(tables) == 0 {
		t.Fatalf("no tables: %v", err)
	}
	r := rand.New(rand.NewPCG(3, 5))
	reported := 0
	for trial := range 40 {
		copyDir, where, ok := flippedCopy(t, r, dir, tables)
		if !ok {
			continue
		}
		where = fmt.Sprintf("trial %d: %s", trial, where)
		opts := testOptions()
		opts.BackgroundFileCheck = true
		bv, err := Open(copyDir, key, opts)
		if err != nil {
			if !errors.Is(err, ErrDamaged) {
				t.Errorf("%s: open: %v", where, err)
			}
			continue
		}
		err = bv.View(func(tx *Tx) error {
			reported += readBack(t, where, tx, want)
			return nil
		})
		if err != nil && !errors.Is(err, ErrDamaged) {
			t.Errorf("%s: %v", where, err)
		}
		if ferr := bv.FileCheck(); ferr != nil && !errors.Is(ferr, ErrDamaged) {
			t.Errorf("%s: file check: %v", where, ferr)
		}
		if err := bv.Close(); err != nil && !errors.Is(err, ErrDamaged) {
			t.Errorf("%s: close: %v", where, err)
		}
	}
	if reported == 0 {
		t.Error("no flip was reported on a read: the background check was never consulted")
	}
}
