package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"google.golang.org/protobuf/proto"
)

// Meta bits of a Badger entry as its backup format carries them (Badger's
// value.go; the format is public, the constants are not).
const (
	metaDelete                 byte = 1 << 0
	metaDiscardEarlierVersions byte = 1 << 2
)

// errWriteFailed stops the reading once the writer has failed; the
// writer's error is the one returned.
var errWriteFailed = errors.New("backup stream: the writer failed")

// streamBatch is how many bytes of keys and values go into one KVList of
// the stream: large enough that the length prefixes and the writes cost
// nothing, small enough that the reading and the writing overlap from the
// first megabyte to the last and the four buffers stay a few megabytes.
const streamBatch = 1 << 20

// writeBackupStream writes what Badger's Stream.Backup writes for the same
// snapshot (the same format, so `badger restore` and DB.Load read it): the
// versions above since of every key that keep accepts, as KVLists, each
// behind its size as a little-endian uint64. It returns the highest
// version written, or 0 when nothing was.
//
// It reads the vault in one pass of one iterator. Badger's own stream
// splits the vault into at least 32 key ranges and gives each a zeroed
// 32 MB buffer, which is most of a backup's time for a vault of a few
// hundred megabytes; the entries and their order within a key are the
// same, the order of the keys is the sorted one.
//
// The entries differ from Badger's in one bit: the value-pointer bit of
// Meta (whether the value lived in the value log) is never set, since the
// value travels inline; DB.Load clears that bit in any case.
//
// A KVList holds about batch bytes of keys and values (streamBatch; tests
// choose others to cut the stream at every entry).
//
// w is written from a goroutine of writeBackupStream's own, one call at a
// time, and no longer once it has returned.
func writeBackupStream(db *badger.DB, w io.Writer, since uint64, keep func(key []byte) bool, batch int) (uint64, error) {
	txn := db.NewTransaction(false)
	defer txn.Discard()
	it := txn.NewIterator(badger.IteratorOptions{AllVersions: true, SinceTs: since, PrefetchValues: false})
	defer it.Close()

	// The batches are encoded here and written by a goroutine of their
	// own, four buffers taking turns, so that reading the vault and the
	// writer's work (hashing, encryption, the file's writes) overlap and
	// either can run ahead of the other by a few batches.
	free, full := make(chan []byte, 4), make(chan []byte, 3)
	for range 4 {
		free <- nil
	}
	written, failed := make(chan error, 1), make(chan struct{})
	go func() {
		var err error
		for b := range full {
			if err == nil {
				if _, err = w.Write(b); err != nil {
					close(failed) // the reading stops at the next batch
				}
			}
			free <- b
		}
		written <- err
	}()
	var (
		maxVersion uint64
		list       pb.KVList
		size       int
		marshal    = proto.MarshalOptions{}
		// The keys and values of a batch are copied into arena, which
		// the next batch reuses once this one is encoded, and its
		// entries are taken from kvs, allocated a thousand at a time:
		// a vault's hundreds of thousands of entries otherwise are as
		// many allocations, and their collection slows both goroutines.
		arena   = make([]byte, 0, batch+batch/4)
		kvs     []pb.KV
		oneByte = oneByteSlices()
	)
	flush := func() error {
		if len(list.Kv) == 0 {
			return nil
		}
		select {
		case <-failed:
			return errWriteFailed
		default:
		}
		out := <-free
		n := marshal.Size(&list)
		out = binary.LittleEndian.AppendUint64(out[:0], uint64(n))
		var err error
		if out, err = marshal.MarshalAppend(out, &list); err != nil {
			free <- out
			return fmt.Errorf("encode backup batch: %w", err)
		}
		full <- out
		clear(list.Kv)
		list.Kv, size, arena = list.Kv[:0], 0, arena[:0]
		return nil
	}
	finish := func(err error) (uint64, error) {
		close(full)
		if werr := <-written; werr != nil {
			err = werr // the writer's own error, not errWriteFailed
		}
		if err != nil {
			return 0, err
		}
		return maxVersion, nil
	}
	// skip is the key whose older versions are not written: it was
	// deleted, or its earlier versions discarded, at a newer one.
	// It points into the arena, whose bytes stay as they are until the
	// next copy into it, which comes only after skip is cleared.
	var skip []byte
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		key := item.Key()
		if skip != nil && string(key) == string(skip) {
			continue
		}
		skip = nil
		if !keep(key) {
			continue
		}
		if item.Version() < since {
			return finish(fmt.Errorf("backup: version %d of a key is below %d", item.Version(), since))
		}
		if len(kvs) == 0 {
			kvs = make([]pb.KV, 1000)
		}
		kv := &kvs[0]
		kvs = kvs[1:]
		kv.Key, arena = appendTo(arena, item.Key())
		kv.UserMeta = oneByte[item.UserMeta()]
		kv.Version, kv.ExpiresAt = item.Version(), item.ExpiresAt()
		var meta byte
		discard := item.DiscardEarlierVersions()
		if discard {
			meta |= metaDiscardEarlierVersions
		}
		if item.IsDeletedOrExpired() {
			// The vault sets no expiry: a key without a value was deleted.
			if item.ExpiresAt() == 0 {
				meta |= metaDelete
			}
		} else {
			// The value is valid only in the callback: it is copied there.
			if err := item.Value(func(v []byte) error {
				kv.Value, arena = appendTo(arena, v)
				return nil
			}); err != nil {
				return finish(fmt.Errorf("backup: read a value: %w", err))
			}
		}
		kv.Meta = oneByte[meta]
		list.Kv = append(list.Kv, kv)
		maxVersion = max(maxVersion, kv.Version)
		size += len(kv.Key) + len(kv.Value)
		switch {
		case discard:
			// As Badger's stream: a delete marker just below this version.
			list.Kv = append(list.Kv, &pb.KV{Key: kv.Key, Version: kv.Version - 1, Meta: oneByte[metaDelete]})
			skip = kv.Key
		case item.IsDeletedOrExpired():
			skip = kv.Key
		}
		if size >= batch {
			if err := flush(); err != nil {
				return finish(err)
			}
		}
	}
	return finish(flush())
}

// appendTo copies b to the end of arena and returns the copy and the
// arena. A copy keeps the array it was made in, also when a later append
// moves the arena to a larger one.
func appendTo(arena, b []byte) (copied, grown []byte) {
	start := len(arena)
	arena = append(arena, b...)
	return arena[start:len(arena):len(arena)], arena
}

// oneByteSlices holds a one-byte slice of each byte value, for the Meta
// and UserMeta of the stream's entries, which are only read.
func oneByteSlices() [256][]byte {
	all := make([]byte, 256)
	var s [256][]byte
	for i := range all {
		all[i] = byte(i)
		s[i] = all[i : i+1 : i+1]
	}
	return s
}
