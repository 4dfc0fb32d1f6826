package auth

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// Parameters of HashForHistory: Argon2id with OWASP's minimum profile
// (19 MiB, 2 passes, 1 lane), a 32-byte tag. It takes some tens of
// milliseconds, so checking a full history of 24 entries stays well under a
// second while an offline guess against a stolen history costs the same.
// The parameters are written into every hash, so they can be raised later
// without invalidating stored history.
const (
	historyTime    = 2
	historyMemory  = 19 * 1024 // KiB
	historyThreads = 1
	historyKeyLen  = 32

	// MinSaltSize is the shortest salt HashForHistory accepts, in bytes. The
	// caller draws it from crypto/rand, a new one for every password.
	MinSaltSize = 16
)

var b64 = base64.RawStdEncoding

// HashForHistory returns a salted Argon2id hash of NormalizePassword(password)
// in the PHC string format
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// (unpadded standard base64), suitable for User.PasswordHistory. The salt
// must be at least MinSaltSize random bytes, fresh for each password;
// HashForHistory panics on a shorter salt, which is a programming error.
// The history only serves the reuse rule: it never unlocks anything.
func HashForHistory(password string, salt []byte) string {
	if len(salt) < MinSaltSize {
		panic(fmt.Sprintf("auth: HashForHistory salt is %d bytes, need at least %d", len(salt), MinSaltSize))
	}
	return formatHash(historyTime, historyMemory, historyThreads, salt,
		argon2.IDKey([]byte(NormalizePassword(password)), salt, historyTime, historyMemory, historyThreads, historyKeyLen))
}

func formatHash(t, m uint32, p uint8, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, m, t, p, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// matchesHash reports whether pw (already normalised) hashes to h. A
// malformed h, or one with absurd parameters, matches nothing.
func matchesHash(pw, h string) bool {
	parts := strings.Split(h, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" ||
		parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	// Refuse parameters a tampered file could use to stall the app.
	if m < 8 || m > 1<<20 || t < 1 || t > 16 || p < 1 || p > 16 {
		return false
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < MinSaltSize {
		return false
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

func inHistory(pw string, hashes []string) bool {
	for _, h := range hashes {
		if matchesHash(pw, h) {
			return true
		}
	}
	return false
}

// InHistory reports whether password (normalised with NormalizePassword)
// matches any entry of u.PasswordHistory. Malformed entries match nothing.
// Each entry costs one Argon2id evaluation.
func (u User) InHistory(password string) bool {
	return inHistory(NormalizePassword(password), u.PasswordHistory)
}

// RememberPassword appends HashForHistory(password, salt) to
// u.PasswordHistory and keeps only the newest historySize entries (oldest
// first); historySize ≤ 0 empties the history. Call it with the new password
// whenever one is set, so the history includes the current password. A salt
// shorter than MinSaltSize is refused and u is unchanged.
func (u *User) RememberPassword(password string, salt []byte, historySize int) error {
	if len(salt) < MinSaltSize {
		return fmt.Errorf("password history: salt is %d bytes, need at least %d", len(salt), MinSaltSize)
	}
	if historySize <= 0 {
		u.PasswordHistory = nil
		return nil
	}
	h := append(append([]string(nil), newest(u.PasswordHistory, historySize-1)...),
		HashForHistory(password, salt))
	u.PasswordHistory = h
	return nil
}

// RecordPasswordChange updates u after a new password was accepted and its
// key slot written: it remembers the password (RememberPassword with
// p.HistorySize), sets PasswordChanged to now in UTC and clears MustChange.
// On error u is unchanged.
func (u *User) RecordPasswordChange(password string, salt []byte, p Policy, now time.Time) error {
	if err := u.RememberPassword(password, salt, p.HistorySize); err != nil {
		return err
	}
	u.PasswordChanged = now.UTC()
	u.MustChange = false
	return nil
}
