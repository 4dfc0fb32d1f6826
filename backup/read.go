package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"filippo.io/age"
)

// Backup is a listed backup with its decrypted, checked manifest.
type Backup struct {
	Entry
	Manifest Manifest
}

// dataReader decrypts a backup's data file and checks, at the end, that the
// plaintext has the size and SHA-256 its manifest records. Until it has
// returned io.EOF the data must not be trusted; a mismatch is returned in
// place of io.EOF, so a consumer that reads to the end always learns of it.
type dataReader struct {
	name string
	m    *Manifest
	f    *os.File
	r    io.Reader
	h    hash.Hash
	n    int64
	done bool
	err  error
	// meter counts the plaintext read and stops the reading once its
	// work is cancelled.
	meter *meter
}

func openData(b *Backup, id age.Identity, m *meter) (*dataReader, error) {
	f, err := os.Open(b.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name, err)
	}
	r, err := age.Decrypt(f, id)
	if err != nil {
		_ = f.Close()
		return nil, decryptError(b.Name, err, false)
	}
	return &dataReader{name: b.Name, m: &b.Manifest, f: f, r: r, h: sha256.New(), meter: m}, nil
}

func (d *dataReader) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.done {
		return 0, io.EOF
	}
	if err := d.meter.err(); err != nil {
		d.err = err
		return 0, err
	}
	n, err := d.r.Read(p)
	d.h.Write(p[:n])
	d.n += int64(n)
	d.meter.add(n)
	switch {
	case d.n > d.m.StreamSize:
		d.err = errorf(d.name, ErrCorrupt, nil, "longer than its manifest says")
		return 0, d.err
	case errors.Is(err, io.EOF):
		if d.n != d.m.StreamSize || hex.EncodeToString(d.h.Sum(nil)) != d.m.StreamSHA256 {
			d.err = errorf(d.name, ErrCorrupt, nil, "its contents do not match its manifest")
			return 0, d.err
		}
		d.done = true
		return n, io.EOF
	case err != nil:
		d.err = decryptError(d.name, err, false)
		return 0, d.err
	}
	return n, nil
}

// finish reads what the consumer left and reports whether the whole stream
// was intact.
func (d *dataReader) finish() error {
	if _, err := io.Copy(io.Discard, d); err != nil {
		return err
	}
	if !d.done {
		return errorf(d.name, ErrCorrupt, d.err, "not read to its end")
	}
	return nil
}

func (d *dataReader) Close() error { return d.f.Close() }

// checkData decrypts b's whole data file and compares it with the manifest.
func checkData(b *Backup, id age.Identity, m *meter) error {
	d, err := openData(b, id, m)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.finish()
}

// checkLink checks that child follows parent without a gap.
func checkLink(child, parent *Backup) error {
	cm, pm := &child.Manifest, &parent.Manifest
	switch {
	case pm.VaultID != cm.VaultID:
		return errorf(child.Name, ErrForeign, nil, "it builds on %s, a backup of another vault", parent.Name)
	case !parent.Created.Before(child.Created):
		return errorf(child.Name, ErrChainGap, nil, "it builds on %s, which is not older", parent.Name)
	case pm.StreamSHA256 != cm.ParentSHA256:
		return errorf(child.Name, ErrChainGap, nil, "it builds on a different %s than the one in the folder", parent.Name)
	case pm.Until != cm.Since:
		return errorf(child.Name, ErrChainGap, nil, "it starts after version %d but %s ends at version %d", cm.Since, parent.Name, pm.Until)
	}
	return nil
}

// Resolve returns the chain of backups that restores the backup from names,
// full backup first: from is a backup's data or manifest file, or a folder,
// whose newest backup is meant (the folder must then hold the backups of one
// vault only). Every manifest of the chain is decrypted with key and the
// links between them are checked (no missing backup, no gap); the data
// files are checked by RestoreChain as they are read.
func Resolve(from string, key RecoveryKey) ([]Backup, error) {
	return resolve(from, func(e Entry) (Manifest, error) { return ReadManifest(e, key) })
}

// ResolveAsRecipient is Resolve for the key of one of the backups' extra
// recipients: the manifests are decrypted (ReadManifestAsRecipient), not
// authenticated, and carry no kit. ReadChain reads the chain's data.
func ResolveAsRecipient(from string, key RecoveryKey) ([]Backup, error) {
	return resolve(from, func(e Entry) (Manifest, error) { return ReadManifestAsRecipient(e, key) })
}

func resolve(from string, read func(Entry) (Manifest, error)) ([]Backup, error) {
	st, err := os.Stat(from)
	if err != nil {
		return nil, fmt.Errorf("backup %s: %w", from, err)
	}
	var e Entry
	if st.IsDir() {
		l, err := List(from)
		if err != nil {
			return nil, err
		}
		if len(l.Backups) == 0 {
			return nil, fmt.Errorf("folder %s: %w", from, ErrNoBackup)
		}
		tags := map[string]bool{}
		for _, b := range l.Backups {
			tags[b.Tag] = true
		}
		if len(tags) > 1 {
			return nil, fmt.Errorf("folder %s holds the backups of %d vaults: name the backup file to restore", from, len(tags))
		}
		e = l.Backups[len(l.Backups)-1]
	} else if e, err = EntryFor(from); err != nil {
		return nil, err
	}
	m, err := read(e)
	if err != nil {
		return nil, err
	}
	chain := []Backup{{Entry: e, Manifest: m}}
	dir := filepath.Dir(e.Path)
	for chain[0].Kind == Incremental {
		child := &chain[0]
		if len(chain) > 100000 {
			return nil, errorf(e.Name, ErrChainGap, nil, "the chain does not end")
		}
		pe, err := EntryFor(filepath.Join(dir, child.Manifest.Parent))
		if err != nil {
			return nil, errorf(child.Name, ErrChainGap, err, "the backup it builds on is missing")
		}
		pm, err := read(pe)
		if errors.Is(err, ErrWrongKey) {
			return nil, errorf(child.Name, ErrWrongKey, nil, "it builds on %s, which this key does not open: was the key added after that backup?", pe.Name)
		}
		if err != nil {
			return nil, errorf(child.Name, ErrChainGap, err, "the backup it builds on is unreadable")
		}
		parent := Backup{Entry: pe, Manifest: pm}
		if err := checkLink(child, &parent); err != nil {
			return nil, err
		}
		chain = append([]Backup{parent}, chain...)
	}
	return chain, nil
}

// Loaded describes a vault rebuilt by a Loader.
type Loaded struct {
	// Counts are its live records per kind.
	Counts map[string]int
	// Audit is the head of its audit chain, which the Loader verified.
	Audit Checkpoint
	// AuditAt holds, for each sequence number asked for, the chain hash
	// after that entry.
	AuditAt map[uint64]string
}

// A Loader builds a vault in dir (which does not exist or is empty) from a
// full backup stream followed by incremental ones, in order, with kit;
// verifies its audit chain; closes it; and reports what it holds, including
// the chain hashes after the entries numbered seqs. The app adapts the
// storage layer to it.
type Loader func(dir string, kit Kit, streams []io.Reader, seqs []uint64) (Loaded, error)

// RestoreChain rebuilds the vault of chain (as Resolve returns it) in
// target with load, reading every data file once, and checks the result
// against the manifests: every stream intact and of its recorded hash, the
// audit chain verified, the record counts and the audit head those of the
// last backup, and each earlier backup's audit checkpoint on the restored
// chain. On error target may hold a partial vault: the caller removes it.
// It returns the last manifest, kit included; the caller must not store
// the kit unencrypted. Progress, if set, is told how many bytes of the
// streams are read; once ctx is done the reading stops and the error wraps
// ctx.Err().
func RestoreChain(ctx context.Context, target string, chain []Backup, key RecoveryKey, load Loader, progress Progress) (Manifest, error) {
	m := newMeter(ctx, progress)
	m.setTotal(streamSize(chain))
	return restoreChain(target, chain, key, load, m)
}

// streamSize is the size of the streams of chain, as their manifests say.
func streamSize(chain []Backup) int64 {
	var n int64
	for _, b := range chain {
		n += b.Manifest.StreamSize
	}
	return n
}

func restoreChain(target string, chain []Backup, key RecoveryKey, load Loader, meter *meter) (Manifest, error) {
	var loaded Loaded
	err := readChain(chain, key, meter, func(streams []io.Reader) error {
		seqs := make([]uint64, 0, len(chain))
		for _, b := range chain {
			seqs = append(seqs, b.Manifest.Audit.Seq)
		}
		var err error
		loaded, err = load(target, chain[len(chain)-1].Manifest.Kit, streams, seqs)
		return err
	})
	if err != nil {
		return Manifest{}, err
	}
	last := chain[len(chain)-1]
	lm := &last.Manifest
	if !maps.Equal(loaded.Counts, lm.Counts) {
		return Manifest{}, errorf(last.Name, ErrCorrupt, nil, "the restored vault holds %s; the manifest says %s", countsString(loaded.Counts), countsString(lm.Counts))
	}
	if loaded.Audit != lm.Audit {
		return Manifest{}, errorf(last.Name, ErrCorrupt, nil, "the restored audit chain ends at entry %d, the manifest says %d", loaded.Audit.Seq, lm.Audit.Seq)
	}
	for _, b := range chain[:len(chain)-1] {
		if h, ok := loaded.AuditAt[b.Manifest.Audit.Seq]; !ok || h != b.Manifest.Audit.Hash {
			return Manifest{}, errorf(b.Name, ErrCorrupt, nil, "its audit checkpoint (entry %d) is not on the restored chain", b.Manifest.Audit.Seq)
		}
	}
	return last.Manifest, nil
}

// ReadChain decrypts the data files of chain (as Resolve or
// ResolveAsRecipient return it), full backup first, and hands their
// streams to use, which must read each to its end, in order. It checks the
// links between the backups and that every stream has the size and
// SHA-256 its manifest records: a stream that does not is the error, even
// when use failed because of it. Progress and ctx work as in RestoreChain.
func ReadChain(ctx context.Context, chain []Backup, key RecoveryKey, use func(streams []io.Reader) error, progress Progress) error {
	m := newMeter(ctx, progress)
	m.setTotal(streamSize(chain))
	return readChain(chain, key, m, use)
}

func readChain(chain []Backup, key RecoveryKey, meter *meter, use func(streams []io.Reader) error) error {
	if err := meter.err(); err != nil {
		return fmt.Errorf("the restore was cancelled: %w", err)
	}
	if len(chain) == 0 {
		return ErrNoBackup
	}
	if chain[0].Kind != Full {
		return errorf(chain[0].Name, ErrChainGap, nil, "the chain does not start with a full backup")
	}
	for i := 1; i < len(chain); i++ {
		if err := checkLink(&chain[i], &chain[i-1]); err != nil {
			return err
		}
	}
	id, err := identity(key)
	if err != nil {
		return err
	}
	readers := make([]*dataReader, 0, len(chain))
	defer func() {
		for _, r := range readers {
			_ = r.Close()
		}
	}()
	streams := make([]io.Reader, 0, len(chain))
	for i := range chain {
		d, err := openData(&chain[i], id, meter)
		if err != nil {
			return err
		}
		readers = append(readers, d)
		streams = append(streams, d)
	}
	lerr := use(streams)
	if err := meter.err(); err != nil {
		return fmt.Errorf("the restore was cancelled: %w", err)
	}
	// A damaged stream explains a failed load better than the loader can.
	for _, d := range readers {
		if lerr != nil && d.err != nil {
			return d.err
		}
	}
	if lerr != nil {
		return fmt.Errorf("restore %s: %w", chain[len(chain)-1].Name, lerr)
	}
	for _, d := range readers {
		if err := d.finish(); err != nil {
			return err
		}
	}
	return nil
}

func countsString(c map[string]int) string {
	keys := slices.Sorted(maps.Keys(c))
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%d %s", c[k], k)
	}
	if s == "" {
		return "no records"
	}
	return s
}
