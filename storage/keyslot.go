package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"

	"safeinvoice/internal/fsutil"
)

const (
	slotFormat = "safeinvoice-keyslot/1"
	slotDir    = "keyslots"
	slotExt    = ".slot"
	// KeySize is the size of the master key: AES-256.
	KeySize = 32
	// ProductWorkFactor is the scrypt work factor (log2 N) of key slots in
	// the product. Tests use a lower one through Options.
	ProductWorkFactor = 18
)

// slotFile is the on-disk form of a key slot. Everything but Age is public
// metadata; Age is the age file (scrypt recipient) whose plaintext is a
// slotSecret. Checksum lets a damaged file be told from a wrong password,
// which age alone cannot do.
type slotFile struct {
	Format   string    `json:"format"`
	Vault    string    `json:"vault"`
	User     string    `json:"user"`
	Created  time.Time `json:"created"`
	Checksum string    `json:"sha256"`
	Age      string    `json:"age"`
}

// slotSecret is the plaintext inside a slot. Vault and user are repeated so
// that a slot file renamed or copied to another user or vault is refused.
type slotSecret struct {
	Vault string `json:"vault"`
	User  string `json:"user"`
	Key   []byte `json:"key"`
}

func slotPath(dir, user string) string {
	return filepath.Join(dir, slotDir, user+slotExt)
}

// writeSlot wraps key for user under password and writes the slot file
// atomically, replacing an earlier slot of that user.
func writeSlot(dir, vaultID, user string, key []byte, password string, workFactor int, now time.Time) error {
	if err := checkSlotName(user); err != nil {
		return err
	}
	r, err := age.NewScryptRecipient(password)
	if err != nil {
		return fmt.Errorf("key slot for %s: %w", user, err)
	}
	r.SetWorkFactor(workFactor)
	secret, err := json.Marshal(slotSecret{Vault: vaultID, User: user, Key: key})
	if err != nil {
		return fmt.Errorf("encode key slot: %w", err)
	}
	defer clear(secret)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		return fmt.Errorf("encrypt key slot: %w", err)
	}
	if _, err := w.Write(secret); err != nil {
		return fmt.Errorf("encrypt key slot: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("encrypt key slot: %w", err)
	}
	sum := sha256.Sum256(buf.Bytes())
	data, err := json.MarshalIndent(slotFile{
		Format:   slotFormat,
		Vault:    vaultID,
		User:     user,
		Created:  now.UTC(),
		Checksum: hex.EncodeToString(sum[:]),
		Age:      base64.StdEncoding.EncodeToString(buf.Bytes()),
	}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode key slot: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, slotDir), 0o700); err != nil {
		return fmt.Errorf("create key slot folder: %w", err)
	}
	if err := fsutil.WriteBytes(slotPath(dir, user), append(data, '\n'), 0o600, false); err != nil {
		return fmt.Errorf("write key slot for %s: %w", user, err)
	}
	return nil
}

// readSlot unwraps the master key from user's slot with password. It returns
// ErrNoSlot, ErrWrongPassword or ErrSlotDamaged (wrapped) when it cannot.
func readSlot(dir, vaultID, user, password string) ([]byte, error) {
	if err := checkSlotName(user); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(slotPath(dir, user))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("user %q: %w", user, ErrNoSlot)
	}
	if err != nil {
		return nil, fmt.Errorf("read key slot of %s: %w", user, err)
	}
	damaged := func(why string) error {
		return fmt.Errorf("key slot of %s (%s): %s: %w", user, slotPath(dir, user), why, ErrSlotDamaged)
	}
	var sf slotFile
	if err := json.Unmarshal(data, &sf); err != nil {
		return nil, damaged("not a key slot")
	}
	if sf.Format != slotFormat {
		return nil, damaged(fmt.Sprintf("unknown format %q", sf.Format))
	}
	if sf.User != user || sf.Vault != vaultID {
		return nil, damaged("it belongs to another user or vault")
	}
	ct, err := base64.StdEncoding.DecodeString(sf.Age)
	if err != nil {
		return nil, damaged("bad encoding")
	}
	sum := sha256.Sum256(ct)
	if hex.EncodeToString(sum[:]) != sf.Checksum {
		return nil, damaged("checksum mismatch")
	}
	id, err := age.NewScryptIdentity(password)
	if err != nil {
		return nil, fmt.Errorf("key slot of %s: %w", user, err)
	}
	r, err := age.Decrypt(bytes.NewReader(ct), id)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return nil, fmt.Errorf("user %q: %w", user, ErrWrongPassword)
		}
		return nil, damaged(err.Error())
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		return nil, damaged(err.Error())
	}
	defer clear(plain)
	var sec slotSecret
	if err := json.Unmarshal(plain, &sec); err != nil {
		return nil, damaged("bad contents")
	}
	if sec.User != user || sec.Vault != vaultID || len(sec.Key) != KeySize {
		clear(sec.Key)
		return nil, damaged("it belongs to another user or vault")
	}
	return sec.Key, nil
}

// removeSlot deletes user's slot file.
func removeSlot(dir, user string) error {
	if err := checkSlotName(user); err != nil {
		return err
	}
	if err := os.Remove(slotPath(dir, user)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("user %q: %w", user, ErrNoSlot)
		}
		return fmt.Errorf("remove key slot of %s: %w", user, err)
	}
	return fsutil.SyncDir(filepath.Join(dir, slotDir))
}

// SlotUsers lists the users that have a key slot in dir, sorted.
func SlotUsers(dir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, slotDir))
	if err != nil {
		return nil, fmt.Errorf("list key slots: %w", err)
	}
	var users []string
	for _, e := range entries {
		name := e.Name()
		if e.Type().IsRegular() && strings.HasSuffix(name, slotExt) && !fsutil.IsTemp(name) {
			users = append(users, strings.TrimSuffix(name, slotExt))
		}
	}
	return users, nil
}

// checkSlotName refuses user names that could not safely be a file name. The
// auth package has the full rule; this is the storage layer's own guard.
func checkSlotName(user string) error {
	if user == "" || len(user) > 64 || strings.ContainsAny(user, `/\:*?"<>|`) ||
		strings.HasPrefix(user, ".") || strings.ContainsFunc(user, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return fmt.Errorf("user name %q cannot name a key slot", user)
	}
	return nil
}
