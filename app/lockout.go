package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"safeinvoice/auth"
	"safeinvoice/internal/fsutil"
)

// lockoutFile is the failed-login journal in the data directory. It is read
// and written before the vault is unlocked, so it holds no secrets: account
// names, counts and times.
//
// It has two parts. The base is the back-off state of every account (and of
// the one shared bucket for names without an account) as of the last good
// login; that login wrote it and stored its hash inside the vault
// (storage.Tx.PutLockoutAnchor). Failures since then are appended to the
// failure list, which changes nothing in the base. An account's state is
// its base entry with its failures replayed (journal.state). So:
//
//   - only accounts that exist (a key slot on disk) get entries; a name
//     without one is charged to the shared bucket, which backs off on its
//     own: made-up names cannot push an account out, and failures for a
//     name before its account exists are never charged to the account;
//   - nothing is ever evicted, the journal holds one entry per account;
//   - a journal that does not parse fails closed: every account and the
//     bucket back off as after the threshold-th failure, from the moment the
//     damage is found, and the next good login raises AlertLockoutJournal;
//   - a base edited outside SafeInvoice (another account's count reset, an
//     account taken out) no longer matches the hash in the vault, and a
//     removed journal is not the one the vault knows: the next good login
//     alerts on both.
//
// What cannot be told, before the vault is open, is a journal whose
// failure list someone cut: no secret exists before unlock to make that
// list tamper-evident, so someone who can write the data folder can erase
// the failures since the last good login. They can also copy the folder and
// guess offline, which no back-off slows: the back-off is there against
// guessing at the login screen, where only typed names and passwords reach
// it, and that it withstands.
const lockoutFile = "lockout.json"

// journalLock is the lock file that logins and policy changes hold while
// they read and rewrite the journal (storage.LockFile).
const journalLock = "lockout.lock"

// journalFormat is the format of lockout.json; a journal without one is
// the first format, a map of names to states, read as a base.
const journalFormat = "safeinvoice-lockout/2"

type journal struct {
	Format   string      `json:"format"`
	Base     journalBase `json:"base"`
	Failures []failure   `json:"failures,omitempty"`
	// found is journalMissing when readJournal found no file: the next
	// good login says so if the vault knew one.
	found string
}

// journalBase is the state as of the last good login.
type journalBase struct {
	// Threshold is the policy's lockout threshold, copied here because the
	// policy is unreadable while the vault is locked.
	Threshold int                     `json:"threshold,omitempty"`
	Users     map[string]auth.Lockout `json:"users"`
	Unknown   auth.Lockout            `json:"unknown"`
	// Damaged is when a damaged journal was found and replaced by this one,
	// Restored when a restore wrote it, anchoring it in the restored books
	// (zero otherwise).
	Damaged  time.Time `json:"damaged,omitzero"`
	Restored time.Time `json:"restored,omitzero"`
}

// failure is one failed login: User is the account, "" for a name without
// one.
type failure struct {
	User string    `json:"user,omitempty"`
	Time time.Time `json:"time"`
}

// What readJournal found besides a sound journal.
const (
	journalMissing = "missing"
)

// readJournal reads the journal of dir. A missing file is an empty journal;
// one that does not parse is replaced, on disk, by a journal that holds
// every account of accounts and the bucket locked as after the threshold-th
// failure at now (failing closed).
func readJournal(dir string, accounts []string, now time.Time) (journal, error) {
	data, err := os.ReadFile(filepath.Join(dir, lockoutFile))
	if errors.Is(err, fs.ErrNotExist) {
		return journal{Format: journalFormat, Base: journalBase{Users: map[string]auth.Lockout{}}, found: journalMissing}, nil
	}
	if err != nil {
		return journal{}, fmt.Errorf("read failed-login journal: %w", err)
	}
	if j, ok := parseJournal(data); ok {
		return j, nil
	}
	j := journal{Format: journalFormat, Base: journalBase{Users: map[string]auth.Lockout{}, Damaged: now.UTC()}}
	locked := func() auth.Lockout {
		l := auth.Lockout{Threshold: j.Base.Threshold}
		for range max(l.Threshold, auth.DefaultLockoutThreshold) {
			l.RecordFailure(now)
		}
		return l
	}
	for _, a := range accounts {
		j.Base.Users[a] = locked()
	}
	j.Base.Unknown = locked()
	if err := writeJournal(dir, j); err != nil {
		return journal{}, err
	}
	return j, nil
}

// parseJournal decodes data, in either format, and reports whether it is a
// sound journal.
func parseJournal(data []byte) (journal, bool) {
	var j journal
	if err := json.Unmarshal(data, &j); err != nil {
		return j, false
	}
	if j.Format == "" { // the first format: {"users": {name: state}}, "" the default
		var old struct {
			Users map[string]auth.Lockout `json:"users"`
		}
		if err := json.Unmarshal(data, &old); err != nil || old.Users == nil {
			return j, false
		}
		j = journal{Format: journalFormat, Base: journalBase{Threshold: old.Users[""].Threshold, Users: old.Users}}
		delete(j.Base.Users, "")
	}
	if j.Format != journalFormat || j.Base.Users == nil {
		return j, false
	}
	sound := func(l auth.Lockout) bool { return l.Failures >= 0 && l.Threshold >= 0 }
	for _, l := range j.Base.Users {
		if !sound(l) {
			return j, false
		}
	}
	return j, sound(j.Base.Unknown) && j.Base.Threshold >= 0
}

func writeJournal(dir string, j journal) error {
	j.Format = journalFormat
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return fmt.Errorf("encode failed-login journal: %w", err)
	}
	if err := fsutil.WriteBytes(filepath.Join(dir, lockoutFile), append(data, '\n'), 0o600, false); err != nil {
		return fmt.Errorf("write failed-login journal: %w", err)
	}
	return nil
}

// baseHash is the hash of the journal's base that the vault keeps.
func (j journal) baseHash() string {
	data, err := json.Marshal(j.Base) // map keys sorted: the same base, the same bytes
	if err != nil {
		panic(err) // a struct of strings, numbers and times always encodes
	}
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// state is the back-off state of account ("" for the bucket of names
// without an account): its base with its failures since replayed.
func (j journal) state(account string) auth.Lockout {
	l, ok := j.Base.Unknown, true
	if account != "" {
		l, ok = j.Base.Users[account]
	}
	if !ok {
		l = auth.Lockout{}
	}
	l.Threshold = j.Base.Threshold
	for _, f := range j.Failures {
		if f.User == account {
			l.RecordFailure(f.Time)
		}
	}
	return l
}

// fail appends a failed login of account ("" for a name without one).
func (j *journal) fail(account string, now time.Time) {
	j.Failures = append(j.Failures, failure{User: account, Time: now.UTC()})
}

// settled is the journal a good login of account writes: every account
// of accounts with its state so far, account itself clean, the bucket's
// state kept, no failures pending.
func (j journal) settled(account string, accounts []string) journal {
	next := journal{Format: journalFormat, Base: journalBase{Threshold: j.Base.Threshold, Users: map[string]auth.Lockout{}}}
	for _, a := range accounts {
		l := j.state(a)
		if a == account {
			l.RecordSuccess()
		}
		next.Base.Users[a] = l
	}
	next.Base.Unknown = j.state("")
	return next
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

// journalProblem says, for the alert of a good login, what was wrong with
// the journal it read ("" when nothing was): found as it was read, anchor
// the hash the vault kept of the base the last good login wrote.
func (j journal) journalProblem(anchor string) string {
	switch {
	case !j.Base.Damaged.IsZero():
		return fmt.Sprintf("the failed-login journal (%s) was damaged or overwritten; every account was held back as after repeated failures from %s",
			lockoutFile, j.Base.Damaged.Format("2006-01-02 15:04 MST"))
	case anchor == "" || anchor == j.baseHash():
		return ""
	case j.found == journalMissing:
		return fmt.Sprintf("the failed-login journal (%s) was removed since the last login, which resets the back-off of every account", lockoutFile)
	}
	return fmt.Sprintf("the failed-login journal (%s) was edited outside SafeInvoice since the last login: the counts it shows cannot be trusted", lockoutFile)
}
