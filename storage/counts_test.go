package storage

import (
	"errors"
	"maps"
	"testing"

	"safeinvoice/invoice"
)

func keptCounts(t *testing.T, v *Vault) map[string]int {
	t.Helper()
	var c map[string]int
	if err := v.View(func(tx *Tx) error {
		var err error
		c, err = tx.counters()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return c
}

// The counters kept in each transaction always equal a full count.
func TestKeptCountsMatchAScan(t *testing.T) {
	v, dir := newVault(t)
	check := func(when string) {
		t.Helper()
		scan, err := v.Counts()
		if err != nil {
			t.Fatal(err)
		}
		if kept := keptCounts(t, v); !maps.Equal(kept, scan) {
			t.Errorf("%s: kept %v, scan %v", when, kept, scan)
		}
	}
	check("new vault")
	putClient(t, v, "a")
	putClient(t, v, "b")
	putClient(t, v, "a") // overwrite
	check("after puts")
	mustUpdate(t, v, func(tx *Tx) error {
		for _, id := range []string{"c", "c", "d"} { // twice in one transaction
			if err := tx.PutClient(invoice.Client{ID: id, Name: id, Email: id + "@x.example"}); err != nil {
				return err
			}
		}
		if err := tx.DeleteClient("d"); err != nil {
			return err
		}
		if err := tx.DeleteClient("never-existed"); err != nil {
			return err
		}
		return tx.Audit("test", "", "")
	})
	check("after a mixed transaction")
	boom := errors.New("boom")
	_ = v.Update(testUser, func(tx *Tx) error {
		if err := tx.PutClient(invoice.Client{ID: "z", Name: "z", Email: "z@x.example"}); err != nil {
			return err
		}
		if err := tx.Audit("test", "", ""); err != nil {
			return err
		}
		return boom
	})
	check("after a failed transaction")
	mustUpdate(t, v, func(tx *Tx) error {
		if err := tx.DeleteClient("a"); err != nil {
			return err
		}
		return tx.Audit("test", "", "")
	})
	check("after a delete")
	if got := keptCounts(t, v)["client"]; got != 2 {
		t.Errorf("clients kept %d, want 2 (b, c)", got)
	}
	// A vault whose counters were lost rebuilds them at unlock.
	mustUpdate(t, v, func(tx *Tx) error {
		if err := tx.txn.Delete([]byte(keyCountDone)); err != nil {
			return err
		}
		if err := tx.txn.Delete([]byte(prefixCount + "client")); err != nil {
			return err
		}
		return tx.Audit("test", "", "")
	})
	v = reopen(t, v, dir)
	check("after rebuilding")
}
