package backup

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
	"time"

	"filippo.io/age"
)

// ErrBadRecoveryKey means a recovery key file holds no usable age identity.
var ErrBadRecoveryKey = errors.New("not a SafeInvoice recovery key")

// RecoveryKey is the age X25519 identity that every backup of a vault is
// encrypted to. Identity is the secret "AGE-SECRET-KEY-1…" string; Recipient
// the public "age1…" string.
type RecoveryKey struct {
	Identity  string
	Recipient string
}

// NewRecoveryKey generates a fresh recovery key.
func NewRecoveryKey() (RecoveryKey, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return RecoveryKey{}, fmt.Errorf("generate recovery key: %w", err)
	}
	return RecoveryKey{Identity: id.String(), Recipient: id.Recipient().String()}, nil
}

// ParseRecoveryKey checks an identity string and returns the key with its
// recipient. Its error says what is wrong without quoting any part of the
// string, which may be a secret key with a typo.
func ParseRecoveryKey(identity string) (RecoveryKey, error) {
	identity = strings.TrimSpace(identity)
	id, err := age.ParseX25519Identity(identity)
	if err != nil {
		why := "the key is mistyped or cut (its checksum does not match)"
		if !strings.HasPrefix(strings.ToUpper(identity), "AGE-SECRET-KEY-1") {
			why = "an age secret key starts with AGE-SECRET-KEY-1"
		}
		return RecoveryKey{}, fmt.Errorf("%w: %s", ErrBadRecoveryKey, why)
	}
	return RecoveryKey{Identity: id.String(), Recipient: id.Recipient().String()}, nil
}

// KeyFile renders the key as an age identity file, the format age-keygen
// writes, so that `age -d -i FILE` reads it directly. The comment lines say
// what it is; they hold nothing secret.
func (k RecoveryKey) KeyFile(vaultID, business string, created time.Time) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# SafeInvoice recovery key\n")
	if business != "" {
		fmt.Fprintf(&b, "# business: %s\n", oneLine(business))
	}
	fmt.Fprintf(&b, "# vault: %s\n", vaultID)
	fmt.Fprintf(&b, "# created: %s\n", created.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "# public key: %s\n", k.Recipient)
	fmt.Fprintf(&b, "# Anyone holding this file can read every backup of these books.\n")
	fmt.Fprintf(&b, "# Keep it offline, away from the backups. Restore with:\n")
	fmt.Fprintf(&b, "#   safeinvoice restore --from BACKUP --recovery-key THIS_FILE\n")
	fmt.Fprintf(&b, "%s\n", k.Identity)
	return []byte(b.String())
}

// ParseKeyFile reads a key file written by KeyFile (or by age-keygen):
// comment lines are skipped and exactly one X25519 identity must remain.
func ParseKeyFile(data []byte) (RecoveryKey, error) {
	var found []string
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		found = append(found, line)
	}
	if err := sc.Err(); err != nil {
		return RecoveryKey{}, fmt.Errorf("%w: %v", ErrBadRecoveryKey, err)
	}
	if len(found) != 1 {
		return RecoveryKey{}, fmt.Errorf("%w: expected one identity line, found %d", ErrBadRecoveryKey, len(found))
	}
	return ParseRecoveryKey(found[0])
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
