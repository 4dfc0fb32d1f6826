package storage

import (
	"errors"
	"slices"
	"testing"
)

// The two parts together are exactly EachInvoiceSummary's walk, in its
// order, each part in key order, both non-empty for a vault of a few
// hundred invoices; a writing transaction walks in one part.
func TestEachInvoiceSummaryPartsIsTheWholeWalk(t *testing.T) {
	v, _ := newVault(t)
	fillBooks(t, v, 300)
	var want []string
	var parts [2][]string
	err := v.View(func(tx *Tx) error {
		if err := tx.EachInvoiceSummary(func(s InvoiceSummary) error {
			want = append(want, s.ID)
			return nil
		}); err != nil {
			return err
		}
		return tx.EachInvoiceSummaryParts(func(part int, s InvoiceSummary) error {
			parts[part] = append(parts[part], s.ID) // one goroutine per part
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(parts[0]) == 0 || len(parts[1]) == 0 {
		t.Errorf("parts of %d and %d summaries: the walk was not split", len(parts[0]), len(parts[1]))
	}
	if got := slices.Concat(parts[0], parts[1]); !slices.Equal(got, want) {
		t.Errorf("the parts give %d summaries (%v…), the walk %d (%v…)", len(got), got[:3], len(want), want[:3])
	}

	var inWrite [2]int
	mustUpdate(t, v, func(tx *Tx) error {
		return tx.EachInvoiceSummaryParts(func(part int, s InvoiceSummary) error {
			inWrite[part]++
			return nil
		})
	})
	if inWrite != [2]int{300, 0} {
		t.Errorf("in a writing transaction: parts of %v, want all 300 in part 0", inWrite)
	}
}

// An error of fn in either part is the walk's error, and stops it.
func TestEachInvoiceSummaryPartsStopsAtAnError(t *testing.T) {
	v, _ := newVault(t)
	fillBooks(t, v, 300)
	boom := errors.New("boom")
	for failing := range 2 {
		var calls [2]int
		err := v.View(func(tx *Tx) error {
			return tx.EachInvoiceSummaryParts(func(part int, s InvoiceSummary) error {
				calls[part]++
				if part == failing {
					return boom
				}
				return nil
			})
		})
		if !errors.Is(err, boom) {
			t.Errorf("part %d failing: %v, want its error", failing, err)
		}
		if calls[failing] != 1 {
			t.Errorf("part %d was called %d times after its error", failing, calls[failing])
		}
	}
}
