package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"safeinvoice/auth"
	"safeinvoice/invoice"
)

var t1 = time.Date(2026, 11, 1, 10, 30, 0, 0, time.UTC)

func sampleRecords(marker string) (invoice.Client, invoice.Invoice, auth.User, Settings) {
	c := invoice.Client{ID: "c1", Name: "Müller & Söhne KG " + marker, Email: "ap@example.com",
		Address: "Hauptstraße 1, Berlin " + marker, Created: t1, Updated: t1}
	inv := invoice.Invoice{ID: "i1", Number: "INV-2026-0001", Kind: invoice.KindInvoice,
		Status: invoice.StatusIssued, ClientID: "c1", Currency: "EUR",
		IssueDate: "2026-11-01", DueDate: "2026-12-01", Notes: "Thanks " + marker, Terms: "30 days",
		Lines: []invoice.Line{
			{Description: "Consulting " + marker, Quantity: "2", UnitPrice: "150.00", TaxRate: "19", Discount: "0"},
			{Description: "Discount", Quantity: "1", UnitPrice: "-20.00", TaxRate: "19"},
		},
		Payments: []invoice.Payment{{Date: "2026-11-20", Amount: "100.00", Note: marker}},
		Created:  t1, Updated: t1}
	u := auth.User{Name: "bob", Role: auth.RoleBookkeeper, PasswordChanged: t1, Created: t1}
	s := Settings{BusinessName: "Acme " + marker, BusinessAddress: "1 Road", Currency: "EUR",
		NumberPattern: "INV-{YYYY}-{SEQ:4}", Logo: []byte{0x89, 'P', 'N', 'G'}, PaymentDays: 30}
	return c, inv, u, s
}

func TestRoundTripEveryRecordType(t *testing.T) {
	v, dir := newVault(t)
	c, inv, u, s := sampleRecords("")
	const identity = "AGE-SECRET-KEY-1EXAMPLEEXAMPLEEXAMPLE"
	mustUpdate(t, v, func(tx *Tx) error {
		if err := tx.PutClient(c); err != nil {
			return err
		}
		if err := tx.PutInvoice(inv); err != nil {
			return err
		}
		if err := tx.PutUser(u); err != nil {
			return err
		}
		if err := tx.PutSettings(s); err != nil {
			return err
		}
		if err := tx.PutRecoveryIdentity(identity); err != nil {
			return err
		}
		for range 3 {
			if _, err := tx.NextSeq("invoice"); err != nil {
				return err
			}
		}
		return tx.Audit("test.seed", "", "")
	})
	v = reopen(t, v, dir)
	err := v.View(func(tx *Tx) error {
		gotC, err := tx.Client("c1")
		if err != nil {
			return err
		}
		gotI, err := tx.Invoice("i1")
		if err != nil {
			return err
		}
		gotU, err := tx.User("bob")
		if err != nil {
			return err
		}
		gotS, err := tx.Settings()
		if err != nil {
			return err
		}
		gotID, err := tx.RecoveryIdentity()
		if err != nil {
			return err
		}
		seq, err := tx.Seq("invoice")
		if err != nil {
			return err
		}
		for _, pair := range [][2]any{{gotC, c}, {gotI, inv}, {gotU, u}, {gotS, s}, {gotID, identity}, {seq, uint64(3)}} {
			if !reflect.DeepEqual(pair[0], pair[1]) {
				t.Errorf("after reopen got %+v, want %+v", pair[0], pair[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyAudit(); err != nil {
		t.Fatalf("VerifyAudit: %v", err)
	}
}

func TestDeleteAndNotFound(t *testing.T) {
	v, _ := newVault(t)
	c, inv, _, _ := sampleRecords("")
	mustUpdate(t, v, func(tx *Tx) error {
		if err := tx.PutClient(c); err != nil {
			return err
		}
		if err := tx.PutInvoice(inv); err != nil {
			return err
		}
		return tx.Audit("test.seed", "", "")
	})
	mustUpdate(t, v, func(tx *Tx) error {
		if err := tx.DeleteInvoice("i1"); err != nil {
			return err
		}
		return tx.Audit("invoice.delete", "i1", "")
	})
	err := v.View(func(tx *Tx) error {
		if _, err := tx.Invoice("i1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleted invoice: got %v, want ErrNotFound", err)
		}
		if _, err := tx.User("nobody"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing user: got %v, want ErrNotFound", err)
		}
		n := 0
		if err := tx.EachClient(func(invoice.Client) error { n++; return nil }); err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("EachClient saw %d clients, want 1", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUnauditedChangeIsRefused(t *testing.T) {
	v, _ := newVault(t)
	c, _, _, _ := sampleRecords("")
	err := v.Update(testUser, func(tx *Tx) error { return tx.PutClient(c) })
	if !errors.Is(err, ErrUnaudited) {
		t.Fatalf("got %v, want ErrUnaudited", err)
	}
	_ = v.View(func(tx *Tx) error {
		if _, err := tx.Client("c1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unaudited client was written: %v", err)
		}
		return nil
	})
}

func TestFailedUpdateWritesNothing(t *testing.T) {
	v, _ := newVault(t)
	c, _, _, _ := sampleRecords("")
	boom := errors.New("boom")
	err := v.Update(testUser, func(tx *Tx) error {
		if err := tx.PutClient(c); err != nil {
			return err
		}
		if err := tx.Audit("client.create", "c1", ""); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
	rep, err := v.VerifyAudit()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Entries != 1 { // only vault.create
		t.Errorf("audit has %d entries, want 1", rep.Entries)
	}
}

// Concurrent transactions that take numbers must each get a distinct one
// with no gaps, and the chain must stay linear.
func TestConcurrentSequencesAreGapFree(t *testing.T) {
	v, _ := newVault(t)
	const workers, each = 6, 25
	var mu sync.Mutex
	seen := map[uint64]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				var got uint64
				err := v.Update(testUser, func(tx *Tx) error {
					n, err := tx.NextSeq("invoice")
					if err != nil {
						return err
					}
					got = n
					return tx.Audit("invoice.issue", fmt.Sprint(n), "")
				})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				seen[got] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i := uint64(1); i <= workers*each; i++ {
		if !seen[i] {
			t.Errorf("number %d was never handed out", i)
		}
	}
	if len(seen) != workers*each {
		t.Errorf("%d numbers handed out, want %d", len(seen), workers*each)
	}
	rep, err := v.VerifyAudit()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Entries != 1+workers*each {
		t.Errorf("audit entries %d, want %d", rep.Entries, 1+workers*each)
	}
}

// Nothing a user typed may appear in clear anywhere under the data
// directory, neither while the vault is open nor after it is closed.
func TestNoPlaintextOnDisk(t *testing.T) {
	const marker = "ZQXJ7781MARKER"
	v, dir := newVault(t)
	for i := range 200 {
		c, inv, u, s := sampleRecords(marker)
		c.ID = fmt.Sprintf("c%d", i)
		inv.ID = fmt.Sprintf("i%d", i)
		u.Name = fmt.Sprintf("user%d", i)
		mustUpdate(t, v, func(tx *Tx) error {
			for _, err := range []error{tx.PutClient(c), tx.PutInvoice(inv), tx.PutUser(u), tx.PutSettings(s)} {
				if err != nil {
					return err
				}
			}
			return tx.Audit("test.seed", c.ID, marker)
		})
	}
	scanForMarker(t, dir, marker)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	scanForMarker(t, dir, marker)
}

func scanForMarker(t *testing.T, dir, marker string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if runtime.GOOS == "windows" && d.Name() == "LOCK" {
			return nil // Badger's lock file, holding its process id; Windows lets nobody else open it
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		for _, m := range []string{marker, strings.ToLower(marker), "Müller", "Consulting " + marker} {
			if bytes.Contains(data, []byte(m)) {
				t.Errorf("%s contains %q in clear", p, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 3 {
		t.Fatalf("scanned only %d files; the walk is wrong", files)
	}
}

func TestUnlockErrors(t *testing.T) {
	v, dir := newVault(t)
	if err := v.AddSlot("bob", "another long password", nil); err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	opts := testOptions()

	if _, err := Unlock(dir, testUser, "not the password", opts); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("wrong password: got %v, want ErrWrongPassword", err)
	}
	if _, err := Unlock(dir, "carol", testPassword, opts); !errors.Is(err, ErrNoSlot) {
		t.Errorf("unknown user: got %v, want ErrNoSlot", err)
	}
	if _, err := Unlock(filepath.Join(dir, "elsewhere"), testUser, testPassword, opts); !errors.Is(err, ErrNoVault) {
		t.Errorf("no vault: got %v, want ErrNoVault", err)
	}
	v2, err := Unlock(dir, "bob", "another long password", opts)
	if err != nil {
		t.Fatalf("second user's slot: %v", err)
	}
	if err := v2.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestDamagedSlots(t *testing.T) {
	_, dir := newVault(t)
	slot := slotPath(dir, testUser)
	orig, err := os.ReadFile(slot)
	if err != nil {
		t.Fatal(err)
	}
	var sf sealedFile
	if err := json.Unmarshal(orig, &sf); err != nil {
		t.Fatal(err)
	}
	flipped := sf
	b := []byte(flipped.Age)
	b[len(b)/2] ^= 0x01
	if b[len(b)/2] == '=' || b[len(b)/2] == '+' {
		b[len(b)/2] = 'A'
	}
	flipped.Age = string(b)
	otherUser := sf
	otherUser.User = "mallory"
	cases := map[string][]byte{
		"truncated":      orig[:len(orig)/2],
		"empty":          {},
		"bit flip":       mustJSON(t, flipped),
		"renamed user":   mustJSON(t, otherUser),
		"foreign format": []byte(`{"format":"something-else/9"}`),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(slot, data, 0o600); err != nil {
				t.Fatal(err)
			}
			// The vault from newVault is still open; close it first.
			_, _, err := readSlot(dir, sf.Vault, testUser, testPassword)
			if !errors.Is(err, ErrSlotDamaged) {
				t.Fatalf("got %v, want ErrSlotDamaged", err)
			}
			if !strings.Contains(err.Error(), testUser) {
				t.Errorf("error %q does not name the user", err)
			}
		})
	}
}

// A slot file copied over another user's name must not open.
func TestSlotCopiedToAnotherUserIsRefused(t *testing.T) {
	v, dir := newVault(t)
	if err := v.AddSlot("bob", "bob's own password", nil); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(slotPath(dir, testUser))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(slotPath(dir, "bob"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := readSlot(dir, v.ID(), "bob", testPassword); !errors.Is(err, ErrSlotDamaged) {
		t.Fatalf("got %v, want ErrSlotDamaged", err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSecondOpenInSameProcessIsRefused(t *testing.T) {
	_, dir := newVault(t)
	_, err := Unlock(dir, testUser, testPassword, testOptions())
	if !errors.Is(err, ErrAlreadyOpen) {
		t.Fatalf("got %v, want ErrAlreadyOpen", err)
	}
	if !strings.Contains(err.Error(), "already open by another SafeInvoice") {
		t.Errorf("message %q is not the plain one", err)
	}
}

func TestCreateRefusesExistingVault(t *testing.T) {
	v, dir := newVault(t)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(dir, "bob", testPassword, nil, testOptions()); !errors.Is(err, ErrVaultExists) {
		t.Fatalf("got %v, want ErrVaultExists", err)
	}
	if _, err := os.Stat(slotPath(dir, "bob")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a slot was written for the refused create: %v", err)
	}
}

func TestInterruptedCreateIsNamed(t *testing.T) {
	v, dir := newVault(t)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, markerName)); err != nil {
		t.Fatal(err)
	}
	if _, err := Unlock(dir, testUser, testPassword, testOptions()); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("got %v, want ErrIncomplete", err)
	}
}

func TestOpenWithWrongMasterKey(t *testing.T) {
	v, dir := newVault(t)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	key, err := NewMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, key, testOptions()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("got %v, want ErrWrongKey", err)
	}
}

func TestClosedVault(t *testing.T) {
	v, _ := newVault(t)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := v.View(func(*Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("View after Close: %v, want ErrClosed", err)
	}
}

// Every file of the data folder is the user's alone, Badger's included.
func TestDataFilesArePrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no permission bits: the data folder's access list protects the files (internal/fsutil tests the private files' own)")
	}
	v, dir := newVault(t)
	fillBooks(t, v, 50)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == dir {
			return nil // the test's folder, made by the test
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v", strings.TrimPrefix(path, dir), info.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
