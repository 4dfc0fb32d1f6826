package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"safeinvoice/internal/fsutil"
)

// Kind tells a full backup from an incremental one.
type Kind string

// The kinds of backup. The value is part of the file name.
const (
	Full        Kind = "full"
	Incremental Kind = "incr"
)

// File names. A backup is two files in one folder:
//
//	safeinvoice-20261124T090000.000Z-full-1a2b3c4d.age           the data
//	safeinvoice-20261124T090000.000Z-full-1a2b3c4d.manifest.age  its manifest
//
// The time is the UTC creation time, so names sort by time; the last part is
// a tag derived from the vault id, so that backups of two vaults can share a
// folder. Anything else in the folder is ignored.
const (
	namePrefix    = "safeinvoice-"
	dataSuffix    = ".age"
	manifestTail  = ".manifest"
	nameTimeStamp = "20060102T150405.000Z"
)

var nameRE = regexp.MustCompile(`^safeinvoice-(\d{8}T\d{6}\.\d{3}Z)-(full|incr)-([0-9a-f]{8})(\.manifest)?\.age$`)

// VaultTag is the short tag of a vault id used in backup file names. It is
// derived by hashing, so it reveals nothing beyond telling vaults apart.
func VaultTag(vaultID string) string {
	h := sha256.Sum256([]byte("safeinvoice backup tag\x00" + vaultID))
	return hex.EncodeToString(h[:4])
}

func dataName(created time.Time, kind Kind, vaultID string) string {
	return fmt.Sprintf("%s%s-%s-%s%s", namePrefix, created.UTC().Format(nameTimeStamp), kind, VaultTag(vaultID), dataSuffix)
}

// ManifestName returns the manifest's file name for a backup's data file name.
func ManifestName(data string) string {
	return strings.TrimSuffix(data, dataSuffix) + manifestTail + dataSuffix
}

// Entry is one complete backup found in a folder: its data file and its
// manifest both exist. Whether they are intact is for Verify to say.
type Entry struct {
	// Name is the data file's name; Path its full path.
	Name string
	Path string
	// ManifestPath is the full path of the manifest.
	ManifestPath string
	Created      time.Time
	Kind         Kind
	// Tag is the vault tag in the name (see VaultTag).
	Tag string
}

// Ignored is a file in a backup folder that is not listed as a backup.
type Ignored struct {
	Name   string
	Reason string
	// Bad is set for a file that is part of a backup that can no longer be
	// restored (a manifest whose data file is gone); Verify reports it as a
	// problem. Other ignored files (temporary files, conflict copies,
	// foreign files, data left by an interrupted backup) are harmless.
	Bad bool
}

// Listing is the content of a backup folder.
type Listing struct {
	// Backups are the complete backups, oldest first.
	Backups []Entry
	// Ignored are the other files, by name.
	Ignored []Ignored
}

type parsedName struct {
	created  time.Time
	kind     Kind
	tag      string
	manifest bool
}

func parseName(name string) (parsedName, bool) {
	m := nameRE.FindStringSubmatch(name)
	if m == nil {
		return parsedName{}, false
	}
	t, err := time.Parse(nameTimeStamp, m[1])
	if err != nil {
		return parsedName{}, false
	}
	return parsedName{created: t, kind: Kind(m[2]), tag: m[3], manifest: m[4] != ""}, true
}

// ignoreReason says why a file that is not one of ours in exact shape is
// skipped. Sync tools make copies such as "x (conflicted copy 2026-11-24).age"
// (Dropbox), "x.sync-conflict-20261124-090000-ABCDEFG.age" (Syncthing),
// "x (conflicted copy 2026-11-24 090000).age" (Nextcloud) or "x (1).age";
// none of them is ever taken for a backup.
func ignoreReason(name string) string {
	lower := strings.ToLower(name)
	switch {
	case fsutil.IsTemp(name):
		return "unfinished (temporary file of an interrupted or running backup)"
	case strings.Contains(lower, "conflict"):
		return "sync-tool conflict copy"
	case strings.HasPrefix(lower, ".syncthing.") || strings.HasPrefix(lower, "~syncthing~") ||
		strings.HasSuffix(lower, ".tmp") || strings.HasSuffix(lower, ".part") || strings.HasPrefix(lower, ".~"):
		return "temporary file of a sync tool"
	case strings.HasPrefix(lower, namePrefix):
		return "copy or renamed file, not a backup name"
	}
	return "not a SafeInvoice backup"
}

// List returns the backups in dir, oldest first, and the files it ignored.
// Only files whose names have exactly the shape this package writes are
// considered, and a backup is listed only when both its data file and its
// manifest exist: the manifest is published last, so a backup interrupted
// at any moment is never listed. Sub-folders are skipped.
func List(dir string) (Listing, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Listing{}, folderError(dir, err)
	}
	var l Listing
	data := map[string]parsedName{}
	manifests := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			continue
		}
		p, ok := parseName(name)
		switch {
		case !ok || !e.Type().IsRegular():
			l.Ignored = append(l.Ignored, Ignored{Name: name, Reason: ignoreReason(name)})
		case p.manifest:
			manifests[name] = true
		default:
			data[name] = p
		}
	}
	for name, p := range data {
		if !manifests[ManifestName(name)] {
			l.Ignored = append(l.Ignored, Ignored{Name: name, Reason: "incomplete (no manifest: an interrupted backup)"})
			continue
		}
		l.Backups = append(l.Backups, Entry{
			Name: name, Path: filepath.Join(dir, name), ManifestPath: filepath.Join(dir, ManifestName(name)),
			Created: p.created, Kind: p.kind, Tag: p.tag,
		})
	}
	for name := range manifests {
		d := strings.TrimSuffix(name, manifestTail+dataSuffix) + dataSuffix
		if _, ok := data[d]; !ok {
			l.Ignored = append(l.Ignored, Ignored{Name: name, Reason: "its data file " + d + " is missing", Bad: true})
		}
	}
	sort.Slice(l.Backups, func(i, j int) bool { return l.Backups[i].Name < l.Backups[j].Name })
	sort.Slice(l.Ignored, func(i, j int) bool { return l.Ignored[i].Name < l.Ignored[j].Name })
	return l, nil
}

// EntryFor returns the backup that path names: its data file or its
// manifest. Both files must exist, or the error wraps ErrNoBackup.
func EntryFor(path string) (Entry, error) {
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	p, ok := parseName(name)
	if !ok {
		return Entry{}, fmt.Errorf("%s: %w (%s)", path, ErrNoBackup, ignoreReason(name))
	}
	if p.manifest {
		name = strings.TrimSuffix(name, manifestTail+dataSuffix) + dataSuffix
	}
	e := Entry{Name: name, Path: filepath.Join(dir, name), ManifestPath: filepath.Join(dir, ManifestName(name)),
		Created: p.created, Kind: p.kind, Tag: p.tag}
	for _, f := range []string{e.Path, e.ManifestPath} {
		if _, err := os.Stat(f); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return Entry{}, fmt.Errorf("%s: %w (%s is missing)", path, ErrNoBackup, filepath.Base(f))
			}
			return Entry{}, fmt.Errorf("%s: %w", path, err)
		}
	}
	return e, nil
}
