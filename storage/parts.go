package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"
)

// EachInvoiceSummaryParts walks the invoice summaries as EachInvoiceSummary
// does, in two ranges of keys at once, each in a goroutine of its own, so
// that loading a large vault's list uses two cores. fn(part, s) is called
// from part's goroutine (part 0 or 1), one call at a time within a part;
// every key of part 0 comes before those of part 1, so that part 0's
// summaries followed by part 1's are EachInvoiceSummary's order. A writing
// transaction, which allows one iterator at a time, and a vault too small to
// split walk in part 0 alone. The first error stops both parts; the count is
// checked as EachInvoiceSummary checks it.
func (tx *Tx) EachInvoiceSummaryParts(fn func(part int, s InvoiceSummary) error) error {
	var split []byte
	if !tx.write {
		split = tx.midKey(prefixSummary)
	}
	if split == nil {
		return tx.EachInvoiceSummary(func(s InvoiceSummary) error { return fn(0, s) })
	}
	var (
		wg     sync.WaitGroup
		stop   atomic.Bool
		counts [2]int
		errs   [2]error
	)
	for part := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A damaged table panics in Badger's code; on this goroutine
			// as on the caller's (View), that is the part's error.
			defer recoverDamage(&errs[part])
			it := tx.txn.NewIterator(badgerIterOpts(prefixSummary))
			defer it.Close()
			var end []byte
			if part == 0 {
				it.Rewind()
				end = split
			} else {
				it.Seek(split)
			}
			counts[part], errs[part] = tx.walkUntil(it, end, &stop, decodingSummaries(func(s InvoiceSummary) error {
				return fn(part, s)
			}))
			if errs[part] != nil {
				stop.Store(true)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, errStopped) {
			return err
		}
	}
	return tx.checkCount(prefixSummary, counts[0]+counts[1])
}

// midKey returns a key halfway between the first and the last key under
// prefix (by their first eight bytes after it), which splits the keys
// there in two ranges: before it and from it on. It returns nil when the
// keys are too few or too alike to split.
func (tx *Tx) midKey(prefix string) []byte {
	p := []byte(prefix)
	first, last := tx.edgeKey(p, false), tx.edgeKey(p, true)
	if first == nil || last == nil {
		return nil
	}
	a, b := head8(first[len(p):]), head8(last[len(p):])
	if b <= a+1 {
		return nil
	}
	mid := binary.BigEndian.AppendUint64(bytes.Clone(p), a+(b-a)/2)
	mid = bytes.TrimRight(mid, "\x00")
	if bytes.Compare(mid, first) <= 0 || bytes.Compare(mid, last) > 0 {
		return nil
	}
	return mid
}

// edgeKey is the first (or, with last, the last) key under prefix, or nil.
func (tx *Tx) edgeKey(prefix []byte, last bool) []byte {
	opts := badger.IteratorOptions{Prefix: prefix, Reverse: last}
	it := tx.txn.NewIterator(opts)
	defer it.Close()
	if last {
		it.Seek(append(bytes.Clone(prefix), bytes.Repeat([]byte{0xff}, 16)...))
	} else {
		it.Rewind()
	}
	if !it.Valid() {
		return nil
	}
	return it.Item().KeyCopy(nil)
}

// head8 is the first eight bytes of b as a big-endian integer, padded with
// zero bytes.
func head8(b []byte) uint64 {
	var k [8]byte
	copy(k[:], b)
	return binary.BigEndian.Uint64(k[:])
}
