package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

func TestCheckOfIntactBooks(t *testing.T) {
	v, _ := newVault(t)
	fillBooks(t, v, 40)
	mustUpdate(t, v, func(tx *Tx) error {
		if _, err := tx.AddAlert("test", "an alert"); err != nil {
			return err
		}
		return tx.Audit("test.alert", "", "")
	})
	var calls int
	rep, err := v.Check(context.Background(), func(done, total int64) {
		calls++
		if done > total {
			t.Errorf("progress %d of %d", done, total)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 0 {
		t.Fatalf("problems in intact books: %v", rep.Problems)
	}
	if rep.Records["invoice"] != 40 || rep.Records["client"] != 40 || rep.Records["isum"] != 40 || rep.Records["alert"] != 1 || rep.AuditEntries < 2 {
		t.Errorf("report %+v", rep)
	}
	if calls == 0 {
		t.Error("no progress")
	}
}

// TestCheckNamesEveryProblem damages the books in several ways at once:
// check names each one and goes on after the first.
func TestCheckNamesEveryProblem(t *testing.T) {
	v, _ := newVault(t)
	fillBooks(t, v, 10)
	tamper(t, v, "client/c0003", func(b []byte) []byte { b[2] ^= 0x20; return b })
	if err := v.db.Update(func(txn *badger.Txn) error {
		if err := txn.Delete([]byte(prefixSummary + "i0005")); err != nil {
			return err
		}
		return txn.Delete([]byte(prefixClient + "c0007"))
	}); err != nil {
		t.Fatal(err)
	}
	rep, err := v.Check(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range rep.Problems {
		got = append(got, p.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"client/c0003: its integrity tag does not match",
		"count/client: 10 client records were written, 9 are there",
		"count/isum: 10 isum records were written, 9 are there",
		"invoice/i0003: its client c0003 is missing",
		"invoice/i0007: its client c0007 is missing",
		"isum/i0005: the summary of an invoice is missing",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the report lacks %q:\n%s", want, all)
		}
	}
	// Check also finds a broken audit chain.
	tamper(t, v, auditKey(2), func(b []byte) []byte { return b[:len(b)-1] })
	rep, err = v.Check(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range rep.Problems {
		found = found || p.Record == auditKey(2)
	}
	if !found {
		t.Errorf("the damaged audit entry is not named: %v", rep.Problems)
	}
}

func TestCheckStopsWhenCancelled(t *testing.T) {
	v, _ := newVault(t)
	fillBooks(t, v, 5)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := v.Check(ctx, nil); err != context.Canceled {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestHoldsTellsIntactRecordsApart(t *testing.T) {
	v, _ := newVault(t)
	fillBooks(t, v, 2)
	tamper(t, v, "client/c0001", func(b []byte) []byte { b[0] ^= 1; return b })
	held, err := v.Holds([]string{"client/c0000", "client/c0001", "client/c9999"})
	if err != nil {
		t.Fatal(err)
	}
	if !held["client/c0000"] || held["client/c0001"] || held["client/c9999"] {
		t.Errorf("Holds = %v, want only the intact client/c0000", held)
	}
}
