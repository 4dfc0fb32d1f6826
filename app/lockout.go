package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"safeinvoice/auth"
	"safeinvoice/internal/fsutil"
)

// lockoutFile is the failed-login journal in the data directory. It is read
// and written before the vault is unlocked, so it holds no secrets: user
// names as typed, counts and times.
const lockoutFile = "lockout.json"

// maxJournalNames bounds the journal: names typed at random do not grow it
// without end. The oldest entries go first.
const maxJournalNames = 200

type journal struct {
	Users map[string]auth.Lockout `json:"users"`
}

func readJournal(dir string) (journal, error) {
	j := journal{Users: map[string]auth.Lockout{}}
	data, err := os.ReadFile(filepath.Join(dir, lockoutFile))
	if errors.Is(err, fs.ErrNotExist) {
		return j, nil
	}
	if err != nil {
		return j, fmt.Errorf("read failed-login journal: %w", err)
	}
	if err := json.Unmarshal(data, &j); err != nil {
		// A damaged journal must not lock everyone out, nor let anyone
		// past the back-off by damaging it: start over from a clean one,
		// which the next failure rewrites.
		return journal{Users: map[string]auth.Lockout{}}, nil
	}
	if j.Users == nil {
		j.Users = map[string]auth.Lockout{}
	}
	return j, nil
}

func writeJournal(dir string, j journal) error {
	if len(j.Users) > maxJournalNames {
		names := make([]string, 0, len(j.Users))
		for n := range j.Users {
			names = append(names, n)
		}
		sort.Slice(names, func(a, b int) bool {
			return j.Users[names[a]].LastFailure.Before(j.Users[names[b]].LastFailure)
		})
		for _, n := range names[:len(names)-maxJournalNames] {
			delete(j.Users, n)
		}
	}
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return fmt.Errorf("encode failed-login journal: %w", err)
	}
	if err := fsutil.WriteBytes(filepath.Join(dir, lockoutFile), append(data, '\n'), 0o600, false); err != nil {
		return fmt.Errorf("write failed-login journal: %w", err)
	}
	return nil
}

// FailedLogins says how many logins failed for a user since their last
// successful one, and when the last did.
type FailedLogins struct {
	Count int
	Last  time.Time
}

// String reads "3 failed attempts since your last login, last at 2026-11-24 10:02 UTC".
func (f FailedLogins) String() string {
	if f.Count == 0 {
		return ""
	}
	plural := "s"
	if f.Count == 1 {
		plural = ""
	}
	return fmt.Sprintf("%d failed attempt%s since your last login, last at %s", f.Count, plural, f.Last.UTC().Format("2006-01-02 15:04 MST"))
}

// syncLockoutThreshold copies the policy's threshold into every journal
// entry, since the policy is unreadable while the vault is locked.
func syncLockoutThreshold(dir string, threshold int) error {
	j, err := readJournal(dir)
	if err != nil {
		return err
	}
	j.Users[""] = auth.Lockout{Threshold: threshold} // the default for new names
	for n, l := range j.Users {
		l.Threshold = threshold
		j.Users[n] = l
	}
	return writeJournal(dir, j)
}

// newLockout is the state for a name not yet in the journal.
func (j journal) newLockout() auth.Lockout {
	return auth.Lockout{Threshold: j.Users[""].Threshold}
}
