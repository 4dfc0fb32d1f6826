package app

import (
	"context"
	"strings"
	"testing"

	"safeinvoice/storage"
)

// An issued invoice that is lost leaves a gap in the numbering, which the
// check names; intact numbering, and numbers from an older pattern, do not.
func TestCheckFindsAGapInTheNumbering(t *testing.T) {
	s := initVault(t, testConfig(t))
	c := mustClient(t, s, "Globex", "ap@globex.example")
	var ids []string
	for range 3 {
		ids = append(ids, mustIssue(t, s, mustDraft(t, s, draft(c.ID)).ID).ID)
	}
	res, err := s.CheckBooks(context.Background(), nil)
	if err != nil || !res.OK() {
		t.Fatalf("intact books: %v %+v", err, res.Problems)
	}
	// The second invoice disappears, as a rewrite by someone with the
	// keys would make it.
	err = s.vault.Update(adminName, func(tx *storage.Tx) error {
		if err := tx.DeleteInvoice(ids[1]); err != nil {
			return err
		}
		return tx.Audit("test.delete", ids[1], "")
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err = s.CheckBooks(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var gap string
	for _, p := range res.Problems {
		if p.Record == "seq/invoice" {
			gap = p.Problem
		}
	}
	if !strings.Contains(gap, "number 2 of the sequence after INV-2026-0001") || !strings.Contains(gap, "gap in the numbering") {
		t.Errorf("problems %+v, want the gap at number 2", res.Problems)
	}
}
