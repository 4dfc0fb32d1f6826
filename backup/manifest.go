package backup

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
)

// FormatVersion is the manifest format this package writes. It reads
// format 1 too, whose kit lies in the manifest itself, readable by every
// recipient; from format 2 on the kit is sealed to the recovery key alone
// (Manifest.KitSealed).
const FormatVersion = 2

const (
	formatName      = "safeinvoice-backup"
	maxManifestSize = 16 << 20
	tagInfo         = "safeinvoice backup manifest tag v1"
)

// Checkpoint is a position in the vault's audit chain: the last entry's
// sequence number and chain hash.
type Checkpoint struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// Kit is what a restore needs besides the data to rebuild the vault exactly:
// its id, master key and every user's key slot, so that each user logs in
// with the password they had at backup time. It is secret; this package
// stores it only inside encrypted manifests.
//
// From format 2 on the kit is encrypted to the recovery key alone, inside
// the manifest that every recipient of the backup can read: an extra
// recipient (an accountant's key) reads the books' data and the manifest's
// other fields, and nothing that opens the live vault. Secrets are the
// vault's secret records (the recovery key among them), which the data
// stream leaves out for the same reason.
type Kit struct {
	VaultID string            `json:"vault_id"`
	Key     []byte            `json:"key,omitempty"`
	Slots   map[string][]byte `json:"slots,omitempty"`
	Secrets map[string][]byte `json:"secrets,omitempty"`
}

// Snapshot describes the stream a StreamFunc wrote: the versions it covers,
// the record counts and the audit position at that moment.
type Snapshot struct {
	Since  uint64
	Until  uint64
	Counts map[string]int
	Audit  Checkpoint
	// Signed is the newest audit head an administrator signed, if any.
	Signed *SignedHead
}

// SignedHead is an audit head with an administrators' signature (see the
// app's signing.go), which the manifest carries so that a trail cut off in
// the books can be told even when its other records were rewritten.
type SignedHead struct {
	Seq       uint64    `json:"seq"`
	Hash      string    `json:"hash"`
	User      string    `json:"user"`
	Time      time.Time `json:"time"`
	Signature []byte    `json:"signature"`
}

// Manifest describes one backup. It is stored age-encrypted beside the data
// file, to the same recipients, with a tag only a holder of the recovery key
// can make (so a file planted by someone who knows only the public key is
// refused).
type Manifest struct {
	Format  int       `json:"format"`
	VaultID string    `json:"vault_id"`
	Created time.Time `json:"created"`
	Kind    Kind      `json:"kind"`
	// Since and Until are the vault versions the stream covers: after
	// Since (0 for a full backup) up to and including Until.
	Since uint64 `json:"since"`
	Until uint64 `json:"until"`
	// Counts are the live records per kind at backup time.
	Counts map[string]int `json:"counts"`
	// StreamSHA256 and StreamSize describe the plaintext stream (what
	// `age -d` prints).
	StreamSHA256 string `json:"stream_sha256"`
	StreamSize   int64  `json:"stream_size"`
	// Audit is the audit chain's head at backup time.
	Audit Checkpoint `json:"audit"`
	// Signed is the newest audit head an administrator had signed at
	// backup time: the head itself when an administrator made the backup.
	Signed *SignedHead `json:"signed_head,omitempty"`
	// Data is the name of the data file this manifest describes.
	Data string `json:"data"`
	// Parent and ParentSHA256 name, for an incremental backup, the backup
	// it follows (its data file name and stream hash); its Until equals
	// this backup's Since.
	Parent       string `json:"parent,omitempty"`
	ParentSHA256 string `json:"parent_sha256,omitempty"`
	// Recipients are the public keys the backup is encrypted to, the
	// recovery key's first.
	Recipients []string `json:"recipients"`
	// Kit is the secret restore kit. In a format 2 manifest as stored it
	// holds only the vault id, and KitSealed the whole kit, age-encrypted
	// to the recovery key alone; ReadManifest fills Kit from it.
	Kit       Kit    `json:"kit"`
	KitSealed []byte `json:"kit_sealed,omitempty"`
}

// Public returns m without its secret kit, for display and logs.
func (m Manifest) Public() Manifest {
	m.Kit = Kit{VaultID: m.Kit.VaultID}
	return m
}

// Records is the number of live records the backup holds, all kinds.
func (m Manifest) Records() int {
	n := 0
	for _, c := range m.Counts {
		n += c
	}
	return n
}

type envelope struct {
	Format   string          `json:"format"`
	Manifest json.RawMessage `json:"manifest"`
	Tag      string          `json:"tag"`
}

func tagKey(key RecoveryKey) ([]byte, error) {
	k, err := hkdf.Key(sha256.New, []byte(key.Identity), nil, tagInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("derive manifest key: %w", err)
	}
	return k, nil
}

func manifestTag(k, body []byte) string {
	m := hmac.New(sha256.New, k)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// sealManifest encodes, tags and encrypts m, its kit sealed to key alone.
func sealManifest(m Manifest, key RecoveryKey, recipients []age.Recipient) ([]byte, error) {
	id, err := identity(key)
	if err != nil {
		return nil, err
	}
	kit, err := json.Marshal(m.Kit)
	if err != nil {
		return nil, fmt.Errorf("encode the restore kit: %w", err)
	}
	defer clear(kit)
	var sealed bytes.Buffer
	kw, err := age.Encrypt(&sealed, id.Recipient())
	if err != nil {
		return nil, fmt.Errorf("encrypt the restore kit: %w", err)
	}
	if _, err := kw.Write(kit); err != nil {
		return nil, fmt.Errorf("encrypt the restore kit: %w", err)
	}
	if err := kw.Close(); err != nil {
		return nil, fmt.Errorf("encrypt the restore kit: %w", err)
	}
	m.Kit, m.KitSealed = Kit{VaultID: m.Kit.VaultID}, sealed.Bytes()
	body, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	defer clear(body)
	k, err := tagKey(key)
	if err != nil {
		return nil, err
	}
	env, err := json.Marshal(envelope{Format: formatName, Manifest: body, Tag: manifestTag(k, body)})
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	defer clear(env)
	var out bytes.Buffer
	w, err := age.Encrypt(&out, recipients...)
	if err != nil {
		return nil, fmt.Errorf("encrypt manifest: %w", err)
	}
	if _, err := w.Write(env); err != nil {
		return nil, fmt.Errorf("encrypt manifest: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("encrypt manifest: %w", err)
	}
	return out.Bytes(), nil
}

// decryptError classifies an error of age.Decrypt or of reading its output.
func decryptError(name string, err error, wrongKeyPossible bool) error {
	var nim *age.NoIdentityMatchError
	if errors.As(err, &nim) {
		if wrongKeyPossible {
			return errorf(name, ErrWrongKey, nil, "or its header is damaged")
		}
		return errorf(name, ErrCorrupt, nil, "its header is damaged: the recovery key opens its manifest but not the file")
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errorf(name, ErrCorrupt, err, "truncated")
	}
	return errorf(name, ErrCorrupt, err, "")
}

func identity(key RecoveryKey) (*age.X25519Identity, error) {
	id, err := age.ParseX25519Identity(key.Identity)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadRecoveryKey, err)
	}
	return id, nil
}

// ReadManifest decrypts and checks the manifest of the backup e: it must
// open with key, carry a tag made with key, and describe e's data file.
// It does not read the data file; Verify does.
func ReadManifest(e Entry, key RecoveryKey) (Manifest, error) {
	return readManifest(e, key, false)
}

// ReadManifestAsRecipient decrypts the manifest of e with the key of one
// of the backup's extra recipients. Its tag needs the recovery key, so the
// manifest is not authenticated: it is only as good as the folder it came
// from. It carries no kit.
func ReadManifestAsRecipient(e Entry, key RecoveryKey) (Manifest, error) {
	return readManifest(e, key, true)
}

func readManifest(e Entry, key RecoveryKey, asRecipient bool) (Manifest, error) {
	id, err := identity(key)
	if err != nil {
		return Manifest{}, err
	}
	name := filepath.Base(e.ManifestPath)
	f, err := os.Open(e.ManifestPath)
	if err != nil {
		return Manifest{}, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	r, err := age.Decrypt(f, id)
	if err != nil {
		return Manifest{}, decryptError(name, err, true)
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxManifestSize+1))
	if err != nil {
		return Manifest{}, decryptError(name, err, false)
	}
	defer clear(plain)
	if len(plain) > maxManifestSize {
		return Manifest{}, errorf(name, ErrCorrupt, nil, "manifest larger than %d bytes", maxManifestSize)
	}
	m, err := openManifest(plain, key, asRecipient)
	if err != nil {
		return Manifest{}, &fileError{name: name, sentinel: err}
	}
	if m.Data != e.Name {
		return Manifest{}, errorf(name, ErrForeign, nil, "it is the manifest of %s", m.Data)
	}
	if m.Kind != e.Kind || VaultTag(m.VaultID) != e.Tag || !m.Created.Equal(e.Created) {
		return Manifest{}, errorf(name, ErrForeign, nil, "its contents do not match its file name")
	}
	return m, nil
}

// openManifest checks the envelope's tag and decodes the manifest. Errors
// wrap ErrCorrupt or ErrForeign. asRecipient, for a key that is one of the
// manifest's extra recipients, skips the tag and the kit, which need the
// recovery key.
func openManifest(plain []byte, key RecoveryKey, asRecipient bool) (Manifest, error) {
	var env envelope
	if err := json.Unmarshal(plain, &env); err != nil || env.Format != formatName {
		return Manifest{}, fmt.Errorf("%w (not a manifest)", ErrCorrupt)
	}
	k, err := tagKey(key)
	if err != nil {
		return Manifest{}, err
	}
	switch {
	case asRecipient && !extraRecipient(env.Manifest, key):
		return Manifest{}, fmt.Errorf("%w (this key is not one of the backup's extra recipients)", ErrForeign)
	case asRecipient:
	case !hmac.Equal([]byte(env.Tag), []byte(manifestTag(k, env.Manifest))):
		if extraRecipient(env.Manifest, key) {
			return Manifest{}, ErrExtraRecipient
		}
		return Manifest{}, fmt.Errorf("%w (the manifest was not made with this recovery key)", ErrForeign)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(env.Manifest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, fmt.Errorf("%w (manifest: %v)", ErrCorrupt, err)
	}
	if m.Format < 1 || m.Format > FormatVersion {
		return Manifest{}, fmt.Errorf("%w (manifest format %d; this SafeInvoice reads formats 1 to %d)", ErrCorrupt, m.Format, FormatVersion)
	}
	if asRecipient {
		m.Kit, m.KitSealed = Kit{VaultID: m.VaultID}, nil
	} else if m.Format >= 2 {
		kit, err := openKit(m, key)
		if err != nil {
			return Manifest{}, err
		}
		m.Kit, m.KitSealed = kit, nil
	}
	switch {
	case m.VaultID == "" || m.Kit.VaultID != m.VaultID:
		return Manifest{}, fmt.Errorf("%w (manifest without a consistent vault id)", ErrCorrupt)
	case m.Kind == Full && (m.Since != 0 || m.Parent != ""):
		return Manifest{}, fmt.Errorf("%w (a full backup with a parent)", ErrCorrupt)
	case m.Kind == Incremental && m.Parent == "":
		return Manifest{}, fmt.Errorf("%w (an incremental backup without a parent)", ErrCorrupt)
	case m.Kind != Full && m.Kind != Incremental:
		return Manifest{}, fmt.Errorf("%w (unknown kind %q)", ErrCorrupt, m.Kind)
	case m.Until < m.Since || len(m.StreamSHA256) != 64 || m.StreamSize < 0:
		return Manifest{}, fmt.Errorf("%w (manifest fields out of range)", ErrCorrupt)
	}
	return m, nil
}

// extraRecipient reports whether key is one of the recipients listed in
// an (untrusted) manifest body besides its recovery key, the first.
func extraRecipient(body []byte, key RecoveryKey) bool {
	var m struct {
		Recipients []string `json:"recipients"`
	}
	if json.Unmarshal(body, &m) != nil || len(m.Recipients) < 2 {
		return false
	}
	return slices.Contains(m.Recipients[1:], key.Recipient)
}

// openKit decrypts the kit of a format 2 manifest with key.
func openKit(m Manifest, key RecoveryKey) (Kit, error) {
	var kit Kit
	id, err := identity(key)
	if err != nil {
		return kit, err
	}
	r, err := age.Decrypt(bytes.NewReader(m.KitSealed), id)
	if err != nil {
		return kit, fmt.Errorf("%w (the restore kit: %v)", ErrCorrupt, err)
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxManifestSize+1))
	if err != nil || len(plain) > maxManifestSize {
		return kit, fmt.Errorf("%w (the restore kit is truncated or too large)", ErrCorrupt)
	}
	defer clear(plain)
	if err := json.Unmarshal(plain, &kit); err != nil {
		return kit, fmt.Errorf("%w (the restore kit: %v)", ErrCorrupt, err)
	}
	if kit.VaultID != m.VaultID {
		return Kit{}, fmt.Errorf("%w (the restore kit is another vault's)", ErrCorrupt)
	}
	return kit, nil
}

// ParseRecipient checks that s is an age X25519 recipient ("age1…") and
// returns it in canonical form. Anything else (an SSH key, a post-quantum
// or plugin recipient, an identity) is refused with ErrBadRecipient and a
// hint.
func ParseRecipient(s string) (string, error) {
	s = strings.TrimSpace(s)
	r, err := age.ParseX25519Recipient(s)
	if err == nil {
		return r.String(), nil
	}
	hint := ""
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(s, "AGE-SECRET-KEY-"):
		hint = ": this is a secret key; give its public key (age-keygen -y prints it), and keep the secret one private"
	case strings.HasPrefix(lower, "ssh-"), strings.HasPrefix(lower, "ecdsa-"):
		hint = ": SSH keys are not accepted; make an age key with age-keygen"
	case strings.HasPrefix(lower, "age1pq"), strings.HasPrefix(lower, "age1tag"):
		hint = ": post-quantum and tagged recipients cannot be read by every age (Debian's age 1.1.1 included) and cannot be mixed with X25519 keys"
	case strings.HasPrefix(lower, "age1"):
		hint = ": only X25519 public keys as age-keygen makes them are accepted (no plugin keys)"
	}
	short := s
	if len(short) > 24 {
		short = short[:24] + "…"
	}
	return "", fmt.Errorf("recipient %q: %w%s", short, ErrBadRecipient, hint)
}

func recipients(key RecoveryKey, extra []string) ([]age.Recipient, []string, error) {
	all := append([]string{key.Recipient}, extra...)
	seen := map[string]bool{}
	var rs []age.Recipient
	var names []string
	for _, s := range all {
		c, err := ParseRecipient(s)
		if err != nil {
			return nil, nil, err
		}
		if seen[c] {
			continue
		}
		seen[c] = true
		r, err := age.ParseX25519Recipient(c)
		if err != nil {
			return nil, nil, fmt.Errorf("recipient: %w", err)
		}
		rs = append(rs, r)
		names = append(names, c)
	}
	return rs, names, nil
}
