package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safeinvoice/internal/testkit"
)

// bigVault is a fake vault of n versions of 1 KiB each.
func bigVault(n int) *fakeVault {
	fv := &fakeVault{}
	for i := range n {
		fv.versions = append(fv.versions, []byte(fmt.Sprintf("%-1023d\n", i)))
	}
	return fv
}

func TestWriteReportsProgress(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	fv := bigVault(200)
	p := params(key, nil, t0)
	log := testkit.NewProgress(t)
	p.Progress, p.Estimate = log.Func(), 100<<10 // an estimate that falls short
	_, m, err := Write(t.Context(), dir, p, fv.stream)
	if err != nil {
		t.Fatal(err)
	}
	if log.Count() < 10 {
		t.Errorf("progress: %d calls; the stream is %d bytes", log.Count(), m.StreamSize)
	}
	log.AssertFinished(t, m.StreamSize)
}

func TestWriteCancelledLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	fv := bigVault(200)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	p := params(key, nil, t0)
	p.Progress = func(done, total int64) {
		if done > 10<<10 {
			cancel() // as the Cancel button does, half-way through the stream
		}
	}
	_, _, err := Write(ctx, dir, p, fv.stream)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("got %v, want a cancellation", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("a cancelled backup left %v", entries)
	}
	// Already cancelled: nothing starts.
	if _, _, err := Write(ctx, dir, params(key, nil, t0), fv.stream); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want a cancellation", err)
	}
	// The folder still takes a complete backup afterwards.
	if _, _, err := Write(t.Context(), dir, params(key, nil, t0), fv.stream); err != nil {
		t.Fatal(err)
	}
	if rep, err := Verify(t.Context(), dir, key, VerifyOptions{}); err != nil || rep.Problems() != 0 || len(rep.Results) != 1 {
		t.Errorf("after a cancelled backup: %v %+v", err, rep)
	}
}

// readAllLoader reads every stream to its end, as the storage layer does,
// and describes the fake vault of last.
func readAllLoader(last Manifest) Loader {
	return func(dir string, kit Kit, streams []io.Reader, seqs []uint64) (Loaded, error) {
		for _, s := range streams {
			if _, err := io.Copy(io.Discard, s); err != nil {
				return Loaded{}, err
			}
		}
		l := Loaded{Counts: last.Counts, Audit: last.Audit, AuditAt: map[uint64]string{}}
		for _, seq := range seqs {
			l.AuditAt[seq] = fmt.Sprintf("%064x", seq)
		}
		return l, nil
	}
}

func TestVerifyReportsProgress(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	chain := writeChain(t, dir, key, &fakeVault{}, 2)
	log := testkit.NewProgress(t)
	rep, err := Verify(t.Context(), dir, key, VerifyOptions{Progress: log.Func()})
	if err != nil || rep.Problems() != 0 {
		t.Fatalf("%v %+v", err, rep)
	}
	log.AssertFinished(t, streamSize(chain)) // without restores
}

func TestVerifyWithRestoreReportsProgress(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	fv := bigVault(100)
	_, m, err := Write(t.Context(), dir, params(key, nil, t0), fv.stream)
	if err != nil {
		t.Fatal(err)
	}
	log := testkit.NewProgress(t)
	rep, err := Verify(t.Context(), dir, key, VerifyOptions{Load: readAllLoader(m), Scratch: t.TempDir(), Progress: log.Func()})
	if err != nil || rep.Problems() != 0 || !rep.Results[0].Restored {
		t.Fatalf("%v %+v", err, rep)
	}
	// Checked once, restored once.
	log.AssertFinished(t, 2*m.StreamSize)
}

func TestVerifyCancelled(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	for i := range 3 {
		if _, _, err := Write(t.Context(), dir, params(key, nil, t0.Add(time.Duration(i)*time.Minute)), bigVault(50).stream); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	opts := VerifyOptions{Progress: func(done, total int64) {
		if done > 60<<10 {
			cancel() // during the second backup
		}
	}}
	rep, err := Verify(ctx, dir, key, opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want a cancellation", err)
	}
	for _, r := range rep.Results {
		if r.Err != nil {
			t.Errorf("a cancellation was reported as a bad backup: %s: %v", r.Name, r.Err)
		}
	}
	if len(rep.Results) >= 3 {
		t.Errorf("every backup was checked despite the cancellation")
	}
}

func TestRestoreChainProgressAndCancel(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	fv := bigVault(60)
	chain := writeChain(t, dir, key, fv, 2)
	log := testkit.NewProgress(t)
	load := readAllLoader(chain[len(chain)-1].Manifest)
	if _, err := RestoreChain(t.Context(), filepath.Join(t.TempDir(), "r"), chain, key, load, log.Func()); err != nil {
		t.Fatal(err)
	}
	log.AssertFinished(t, streamSize(chain))

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, err := RestoreChain(ctx, filepath.Join(t.TempDir(), "r"), chain, key, load, func(done, total int64) {
		if done > 20<<10 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("got %v, want a cancellation and no damage reported", err)
	}
}
