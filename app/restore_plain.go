package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"safeinvoice/backup"
	"safeinvoice/internal/fsutil"
	"safeinvoice/storage"
)

// PlainRestoreParams say what to write as a plain data folder.
type PlainRestoreParams struct {
	// From is a backup's data or manifest file, or a folder (its newest
	// backup).
	From string
	// Key is the content of a key file: one of the backups' extra
	// recipients' (an accountant's), or the recovery key.
	Key []byte
	// Target is the folder to create; it must not exist or be empty.
	Target string
	// Progress, if set, is told the bytes of backup stream read.
	Progress Progress
}

// PlainRestoreResult describes a written plain data folder.
type PlainRestoreResult struct {
	Dir     string
	Backup  string
	Created time.Time
	Files   int
	Records int
	// AsRecipient is set when the key was an extra recipient's, whose
	// manifests cannot be authenticated.
	AsRecipient bool
}

// plainReadme is the explanation written beside the plain database.
const plainReadme = `This folder holds the books restored from a SafeInvoice backup
as a plain data folder: %s, made %s.

It is not a SafeInvoice data folder. It has no accounts, no key slots and
none of SafeInvoice's keys, and SafeInvoice cannot open it; to get the books
back into SafeInvoice, restore the backup with its recovery key.

db/ is a Badger database (github.com/dgraph-io/badger, v4), NOT encrypted:
keep this folder as safe as the books themselves, and delete it when done.
Read it with the badger command-line tool, for example
    badger info --dir db
or a program of your own. Each value is a record followed by a 16-byte
integrity tag (which only the vault's own secret verifies). Records:
    client/ID     a client, JSON
    invoice/ID    an invoice or credit note, JSON (amounts as decimal strings)
    user/NAME     an account (no passwords)
    settings      the business profile, JSON
    audit/SEQ     an audit trail entry: 65 bytes of chain hash and tag, then JSON
    alert/SEQ     an administrator alert, JSON
Record counts: %s.
`

// RestorePlain writes the books of a backup into a new plain data folder
// (see storage.RestorePlain), for one of the backups' extra recipients,
// whose key reads the books' data but none of SafeInvoice's keys and so
// cannot restore a vault. It works with the recovery key too. Every
// stream's size and hash is checked against its manifest, and the records
// against the manifest's counts; with an extra recipient's key the
// manifests themselves cannot be authenticated, which the result says. The
// folder is built beside Target and renamed into place when complete; on
// error nothing is left.
func RestorePlain(ctx context.Context, p PlainRestoreParams) (PlainRestoreResult, error) {
	key, err := backup.ParseKeyFile(p.Key)
	if err != nil {
		return PlainRestoreResult{}, err
	}
	target, err := filepath.Abs(p.Target)
	if err != nil {
		return PlainRestoreResult{}, fmt.Errorf("plain data folder: %w", err)
	}
	exists, empty, err := dirState(target)
	if err != nil {
		return PlainRestoreResult{}, err
	}
	if exists && !empty {
		return PlainRestoreResult{}, fmt.Errorf("%s: %w: choose a new folder for the plain copy", target, ErrTargetNotEmpty)
	}
	asRecipient := false
	chain, err := backup.Resolve(p.From, key)
	if errors.Is(err, backup.ErrExtraRecipient) {
		asRecipient = true
		chain, err = backup.ResolveAsRecipient(p.From, key)
	}
	if err != nil {
		return PlainRestoreResult{}, err
	}
	defer func() {
		for _, b := range chain {
			clear(b.Manifest.Kit.Key)
		}
	}()
	parent := filepath.Dir(target)
	var size uint64
	for _, b := range chain {
		size += uint64(max(b.Manifest.StreamSize, 0))
	}
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return PlainRestoreResult{}, fmt.Errorf("create %s: %w", parent, err)
	}
	if err := fsutil.NeedSpace(parent, 2*size+64<<20, "the plain copy"); err != nil {
		return PlainRestoreResult{}, err
	}
	staging, err := os.MkdirTemp(parent, "."+filepath.Base(target)+".restoring-")
	if err != nil {
		return PlainRestoreResult{}, fmt.Errorf("create the restore folder: %w", err)
	}
	done := false
	defer func() {
		if !done {
			_ = fsutil.RemoveAll(staging)
		}
	}()
	var counts map[string]int
	err = backup.ReadChain(ctx, chain, key, func(streams []io.Reader) error {
		var err error
		counts, err = storage.RestorePlain(staging, streams...)
		return err
	}, backup.Progress(p.Progress))
	if err != nil {
		return PlainRestoreResult{}, fsutil.DiskFull(parent, err)
	}
	last := chain[len(chain)-1]
	// The stream carries no secrets (the kit does), so neither does the
	// plain copy.
	want := maps.Clone(last.Manifest.Counts)
	delete(want, "secret")
	if !maps.Equal(counts, want) {
		return PlainRestoreResult{}, fmt.Errorf("%s: %w: the plain copy holds %s; the manifest says %s", last.Name, backup.ErrCorrupt, countList(counts), countList(want))
	}
	records := 0
	for _, n := range counts {
		records += n
	}
	readme := fmt.Sprintf(plainReadme, last.Name, last.Manifest.Created.UTC().Format(time.RFC3339), countList(counts))
	if err := fsutil.WriteBytes(filepath.Join(staging, "README.txt"), []byte(readme), 0o600, true); err != nil {
		return PlainRestoreResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return PlainRestoreResult{}, fmt.Errorf("the restore was cancelled; nothing was written: %w", err)
	}
	if exists {
		if err := os.Remove(target); err != nil { // empty
			return PlainRestoreResult{}, fmt.Errorf("replace the empty %s: %w", target, err)
		}
	}
	if err := fsutil.RenameFolder(staging, target); err != nil {
		return PlainRestoreResult{}, fmt.Errorf("put the plain copy in place: %w", err)
	}
	done = true
	res := PlainRestoreResult{Dir: target, Backup: last.Path, Created: last.Manifest.Created, Files: len(chain), Records: records, AsRecipient: asRecipient}
	return res, fsutil.SyncDir(parent)
}

// countList writes record counts as "2 client, 5 invoice", by kind.
func countList(c map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(c)) {
		parts = append(parts, fmt.Sprintf("%d %s", c[k], k))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
