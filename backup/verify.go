package backup

import (
	"fmt"
	"os"
	"path/filepath"
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
// when the folder cannot be read; problems with backups are in the report.
func Verify(dir string, key RecoveryKey, opts VerifyOptions) (Report, error) {
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
	for _, e := range entries { // oldest first: parents are judged before children
		res := Result{Entry: e}
		m, err := ReadManifest(e, key)
		if err == nil {
			res.Manifest = m.Public()
			b := &Backup{Entry: e, Manifest: m}
			err = checkData(b, id)
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
	for i := range rep.Results {
		tip, ok := full[rep.Results[i].Name]
		if !ok || hasChild[tip.Name] {
			continue
		}
		chain := []Backup{*tip}
		for chain[0].Kind == Incremental {
			chain = append([]Backup{*full[chain[0].Manifest.Parent]}, chain...)
		}
		err := restoreScratch(opts.Scratch, chain, key, opts.Load)
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

func restoreScratch(parent string, chain []Backup, key RecoveryKey, load Loader) (err error) {
	scratch, err := os.MkdirTemp(parent, "safeinvoice-verify-")
	if err != nil {
		return fmt.Errorf("scratch folder: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(scratch); rerr != nil && err == nil {
			err = fmt.Errorf("remove scratch folder: %w", rerr)
		}
	}()
	_, err = RestoreChain(filepath.Join(scratch, "vault"), chain, key, load)
	return err
}
