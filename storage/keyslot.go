package storage

import (
	"bytes"
	"crypto/ed25519"
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

// Key slots have two files per user, so that the master key can be rotated
// when a user is removed without knowing the other users' passwords:
//
//	keyslots/NAME.slot  the user's own age X25519 identity, encrypted with
//	                    an age scrypt recipient made from the password
//	keyslots/NAME.key   the master key, encrypted to that identity's
//	                    public recipient (stored in clear in the .slot)
//
// Login: password → identity → master key. A password change rewrites the
// .slot only. Rotation writes a new .key for every remaining user.
const (
	slotFormat    = "safeinvoice-keyslot/2"
	userKeyFormat = "safeinvoice-userkey/1"
	slotDir       = "keyslots"
	slotExt       = ".slot"
	keyExt        = ".key"
	pendingExt    = ".key.new"
	// rotationMark exists between the key registry's rewrite and the
	// renaming of the new .key files, the commit point of a rotation.
	rotationMark = "rotation-committed"
	// KeySize is the size of the master key: AES-256.
	KeySize = 32
	// ProductWorkFactor is the scrypt work factor (log2 N) of key slots in
	// the product. Tests use a lower one through Options.
	ProductWorkFactor = 18
)

// sealedFile is the on-disk form of a .slot or .key file. Everything but
// Age is public metadata; Age is an age file. Checksum lets a damaged file
// be told from a wrong password, which age alone cannot do.
type sealedFile struct {
	Format    string    `json:"format"`
	Vault     string    `json:"vault"`
	User      string    `json:"user"`
	Created   time.Time `json:"created"`
	Recipient string    `json:"recipient,omitempty"` // .slot: the user's public key
	Checksum  string    `json:"sha256"`
	Age       string    `json:"age"`
}

// sealedSecret is the plaintext inside a sealed file. Vault and user are
// repeated so that a file renamed or copied to another user or vault is
// refused.
type sealedSecret struct {
	Vault    string `json:"vault"`
	User     string `json:"user"`
	Identity string `json:"identity,omitempty"` // in a .slot
	// Signing is, in an administrator's .slot, the seed of the
	// administrators' signing key (see signer.go): only a password opens
	// it, and only one who knows it can write a .slot that holds it.
	Signing []byte `json:"signing,omitempty"`
	Key     []byte `json:"key,omitempty"` // in a .key
}

func slotPath(dir, user string) string { return filepath.Join(dir, slotDir, user+slotExt) }
func keyPath(dir, user string) string  { return filepath.Join(dir, slotDir, user+keyExt) }

// seal encrypts secret to r and writes it as a sealed file at path.
func seal(path, format, vaultID, user, recipient string, secret sealedSecret, r age.Recipient, now time.Time) error {
	plain, err := json.Marshal(secret)
	if err != nil {
		return fmt.Errorf("encode key file: %w", err)
	}
	defer clear(plain)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		return fmt.Errorf("encrypt key file: %w", err)
	}
	if _, err := w.Write(plain); err != nil {
		return fmt.Errorf("encrypt key file: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("encrypt key file: %w", err)
	}
	sum := sha256.Sum256(buf.Bytes())
	data, err := json.MarshalIndent(sealedFile{
		Format: format, Vault: vaultID, User: user, Created: now.UTC(), Recipient: recipient,
		Checksum: hex.EncodeToString(sum[:]), Age: base64.StdEncoding.EncodeToString(buf.Bytes()),
	}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode key file: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create key slot folder: %w", err)
	}
	if err := fsutil.WriteBytes(path, append(data, '\n'), 0o600, false); err != nil {
		return fmt.Errorf("write key file of %s: %w", user, err)
	}
	return nil
}

// readSealed reads the public part of a sealed file and checks it belongs
// to user in vaultID. A missing file is ErrNoSlot; anything unreadable is
// ErrSlotDamaged; both wrapped.
func readSealed(path, format, vaultID, user string) (sealedFile, []byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return sealedFile{}, nil, fmt.Errorf("user %q: %w", user, ErrNoSlot)
	}
	if err != nil {
		return sealedFile{}, nil, fmt.Errorf("read key file of %s: %w", user, err)
	}
	var sf sealedFile
	if err := json.Unmarshal(data, &sf); err != nil {
		return sf, nil, damaged(path, user, "not a key file")
	}
	if sf.Format != format {
		return sf, nil, damaged(path, user, fmt.Sprintf("unknown format %q", sf.Format))
	}
	if sf.User != user || sf.Vault != vaultID {
		return sf, nil, damaged(path, user, "it belongs to another user or vault")
	}
	ct, err := base64.StdEncoding.DecodeString(sf.Age)
	if err != nil {
		return sf, nil, damaged(path, user, "bad encoding")
	}
	sum := sha256.Sum256(ct)
	if hex.EncodeToString(sum[:]) != sf.Checksum {
		return sf, nil, damaged(path, user, "checksum mismatch")
	}
	return sf, ct, nil
}

func damaged(path, user, why string) error {
	return fmt.Errorf("key file of %s (%s): %s: %w", user, path, why, ErrSlotDamaged)
}

// open decrypts a sealed file's contents with id and checks the owner.
func openSealed(path, vaultID, user string, ct []byte, id age.Identity) (sealedSecret, error) {
	var sec sealedSecret
	r, err := age.Decrypt(bytes.NewReader(ct), id)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return sec, fmt.Errorf("user %q: %w", user, ErrWrongPassword)
		}
		return sec, damaged(path, user, err.Error())
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		return sec, damaged(path, user, err.Error())
	}
	defer clear(plain)
	if err := json.Unmarshal(plain, &sec); err != nil {
		return sec, damaged(path, user, "bad contents")
	}
	if sec.User != user || sec.Vault != vaultID {
		clear(sec.Key)
		return sealedSecret{}, damaged(path, user, "it belongs to another user or vault")
	}
	return sec, nil
}

// writeSlot seals identity, and an administrator's signing key, for user
// under password (the .slot file).
func writeSlot(dir, vaultID, user string, id *age.X25519Identity, signer ed25519.PrivateKey, password string, workFactor int, now time.Time) error {
	if err := checkSlotName(user); err != nil {
		return err
	}
	r, err := age.NewScryptRecipient(password)
	if err != nil {
		return fmt.Errorf("key slot for %s: %w", user, err)
	}
	r.SetWorkFactor(workFactor)
	sec := sealedSecret{Vault: vaultID, User: user, Identity: id.String()}
	if signer != nil {
		sec.Signing = signer.Seed()
		defer clear(sec.Signing)
	}
	return seal(slotPath(dir, user), slotFormat, vaultID, user, id.Recipient().String(), sec, r, now)
}

// writeUserKey seals the master key to a user's recipient at path.
func writeUserKey(path, vaultID, user, recipient string, key []byte, now time.Time) error {
	r, err := age.ParseX25519Recipient(recipient)
	if err != nil {
		return fmt.Errorf("recipient of %s: %w", user, err)
	}
	return seal(path, userKeyFormat, vaultID, user, "", sealedSecret{Vault: vaultID, User: user, Key: key}, r, now)
}

// newUserSlot gives user a fresh identity: the .key with the master key,
// then the .slot under password.
func newUserSlot(dir, vaultID, user string, key []byte, signer ed25519.PrivateKey, password string, workFactor int, now time.Time) (*age.X25519Identity, error) {
	if err := checkSlotName(user); err != nil {
		return nil, err
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("generate identity for %s: %w", user, err)
	}
	if err := writeUserKey(keyPath(dir, user), vaultID, user, id.Recipient().String(), key, now); err != nil {
		return nil, err
	}
	if err := writeSlot(dir, vaultID, user, id, signer, password, workFactor, now); err != nil {
		return nil, err
	}
	return id, nil
}

// readSlot unseals user's identity, and the signing key an
// administrator's slot holds (nil in other slots), with password. It
// returns ErrNoSlot, ErrWrongPassword or ErrSlotDamaged (wrapped) when it
// cannot.
func readSlot(dir, vaultID, user, password string) (*age.X25519Identity, ed25519.PrivateKey, error) {
	if err := checkSlotName(user); err != nil {
		return nil, nil, err
	}
	path := slotPath(dir, user)
	_, ct, err := readSealed(path, slotFormat, vaultID, user)
	if err != nil {
		return nil, nil, err
	}
	sid, err := age.NewScryptIdentity(password)
	if err != nil {
		return nil, nil, fmt.Errorf("key slot of %s: %w", user, err)
	}
	sec, err := openSealed(path, vaultID, user, ct, sid)
	if err != nil {
		return nil, nil, err
	}
	defer clear(sec.Signing)
	id, err := age.ParseX25519Identity(sec.Identity)
	if err != nil {
		return nil, nil, damaged(path, user, "bad identity")
	}
	var signer ed25519.PrivateKey
	switch len(sec.Signing) {
	case 0:
	case ed25519.SeedSize:
		signer = ed25519.NewKeyFromSeed(sec.Signing)
	default:
		return nil, nil, damaged(path, user, "bad signing key")
	}
	return id, signer, nil
}

// readUserKey unseals the master key at path with user's identity.
func readUserKey(path, vaultID, user string, id *age.X25519Identity) ([]byte, error) {
	_, ct, err := readSealed(path, userKeyFormat, vaultID, user)
	if err != nil {
		return nil, err
	}
	sec, err := openSealed(path, vaultID, user, ct, id)
	if errors.Is(err, ErrWrongPassword) {
		// The identity is right (the slot opened), so the file is not.
		return nil, damaged(path, user, "it is not sealed to this user")
	}
	if err != nil {
		return nil, err
	}
	if len(sec.Key) != KeySize {
		clear(sec.Key)
		return nil, damaged(path, user, "bad key")
	}
	return sec.Key, nil
}

// slotRecipient reads the public recipient of user's slot.
func slotRecipient(dir, vaultID, user string) (string, error) {
	sf, _, err := readSealed(slotPath(dir, user), slotFormat, vaultID, user)
	if err != nil {
		return "", err
	}
	if _, err := age.ParseX25519Recipient(sf.Recipient); err != nil {
		return "", damaged(slotPath(dir, user), user, "bad recipient")
	}
	return sf.Recipient, nil
}

// removeSlot deletes user's .slot, .key and any pending .key.new.
func removeSlot(dir, user string) error {
	if err := checkSlotName(user); err != nil {
		return err
	}
	if _, err := os.Stat(slotPath(dir, user)); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("user %q: %w", user, ErrNoSlot)
	}
	for _, p := range []string{slotPath(dir, user), keyPath(dir, user), keyPath(dir, user) + ".new", keyPath(dir, user) + nextKeyExt} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove key file of %s: %w", user, err)
		}
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
