package backup

import (
	"fmt"
	"slices"
	"time"
)

// Policy says which backups to keep, as restic's forget does: the Last
// newest, and the newest of each of the Daily last days, Weekly last ISO
// weeks and Monthly last months that have a backup. The zero Policy keeps
// everything.
type Policy struct {
	Last    int `json:"last"`
	Daily   int `json:"daily"`
	Weekly  int `json:"weekly"`
	Monthly int `json:"monthly"`
}

// DefaultPolicy is the retention a new vault gets.
var DefaultPolicy = Policy{Last: 10, Daily: 7, Weekly: 5, Monthly: 12}

// IsZero reports whether p keeps everything.
func (p Policy) IsZero() bool { return p == Policy{} }

// Item is a backup as retention sees it.
type Item struct {
	Name    string
	Created time.Time
	Kind    Kind
	// Parent is, for an incremental backup, the name of the backup it
	// builds on.
	Parent string
	// Verified is set when the backup (with its chain) passed Verify.
	Verified bool
	// Pinned backups are kept whatever the policy says, with what they
	// build on: the caller knows they hold something found nowhere else
	// (books newer than the vault that was put back from an old copy).
	Pinned bool
}

// Plan splits items into the names to keep and to remove, both in name
// order. It is a pure function. Beyond the policy it never removes a pinned
// backup, nor one that a kept one builds on (directly or through other
// incrementals), and
// if any item is verified, at least the newest verified one is kept with
// its chain: the last good copy is never deleted. Days, weeks and months
// are those of loc (nil: UTC).
func Plan(items []Item, p Policy, loc *time.Location) (keep, remove []string) {
	if loc == nil {
		loc = time.UTC
	}
	byName := map[string]Item{}
	for _, it := range items {
		byName[it.Name] = it
	}
	if p.IsZero() {
		for name := range byName {
			keep = append(keep, name)
		}
		slices.Sort(keep)
		return keep, nil
	}
	sorted := make([]Item, 0, len(byName))
	for _, it := range byName {
		sorted = append(sorted, it)
	}
	slices.SortFunc(sorted, func(a, b Item) int { // newest first
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		switch {
		case a.Name > b.Name:
			return -1
		case a.Name < b.Name:
			return 1
		}
		return 0
	})
	kept := map[string]bool{}
	for _, it := range sorted {
		if it.Pinned {
			kept[it.Name] = true
		}
	}
	for i := 0; i < p.Last && i < len(sorted); i++ {
		kept[sorted[i].Name] = true
	}
	buckets := []struct {
		n   int
		key func(time.Time) string
	}{
		{p.Daily, func(t time.Time) string { return t.Format("2006-01-02") }},
		{p.Weekly, func(t time.Time) string { y, w := t.ISOWeek(); return fmt.Sprintf("%d-W%02d", y, w) }},
		{p.Monthly, func(t time.Time) string { return t.Format("2006-01") }},
	}
	for _, b := range buckets {
		seen, last := 0, ""
		for _, it := range sorted {
			if seen >= b.n {
				break
			}
			if k := b.key(it.Created.In(loc)); k != last {
				kept[it.Name] = true
				seen++
				last = k
			}
		}
	}
	anyVerified, keptVerified := false, false
	for _, it := range sorted {
		anyVerified = anyVerified || it.Verified
		keptVerified = keptVerified || (it.Verified && kept[it.Name])
	}
	if anyVerified && !keptVerified {
		for _, it := range sorted {
			if it.Verified {
				kept[it.Name] = true
				break
			}
		}
	}
	// Keep what every kept incremental builds on.
	roots := make([]string, 0, len(kept))
	for name := range kept {
		roots = append(roots, name)
	}
	for _, name := range roots {
		it := byName[name]
		for steps := 0; it.Kind == Incremental && steps < len(byName); steps++ {
			parent, ok := byName[it.Parent]
			if !ok {
				break
			}
			kept[parent.Name] = true
			it = parent
		}
	}
	for _, it := range sorted {
		if kept[it.Name] {
			keep = append(keep, it.Name)
		} else {
			remove = append(remove, it.Name)
		}
	}
	slices.Sort(keep)
	slices.Sort(remove)
	return keep, remove
}
