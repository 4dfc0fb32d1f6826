package backup

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"filippo.io/age"
)

var t0 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// fakeVault stands in for the storage layer: a stream is the bytes of the
// versions after since.
type fakeVault struct {
	versions [][]byte // version i+1 is versions[i]
}

func (f *fakeVault) stream(w io.Writer, since uint64) (Snapshot, error) {
	for _, v := range f.versions[since:] {
		if _, err := w.Write(v); err != nil {
			return Snapshot{}, err
		}
	}
	until := uint64(len(f.versions))
	return Snapshot{Since: since, Until: until, Counts: map[string]int{"client": len(f.versions)},
		Audit: Checkpoint{Seq: until, Hash: fmt.Sprintf("%064x", until)}}, nil
}

func (f *fakeVault) add(n int) {
	for range n {
		f.versions = append(f.versions, []byte(fmt.Sprintf("version %d of the books\n", len(f.versions)+1)))
	}
}

func newKey(t testing.TB) RecoveryKey {
	t.Helper()
	k, err := NewRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func params(key RecoveryKey, parent *Manifest, now time.Time) Params {
	return Params{Key: key, VaultID: "vault-1", Kit: Kit{VaultID: "vault-1", Key: bytes.Repeat([]byte{7}, 32),
		Slots: map[string][]byte{"alice": []byte("slot")}}, Parent: parent, Now: now}
}

// writeChain writes a full backup and n incrementals, one minute apart.
func writeChain(t *testing.T, dir string, key RecoveryKey, fv *fakeVault, n int) []Backup {
	t.Helper()
	var out []Backup
	var parent *Manifest
	for i := 0; i <= n; i++ {
		fv.add(3)
		e, m, err := Write(t.Context(), dir, params(key, parent, t0.Add(time.Duration(len(fv.versions))*time.Minute)), fv.stream)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Backup{Entry: e, Manifest: m})
		parent = &out[len(out)-1].Manifest
	}
	return out
}

func TestWriteListVerifyChain(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	fv := &fakeVault{}
	chain := writeChain(t, dir, key, fv, 2)
	l, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Backups) != 3 || len(l.Ignored) != 0 {
		t.Fatalf("listing %+v", l)
	}
	if l.Backups[0].Kind != Full || l.Backups[1].Kind != Incremental || !strings.Contains(l.Backups[0].Name, "-full-") {
		t.Errorf("kinds %v %v", l.Backups[0], l.Backups[1])
	}
	for i, b := range chain[1:] {
		if b.Manifest.Since != chain[i].Manifest.Until || b.Manifest.Parent != chain[i].Name {
			t.Errorf("incremental %d: since %d parent %s", i+1, b.Manifest.Since, b.Manifest.Parent)
		}
	}
	rep, err := Verify(t.Context(), dir, key, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Problems() != 0 || len(rep.Results) != 3 {
		t.Fatalf("report %+v", rep)
	}
	if rep.Results[0].Manifest.Kit.Key != nil {
		t.Error("the report carries the secret kit")
	}
	// The data file is plain age: decrypting gives exactly the stream.
	id, _ := age.ParseX25519Identity(key.Identity)
	f, err := os.Open(chain[1].Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := age.Decrypt(f, id)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if want := bytes.Join(fv.versions[3:6], nil); !bytes.Equal(got, want) {
		t.Errorf("incremental holds %q, want %q", got, want)
	}
	// Resolve finds the chain of the newest backup; a restore reads it.
	res, err := Resolve(dir, key)
	if err != nil || len(res) != 3 || res[2].Name != chain[2].Name {
		t.Fatalf("resolve: %v %d", err, len(res))
	}
	var loaded [][]byte
	m, err := RestoreChain(t.Context(), filepath.Join(t.TempDir(), "r"), res, key, func(dir string, kit Kit, streams []io.Reader, seqs []uint64) (Loaded, error) {
		for _, s := range streams {
			b, err := io.ReadAll(s)
			if err != nil {
				return Loaded{}, err
			}
			loaded = append(loaded, b)
		}
		at := map[uint64]string{}
		for _, s := range seqs {
			at[s] = fmt.Sprintf("%064x", s)
		}
		return Loaded{Counts: map[string]int{"client": 9}, Audit: Checkpoint{Seq: 9, Hash: fmt.Sprintf("%064x", 9)}, AuditAt: at}, nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Kit.Key) != string(bytes.Repeat([]byte{7}, 32)) || !bytes.Equal(bytes.Join(loaded, nil), bytes.Join(fv.versions, nil)) {
		t.Error("restore read the wrong streams or kit")
	}
}

func TestRestoreChainRefusesMismatchedCounts(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	writeChain(t, dir, key, &fakeVault{}, 0)
	chain, err := Resolve(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	_, err = RestoreChain(t.Context(), filepath.Join(t.TempDir(), "r"), chain, key, func(string, Kit, []io.Reader, []uint64) (Loaded, error) {
		return Loaded{Counts: map[string]int{"client": 2}, Audit: Checkpoint{Seq: 3, Hash: fmt.Sprintf("%064x", 3)}}, nil
	}, nil)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "2 client") {
		t.Fatalf("got %v, want ErrCorrupt about counts", err)
	}
}

func TestExtraRecipientsAndRefusals(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	acct := newKey(t)
	p := params(key, nil, t0)
	p.Extra = []string{acct.Recipient, "  " + acct.Recipient + " "}
	e, m, err := Write(t.Context(), dir, p, (&fakeVault{versions: [][]byte{[]byte("x")}}).stream)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Recipients) != 2 || m.Recipients[0] != key.Recipient {
		t.Errorf("recipients %v", m.Recipients)
	}
	id, _ := age.ParseX25519Identity(acct.Identity)
	f, _ := os.Open(e.Path)
	defer f.Close()
	if _, err := age.Decrypt(f, id); err != nil {
		t.Errorf("the accountant cannot decrypt: %v", err)
	}
	for _, bad := range []string{"", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFoo", acct.Identity, "age1pq1qqqq", "age1yubikey1qqq", "hello"} {
		p.Extra = []string{bad}
		if _, _, err := Write(t.Context(), dir, p, (&fakeVault{}).stream); !errors.Is(err, ErrBadRecipient) {
			t.Errorf("recipient %q: got %v, want ErrBadRecipient", bad, err)
		}
		if strings.Contains(fmt.Sprint(err), "AGE-SECRET-KEY-1"+acct.Identity[16:30]) {
			t.Error("the error echoes a secret key")
		}
	}
	// Another recovery key opens nothing.
	rep, err := Verify(t.Context(), dir, newKey(t), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 1 || !errors.Is(rep.Results[0].Err, ErrWrongKey) {
		t.Fatalf("wrong key: %+v", rep.Results)
	}
	// The accountant can decrypt but cannot forge: a manifest needs the
	// recovery key's tag.
	if _, err := Verify(t.Context(), dir, acct, VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestForgedManifestIsRefused(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	writeChain(t, dir, key, &fakeVault{}, 0)
	l, _ := List(dir)
	// Someone who knows only the public key writes a manifest of their own.
	forger := RecoveryKey{Identity: newKey(t).Identity, Recipient: key.Recipient}
	m, err := ReadManifest(l.Backups[0], key)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := age.ParseX25519Recipient(key.Recipient)
	sealed, err := sealManifest(m, forger, []age.Recipient{r})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(l.Backups[0].ManifestPath, sealed, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadManifest(l.Backups[0], key); !errors.Is(err, ErrForeign) {
		t.Fatalf("got %v, want ErrForeign", err)
	}
}

func TestChainGap(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	chain := writeChain(t, dir, key, &fakeVault{}, 3)
	for _, p := range []string{chain[1].Path, chain[1].ManifestPath} {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := Verify(t.Context(), dir, key, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Problems() != 2 || rep.Results[0].Err != nil || !errors.Is(rep.Results[1].Err, ErrChainGap) || !errors.Is(rep.Results[2].Err, ErrChainGap) {
		t.Fatalf("report %+v", rep.Results)
	}
	if _, err := Resolve(chain[3].Path, key); !errors.Is(err, ErrChainGap) {
		t.Fatalf("resolve: %v, want ErrChainGap", err)
	}
	if _, err := Resolve(chain[0].ManifestPath, key); err != nil {
		t.Fatalf("the full backup alone still resolves: %v", err)
	}
}

func TestListIgnoresForeignPartialAndConflictFiles(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	chain := writeChain(t, dir, key, &fakeVault{}, 1)
	base := strings.TrimSuffix(chain[0].Name, ".age")
	data, _ := os.ReadFile(chain[0].Path)
	man, _ := os.ReadFile(chain[0].ManifestPath)
	names := map[string]string{
		base + " (conflicted copy 2026-11-24).age":                   "conflict",
		base + " (Alice's conflicted copy 2026-11-24).manifest.age":  "conflict",
		base + ".sync-conflict-20261124-090000-ABCDEFG.age":          "conflict",
		base + ".sync-conflict-20261124-090000-ABCDEFG.manifest.age": "conflict",
		base + " (conflicted copy 2026-11-24 090000).age":            "conflict",
		base + " (1).age":                                    "copy",
		".syncthing." + base + ".tmp":                        "sync",
		"~syncthing~" + base + ".age.tmp":                    "sync",
		".safeinvoice-tmp-123456":                            "unfinished",
		"holiday.jpg":                                        "not a SafeInvoice",
		"safeinvoice-20261124T100000.000Z-full-0a0b0c0d.age": "incomplete",
	}
	for n := range names {
		content := data
		if strings.Contains(n, "manifest") {
			content = man
		}
		if err := os.WriteFile(filepath.Join(dir, n), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	l, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Backups) != 2 {
		t.Fatalf("listed %d backups: %+v", len(l.Backups), l.Backups)
	}
	if len(l.Ignored) != len(names) {
		t.Fatalf("ignored %d files, want %d: %+v", len(l.Ignored), len(names), l.Ignored)
	}
	for _, ig := range l.Ignored {
		if ig.Bad || !strings.Contains(ig.Reason, names[ig.Name]) {
			t.Errorf("%s: reason %q, want it to say %q", ig.Name, ig.Reason, names[ig.Name])
		}
	}
	// A manifest whose data file is gone is a problem, not noise.
	if err := os.Remove(chain[1].Path); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(t.Context(), dir, key, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Problems() != 1 || len(rep.Results) != 1 {
		t.Fatalf("problems %d, results %d", rep.Problems(), len(rep.Results))
	}
}

// fullFS is a file system whose files fail with ENOSPC after limit bytes,
// or on Sync.
type fullFS struct {
	OSFS
	limit     int
	failSync  bool
	failClose bool
}

type fullFile struct {
	*os.File
	fs      *fullFS
	written int
}

func (f *fullFS) CreateTemp(dir, pattern string) (File, error) {
	file, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return &fullFile{File: file, fs: f}, nil
}

func (f *fullFile) Write(p []byte) (int, error) {
	if f.written+len(p) > f.fs.limit {
		n := max(f.fs.limit-f.written, 0)
		n, _ = f.File.Write(p[:n])
		f.written += n
		return n, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	n, err := f.File.Write(p)
	f.written += n
	return n, err
}

func (f *fullFile) Sync() error {
	if f.fs.failSync {
		return &fs.PathError{Op: "sync", Path: f.Name(), Err: syscall.ENOSPC}
	}
	return f.File.Sync()
}

func (f *fullFile) Close() error {
	err := f.File.Close()
	if f.fs.failClose {
		return &fs.PathError{Op: "close", Path: f.Name(), Err: syscall.ENOSPC}
	}
	return err
}

func TestFullFolderLeavesNothing(t *testing.T) {
	key := newKey(t)
	fv := &fakeVault{}
	fv.add(100000) // a few MB, more than the write buffer
	for name, fsys := range map[string]FS{
		"write early": &fullFS{limit: 100},
		"write late":  &fullFS{limit: 2 << 20},
		"sync":        &fullFS{limit: 1 << 40, failSync: true},
		"close":       &fullFS{limit: 1 << 40, failClose: true},
		"manifest":    &manifestFullFS{}, // room for the data, not the manifest
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := params(key, nil, t0)
			p.FS = fsys
			_, _, err := Write(t.Context(), dir, p, fv.stream)
			checkFull(t, dir, err)
		})
	}
}

// manifestFullFS lets the first file through and fails the second.
type manifestFullFS struct {
	OSFS
	n int
}

func (m *manifestFullFS) CreateTemp(dir, pattern string) (File, error) {
	m.n++
	if m.n == 1 {
		return OSFS{}.CreateTemp(dir, pattern)
	}
	return (&fullFS{limit: 10}).CreateTemp(dir, pattern)
}

func checkFull(t *testing.T, dir string, err error) {
	t.Helper()
	if !errors.Is(err, ErrFolderFull) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("got %v, want ErrFolderFull", err)
	}
	if !strings.Contains(err.Error(), dir) {
		t.Errorf("error %q does not name the folder", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestMissingFolder(t *testing.T) {
	key := newKey(t)
	dir := filepath.Join(t.TempDir(), "usb-stick")
	_, _, err := Write(t.Context(), dir, params(key, nil, t0), (&fakeVault{}).stream)
	if !errors.Is(err, ErrFolderMissing) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("got %v, want ErrFolderMissing naming the folder", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Error("the folder was created")
	}
	// The folder vanishes while the stream is being written. Windows
	// removes no folder holding an open file, so that cannot happen there.
	if runtime.GOOS == "windows" {
		return
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	_, _, err = Write(t.Context(), dir, params(key, nil, t0), func(w io.Writer, since uint64) (Snapshot, error) {
		if err := os.RemoveAll(dir); err != nil {
			return Snapshot{}, err
		}
		return (&fakeVault{versions: [][]byte{[]byte("x")}}).stream(w, since)
	})
	if !errors.Is(err, ErrFolderMissing) {
		t.Fatalf("got %v, want ErrFolderMissing", err)
	}
	if _, err := List(dir); !errors.Is(err, ErrFolderMissing) {
		t.Errorf("list of a vanished folder: %v", err)
	}
}

func TestTwoBackupsInOneMillisecond(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	fv := &fakeVault{}
	fv.add(1)
	e1, _, err := Write(t.Context(), dir, params(key, nil, t0), fv.stream)
	if err != nil {
		t.Fatal(err)
	}
	e2, _, err := Write(t.Context(), dir, params(key, nil, t0), fv.stream)
	if err != nil {
		t.Fatal(err)
	}
	if e1.Name == e2.Name || e1.Name > e2.Name {
		t.Errorf("names %s, %s", e1.Name, e2.Name)
	}
	if rep, _ := Verify(t.Context(), dir, key, VerifyOptions{}); rep.Problems() != 0 {
		t.Errorf("%+v", rep)
	}
}

func FuzzOpenManifest(f *testing.F) {
	key, err := ParseRecoveryKey("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX")
	if err != nil {
		f.Fatal(err)
	}
	k, _ := tagKey(key)
	body := []byte(`{"format":1,"vault_id":"v","kind":"full","stream_sha256":"` + strings.Repeat("0", 64) + `","kit":{"vault_id":"v"}}`)
	env := fmt.Sprintf(`{"format":"safeinvoice-backup","manifest":%s,"tag":%q}`, body, manifestTag(k, body))
	f.Add([]byte(env))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"format":"safeinvoice-backup","manifest":{},"tag":""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := openManifest(data, key, false)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrForeign) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if m.Format < 1 || m.Format > FormatVersion || m.VaultID == "" || m.Kit.VaultID != m.VaultID || m.KitSealed != nil {
			t.Fatalf("accepted %+v", m)
		}
	})
}

func TestVaultTagIsStableAndShort(t *testing.T) {
	a, b := VaultTag("0123"), VaultTag("0124")
	if a == b || len(a) != 8 || VaultTag("0123") != a {
		t.Errorf("tags %s %s", a, b)
	}
	h := sha256.Sum256([]byte("0123"))
	if strings.Contains(fmt.Sprintf("%x", h), a) {
		t.Error("the tag is a plain hash of the id")
	}
}

// A large backup file has its writeback started every writebackChunk and
// still holds exactly what was written.
func TestLargeFilesHaveTheirWritebackStarted(t *testing.T) {
	want := make([]byte, 2*writebackChunk+writebackChunk/2)
	for i := range want {
		want[i] = byte(i * 31 / 7)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "large"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ew := &errWriter{w: f, f: f}
	for off := 0; off < len(want); off += 1 << 20 {
		if _, err := ew.Write(want[off:min(off+1<<20, len(want))]); err != nil {
			t.Fatal(err)
		}
	}
	if ew.written != int64(len(want)) || ew.started != 2*writebackChunk {
		t.Errorf("%d bytes written, writeback started for %d; want %d and %d", ew.written, ew.started, len(want), 2*writebackChunk)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("the file differs from what was written")
	}
}
