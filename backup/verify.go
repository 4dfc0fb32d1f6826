package backup

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"safeinvoice/internal/fsutil"
)

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// VaultID, if set, limits the check to this vault's backups; those of
	// other vaults sharing the folder are listed as ignored.
	VaultID string
	// Load, if set, restores every chain into a scratch directory and
	// checks the result (see RestoreChain); otherwise only the manifests,
	// the data files' hashes and the chain links are checked.
	Load Loader
	// Scratch is the folder in which scratch restores are made; "" means
	// the system's temporary folder. They are removed afterwards.
	Scratch string
	// Progress, if set, is told how many bytes of backup stream have been
	// checked of all there are to check, the scratch restores included.
	Progress Progress
}

// Result is the outcome for one backup.
type Result struct {
	Entry
	// Manifest is the backup's manifest without its secret kit, when it
	// could be read.
	Manifest Manifest
	// Err is nil for a good backup, otherwise what is wrong.
	Err error
	// Restored is set when the backup was part of a chain restored in the
	// check.
	Restored bool
}

// Report is the outcome of Verify.
type Report struct {
	Dir     string
	Results []Result
	Ignored []Ignored
}

// Problems counts the bad backups and the files that belong to a backup
// which can no longer be restored.
func (r Report) Problems() int {
	n := 0
	for _, res := range r.Results {
		if res.Err != nil {
			n++
		}
	}
	for _, ig := range r.Ignored {
		if ig.Bad {
			n++
		}
	}
	return n
}

// Verify checks every backup in dir, as restic's `check --read-data` does:
// each manifest is decrypted with key and its tag checked; each data file is
// decrypted to its end and its size and SHA-256 compared with the manifest;
// each incremental backup's parent must be present and good and end exactly
// where it begins. With opts.Load, every chain is then restored into a
// scratch directory and the restored vault's audit chain, record counts and
// audit checkpoints compared with the manifests. The error is non-nil only
// when the folder cannot be read or ctx is done (it then wraps ctx.Err()
// and the report is partial); problems with backups are in the report.
func Verify(ctx context.Context, dir string, key RecoveryKey, opts VerifyOptions) (Report, error) {
	meter := newMeter(ctx, opts.Progress)
	cancelled := func(rep Report) (Report, error) {
		return rep, fmt.Errorf("the verification was cancelled: %w", meter.err())
	}
	id, err := identity(key)
	if err != nil {
		return Report{}, err
	}
	l, err := List(dir)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Dir: dir, Ignored: l.Ignored}
	tag := ""
	if opts.VaultID != "" {
		tag = VaultTag(opts.VaultID)
	}
	full := map[string]*Backup{} // good backups by name, kit included
	var entries []Entry
	for _, e := range l.Backups {
		if tag != "" && e.Tag != tag {
			rep.Ignored = append(rep.Ignored, Ignored{Name: e.Name, Reason: "a backup of another vault"})
			continue
		}
		entries = append(entries, e)
	}
	manifests := make([]Manifest, len(entries))
	merrs := make([]error, len(entries))
	for i, e := range entries {
		manifests[i], merrs[i] = ReadManifest(e, key)
	}
	meter.setTotal(verifyWork(manifests, merrs, opts.Load != nil))
	for i, e := range entries { // oldest first: parents are judged before children
		if meter.err() != nil {
			return cancelled(rep)
		}
		res := Result{Entry: e}
		m, err := manifests[i], merrs[i]
		if err == nil {
			res.Manifest = m.Public()
			b := &Backup{Entry: e, Manifest: m}
			err = checkData(b, id, meter)
			if meter.err() != nil {
				return cancelled(rep)
			}
			if err == nil && m.Kind == Incremental {
				parent, ok := full[m.Parent]
				if !ok {
					err = errorf(e.Name, ErrChainGap, nil, "the backup it builds on, %s, is missing or bad", m.Parent)
				} else {
					err = checkLink(b, parent)
				}
			}
			if err == nil {
				full[e.Name] = b
			}
		}
		res.Err = err
		rep.Results = append(rep.Results, res)
	}
	if opts.Load == nil {
		return rep, nil
	}
	// Restore every chain whose tip no good backup builds on.
	hasChild := map[string]bool{}
	for _, b := range full {
		if b.Kind == Incremental {
			hasChild[b.Manifest.Parent] = true
		}
	}
	index := map[string]int{}
	for i, r := range rep.Results {
		index[r.Name] = i
	}
	var chains [][]Backup
	work := meter.done.Load()
	for i := range rep.Results {
		tip, ok := full[rep.Results[i].Name]
		if !ok || hasChild[tip.Name] {
			continue
		}
		chain := []Backup{*tip}
		for chain[0].Kind == Incremental {
			chain = append([]Backup{*full[chain[0].Manifest.Parent]}, chain...)
		}
		chains = append(chains, chain)
		work += streamSize(chain)
	}
	meter.setTotal(work) // bad backups are not restored
	for _, chain := range chains {
		tip := chain[len(chain)-1]
		err := restoreScratch(opts.Scratch, chain, key, opts.Load, meter)
		if meter.err() != nil {
			return cancelled(rep)
		}
		for _, b := range chain {
			r := &rep.Results[index[b.Name]]
			r.Restored = true
			if err != nil && r.Err == nil {
				if b.Name == tip.Name {
					r.Err = fmt.Errorf("%s does not restore: %w", tip.Name, err)
				} else {
					r.Err = fmt.Errorf("the chain ending at %s does not restore: %w", tip.Name, err)
				}
			}
		}
	}
	return rep, nil
}

// verifyWork is the number of stream bytes Verify reads when every backup
// whose manifest could be read is good: each data file once, and each
// chain once more when it is restored (load).
func verifyWork(manifests []Manifest, errs []error, load bool) int64 {
	var n int64
	hasChild := map[string]bool{}
	byName := map[string]*Manifest{}
	for i := range manifests {
		if errs[i] != nil {
			continue
		}
		m := &manifests[i]
		n += m.StreamSize
		byName[m.Data] = m
		if m.Kind == Incremental {
			hasChild[m.Parent] = true
		}
	}
	if !load {
		return n
	}
	for name, m := range byName {
		if hasChild[name] {
			continue
		}
		for seen := 0; m != nil && seen <= len(manifests); seen++ {
			n += m.StreamSize
			if m.Kind != Incremental {
				break
			}
			m = byName[m.Parent]
		}
	}
	return n
}

func restoreScratch(parent string, chain []Backup, key RecoveryKey, load Loader, meter *meter) (err error) {
	scratch, err := os.MkdirTemp(parent, "safeinvoice-verify-")
	if err != nil {
		return fmt.Errorf("scratch folder: %w", err)
	}
	defer func() {
		if rerr := fsutil.RemoveAll(scratch); rerr != nil && err == nil {
			err = fmt.Errorf("remove scratch folder: %w", rerr)
		}
	}()
	_, err = restoreChain(filepath.Join(scratch, "vault"), chain, key, load, meter)
	return err
}
