package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"safeinvoice/auth"
	"safeinvoice/backup"
	"safeinvoice/internal/testkit"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// backupFixture is a vault with a recovery key file and a backup folder.
type backupFixture struct {
	cfg     Config
	s       *Session
	keyFile string
	dir     string
}

func newBackupFixture(t testing.TB) *backupFixture {
	t.Helper()
	root := t.TempDir()
	now := testkit.FixedTime()
	tick := 0
	cfg := Config{DataDir: filepath.Join(root, "data"), WorkFactor: testkit.CheapWorkFactor, Now: func() time.Time {
		tick++ // distinct times, so that backup names differ
		return now.Add(time.Duration(tick) * time.Second)
	}, AnchorDir: filepath.Join(t.TempDir(), "anchors")} // not beside the data, which tests list
	f := &backupFixture{cfg: cfg, keyFile: filepath.Join(root, "recovery.txt"), dir: filepath.Join(root, "backups")}
	if err := os.Mkdir(f.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := Init(cfg, InitParams{User: adminName, Password: adminPassword, Business: "Acme Tools", RecoveryKeyOut: f.keyFile})
	if err != nil {
		t.Fatal(err)
	}
	f.s = s
	t.Cleanup(func() { _ = f.s.Close() })
	return f
}

func (f *backupFixture) key(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(f.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func (f *backupFixture) backup(t testing.TB, want backup.Kind) BackupInfo {
	t.Helper()
	info, err := f.s.BackupNow(context.Background(), f.dir, nil)
	if err != nil {
		t.Fatalf("BackupNow: %v", err)
	}
	if info.Manifest.Kind != want {
		t.Fatalf("backup is %s, want %s", info.Manifest.Kind, want)
	}
	return info
}

// books is what a round trip must preserve: every client and invoice.
func books(t testing.TB, s *Session) string {
	t.Helper()
	var b strings.Builder
	err := s.vault.View(func(tx *storage.Tx) error {
		if err := tx.EachClient(func(c invoice.Client) error { fmt.Fprintf(&b, "%+v\n", c); return nil }); err != nil {
			return err
		}
		return tx.EachInvoice(func(i invoice.Invoice) error { fmt.Fprintf(&b, "%+v\n", i); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func lastAudit(t *testing.T, s *Session) storage.AuditEntry {
	t.Helper()
	var last storage.AuditEntry
	if err := s.vault.View(func(tx *storage.Tx) error {
		return tx.EachAudit(1, func(e storage.AuditEntry) error { last = e; return nil })
	}); err != nil {
		t.Fatal(err)
	}
	return last
}

func TestBackupRestoreRoundTripFullAndIncremental(t *testing.T) {
	f := newBackupFixture(t)
	addUser(t, f.s, "bob", auth.RoleBookkeeper, "bob's long passphrase 7")
	c := mustClient(t, f.s, "Müller & Söhne KG", "ap@example.com")
	d := mustDraft(t, f.s, draft(c.ID))
	mustIssue(t, f.s, d.ID)
	full := f.backup(t, backup.Full)
	afterFull := books(t, f.s)

	c2 := mustClient(t, f.s, "Kowalski Sp. z o.o.", "biuro@example.com")
	mustDraft(t, f.s, draft(c2.ID))
	if err := f.s.DeleteClient(c.ID); err == nil {
		t.Log("deleted a client with invoices") // either way the backup must follow
	}
	inc1 := f.backup(t, backup.Incremental)
	if inc1.Manifest.Since != full.Manifest.Until || inc1.Manifest.StreamSize >= full.Manifest.StreamSize {
		t.Errorf("incremental covers %d.. (%d bytes) after full ..%d (%d bytes)", inc1.Manifest.Since,
			inc1.Manifest.StreamSize, full.Manifest.Until, full.Manifest.StreamSize)
	}
	mustDraft(t, f.s, draft(c2.ID))
	f.backup(t, backup.Incremental)
	want := books(t, f.s)
	st, err := f.s.BackupState()
	if err != nil || st.ChainLength != 2 || st.LastSuccess.IsZero() {
		t.Errorf("state %+v, %v", st, err)
	}
	if e := lastAudit(t, f.s); e.Action != "backup.create" {
		t.Errorf("last audit entry %+v", e)
	}

	// Restore the newest backup of the folder into a new data directory.
	cfg2 := f.cfg
	cfg2.DataDir = filepath.Join(t.TempDir(), "restored")
	res, err := Restore(context.Background(), cfg2, RestoreParams{From: f.dir, RecoveryKey: f.key(t)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 3 || res.Previous != "" || res.DataDir != cfg2.DataDir {
		t.Errorf("result %+v", res)
	}
	for user, pw := range map[string]string{adminName: adminPassword, "bob": "bob's long passphrase 7"} {
		r, err := Login(cfg2, user, pw)
		if err != nil {
			t.Fatalf("%s after restore: %v", user, err)
		}
		if r.AuditProblem() != nil {
			t.Errorf("restored chain: %v", r.AuditProblem())
		}
		if got := books(t, r); got != want {
			t.Errorf("restored books differ:\n%s\nwant\n%s", got, want)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Login(cfg2, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var actions []string
	_ = r.vault.View(func(tx *storage.Tx) error {
		return tx.EachAudit(1, func(e storage.AuditEntry) error { actions = append(actions, e.Action); return nil })
	})
	if i := slices.Index(actions, "vault.restore"); i < 0 || actions[len(actions)-1] != "user.login" {
		t.Errorf("restored audit trail ends %v", actions[max(0, len(actions)-3):])
	}
	// The restored vault starts a new chain with a full backup.
	if info, err := r.BackupNow(context.Background(), t.TempDir(), nil); err != nil || info.Manifest.Kind != backup.Full {
		t.Errorf("first backup after restore: %+v, %v", info.Manifest.Kind, err)
	}

	// Restoring the full backup alone gives the books as they were then.
	cfg3 := f.cfg
	cfg3.DataDir = filepath.Join(t.TempDir(), "older")
	if _, err := Restore(context.Background(), cfg3, RestoreParams{From: full.Path, RecoveryKey: f.key(t)}); err != nil {
		t.Fatal(err)
	}
	o, err := Login(cfg3, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if got := books(t, o); got != afterFull {
		t.Errorf("restored full backup:\n%s\nwant\n%s", got, afterFull)
	}
}

func TestVerifyBackupsIsAuditedAndChecksEverything(t *testing.T) {
	f := newBackupFixture(t)
	mustClient(t, f.s, "A", "a@example.com")
	f.backup(t, backup.Full)
	mustClient(t, f.s, "B", "b@example.com")
	f.backup(t, backup.Incremental)
	rep, err := f.s.VerifyBackups(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Problems() != 0 || len(rep.Results) != 2 || !rep.Results[0].Restored || !rep.Results[1].Restored {
		t.Fatalf("report %+v", rep)
	}
	if e := lastAudit(t, f.s); e.Action != "backup.verify" || e.Detail != "2 backups, 0 problems" {
		t.Errorf("audit %+v", e)
	}
	if st, _ := f.s.BackupState(); st.LastVerified.IsZero() {
		t.Error("verification not recorded")
	}
}

func TestBackupPermissionsAndSettings(t *testing.T) {
	f := newBackupFixture(t)
	addUser(t, f.s, "carl", auth.RoleClerk, "carl's long passphrase 7")
	addUser(t, f.s, "bea", auth.RoleBookkeeper, "bea's long passphrase 7")
	if _, err := f.s.BackupNow(context.Background(), "", nil); !errors.Is(err, ErrNoBackupFolder) {
		t.Errorf("no folder: %v", err)
	}
	acct, _ := backup.NewRecoveryKey()
	bs := BackupSettings{Dir: f.dir, Recipients: []string{acct.Recipient}, Schedule: backup.Hourly}
	if err := f.s.SetBackupSettings(bs); err != nil {
		t.Fatal(err)
	}
	bs.Recipients = []string{"ssh-ed25519 AAAA"}
	if err := f.s.SetBackupSettings(bs); !errors.Is(err, backup.ErrBadRecipient) {
		t.Errorf("ssh recipient: %v", err)
	}
	bs.Recipients, bs.Dir = nil, filepath.Join(f.dir, "missing")
	if err := f.s.SetBackupSettings(bs); !errors.Is(err, backup.ErrFolderMissing) {
		t.Errorf("missing folder: %v", err)
	}
	got, err := f.s.BackupSettings()
	if err != nil || got.Dir != f.dir || len(got.Recipients) != 1 || got.Schedule != backup.Hourly || got.Retention != backup.DefaultPolicy {
		t.Fatalf("settings %+v %v", got, err)
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}

	clerk, err := Login(f.cfg, "carl", "carl's long passphrase 7")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := clerk.BackupNow(context.Background(), f.dir, nil); !errors.Is(err, auth.ErrPermission) {
		t.Errorf("clerk backup: %v", err)
	}
	if _, ran, err := clerk.AutoBackup(backup.Closing); ran || err != nil {
		t.Errorf("clerk auto backup ran=%t %v", ran, err)
	}
	if err := clerk.Close(); err != nil {
		t.Fatal(err)
	}

	bk, err := Login(f.cfg, "bea", "bea's long passphrase 7")
	if err != nil {
		t.Fatal(err)
	}
	defer bk.Close()
	if err := bk.SetBackupSettings(got); !errors.Is(err, auth.ErrPermission) {
		t.Errorf("bookkeeper changes recipients: %v", err)
	}
	// Hourly: the first tick backs up, the next one within the hour not.
	info, ran, err := bk.AutoBackup(backup.Timer)
	if err != nil || !ran || len(info.Manifest.Recipients) != 2 {
		t.Fatalf("auto backup: ran=%t %v %v", ran, err, info.Manifest.Recipients)
	}
	if _, ran, _ := bk.AutoBackup(backup.Timer); ran {
		t.Error("a second backup within the hour")
	}
}

func TestBackupFolderRemovedIsAClearErrorAndRecorded(t *testing.T) {
	f := newBackupFixture(t)
	if err := f.s.SetBackupSettings(BackupSettings{Dir: f.dir, Schedule: backup.OnClose}); err != nil {
		t.Fatal(err)
	}
	f.backup(t, backup.Full)
	if err := os.RemoveAll(f.dir); err != nil {
		t.Fatal(err)
	}
	_, ran, err := f.s.AutoBackup(backup.Closing)
	if !ran || !errors.Is(err, backup.ErrFolderMissing) || !strings.Contains(err.Error(), f.dir) {
		t.Fatalf("ran=%t %v", ran, err)
	}
	st, _ := f.s.BackupState()
	if st.LastError == "" || st.LastFailure.IsZero() {
		t.Errorf("failure not recorded: %+v", st)
	}
	if e := lastAudit(t, f.s); e.Action != "backup.failed" {
		t.Errorf("audit %+v", e)
	}
	if _, err := os.Stat(f.dir); !errors.Is(err, fs.ErrNotExist) {
		t.Error("the missing folder was created")
	}
	// The drive comes back: the chain's last backup is gone with the old
	// folder's contents, so the next backup is a full one.
	if err := os.Mkdir(f.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	f.backup(t, backup.Full)
}

// treeDigest hashes every file under dir, to prove nothing was touched.
func treeDigest(t testing.TB, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00", strings.TrimPrefix(p, dir))
		if d.Type().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestRestoreReplaceAndRefusals(t *testing.T) {
	f := newBackupFixture(t)
	mustClient(t, f.s, "Before", "before@example.com")
	info := f.backup(t, backup.Full)
	mustClient(t, f.s, "After", "after@example.com")
	after := books(t, f.s)

	// The vault is open: a replace must not move it.
	if _, err := Restore(context.Background(), f.cfg, RestoreParams{From: info.Path, RecoveryKey: f.key(t), Replace: true}); !errors.Is(err, ErrAlreadyOpen) {
		t.Fatalf("restore over an open vault: %v", err)
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	before := treeDigest(t, f.cfg.DataDir)
	parent := filepath.Dir(f.cfg.DataDir)
	names := testkit.DirNames(t, parent)
	if _, err := Restore(context.Background(), f.cfg, RestoreParams{From: info.Path, RecoveryKey: f.key(t)}); !errors.Is(err, ErrTargetNotEmpty) {
		t.Fatalf("restore without --replace: %v", err)
	}
	other, _ := backup.NewRecoveryKey()
	wrong := other.KeyFile("x", "", time.Now())
	if _, err := Restore(context.Background(), f.cfg, RestoreParams{From: info.Path, RecoveryKey: wrong, Replace: true}); !errors.Is(err, backup.ErrWrongKey) {
		t.Fatalf("wrong key: %v", err)
	}
	if _, err := Restore(context.Background(), f.cfg, RestoreParams{From: info.Path, RecoveryKey: []byte("nonsense"), Replace: true}); !errors.Is(err, backup.ErrBadRecoveryKey) {
		t.Fatalf("bad key file: %v", err)
	}
	if got := treeDigest(t, f.cfg.DataDir); got != before || !slices.Equal(testkit.DirNames(t, parent), names) {
		t.Fatal("a refused restore changed something")
	}

	res, err := Restore(context.Background(), f.cfg, RestoreParams{From: info.ManifestPathForTest(), RecoveryKey: f.key(t), Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(res.Previous), "data.before-restore-") || filepath.Dir(res.Previous) != parent {
		t.Errorf("previous kept at %q", res.Previous)
	}
	if got := treeDigest(t, res.Previous); got != before {
		t.Error("the previous data directory was changed")
	}
	r, err := Login(f.cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(books(t, r), "After") {
		t.Error("the restored books hold a client created after the backup")
	}
	_ = r.Close()
	// Rolling back is moving the previous directory back.
	cfgPrev := f.cfg
	cfgPrev.DataDir = res.Previous
	p, err := Login(cfgPrev, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if books(t, p) != after {
		t.Error("the previous books changed")
	}
	_ = p.Close()
}

// ManifestPathForTest names the manifest, to restore from it.
func (b BackupInfo) ManifestPathForTest() string {
	return filepath.Join(filepath.Dir(b.Path), backup.ManifestName(filepath.Base(b.Path)))
}

func TestBackupFolderHoldsNoPlaintext(t *testing.T) {
	f := newBackupFixture(t)
	markers := []string{"Zyxwvuts Handelsgesellschaft", "marker-7f3a9c@example.com", "Glockenspiel repair, marker line"}
	c := mustClient(t, f.s, markers[0], markers[1])
	mustDraft(t, f.s, draft(c.ID, invoice.Line{Description: markers[2], Quantity: "1", UnitPrice: "10.00", TaxRate: "19"}))
	f.backup(t, backup.Full)
	c.Address = "Marker Street 99"
	markers = append(markers, c.Address)
	if _, _, err := f.s.SaveClient(c); err != nil {
		t.Fatal(err)
	}
	f.backup(t, backup.Incremental)
	var identity string
	_ = f.s.vault.View(func(tx *storage.Tx) error { var err error; identity, err = tx.RecoveryIdentity(); return err })
	kit, err := f.s.vault.RestoreKit()
	if err != nil {
		t.Fatal(err)
	}
	needles := [][]byte{[]byte(identity), kit.Key, []byte(`"slots"`), []byte("audit/")}
	for _, m := range markers {
		needles = append(needles, []byte(m))
	}
	files := 0
	_ = filepath.WalkDir(f.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, n := range needles {
			if bytes.Contains(data, n) {
				t.Errorf("%s contains %q", filepath.Base(p), n)
			}
		}
		return nil
	})
	if files != 4 {
		t.Errorf("%d files in the backup folder, want 4", files)
	}
}

// copyDir copies the regular files of src into a new folder.
func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, n := range testkit.DirNames(t, src) {
		data, err := os.ReadFile(filepath.Join(src, n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, n), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// 200 random corruptions of a chain of three backups: each is refused by
// Verify and by Restore, and the data directory being replaced is never
// touched.
func TestCorruptionsAreAllRefused(t *testing.T) {
	f := newBackupFixture(t)
	for i := range 3 {
		for j := range 5 {
			c := mustClient(t, f.s, fmt.Sprintf("Client %d-%d", i, j), fmt.Sprintf("c%d%d@example.com", i, j))
			mustDraft(t, f.s, draft(c.ID))
		}
		kind := backup.Incremental
		if i == 0 {
			kind = backup.Full
		}
		f.backup(t, kind)
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	key := f.key(t)
	rk, err := backup.ParseKeyFile(key)
	if err != nil {
		t.Fatal(err)
	}
	l, err := backup.List(f.dir)
	if err != nil || len(l.Backups) != 3 {
		t.Fatalf("%v %+v", err, l)
	}
	var files []string
	for _, b := range l.Backups {
		files = append(files, b.Name, filepath.Base(b.ManifestPath))
	}
	before := treeDigest(t, f.cfg.DataDir)
	parent := filepath.Dir(f.cfg.DataDir)
	rounds := 200
	if testing.Short() {
		rounds = 20
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 5))
	seen := map[string]int{}
	for round := range rounds {
		dir := filepath.Join(t.TempDir(), "b")
		copyDir(t, f.dir, dir)
		victim := filepath.Join(dir, files[rng.IntN(len(files))])
		data, err := os.ReadFile(victim)
		if err != nil {
			t.Fatal(err)
		}
		var what string
		switch rng.IntN(5) {
		case 0:
			n := 1 + rng.IntN(3)
			for range n {
				data[rng.IntN(len(data))] ^= 1 << rng.IntN(8)
			}
			what = fmt.Sprintf("%d bit flips", n)
		case 1:
			data = data[:rng.IntN(len(data))]
			what = "truncation"
		case 2:
			extra := make([]byte, 1+rng.IntN(100))
			for i := range extra {
				extra[i] = byte(rng.IntN(256))
			}
			data = append(data, extra...)
			what = "appended bytes"
		case 3:
			// Swap with the same kind of file of another backup.
			i := slices.Index(files, filepath.Base(victim))
			j := (i + 2*(1+rng.IntN(2))) % len(files)
			other, err := os.ReadFile(filepath.Join(dir, files[j]))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, files[j]), data, 0o600); err != nil {
				t.Fatal(err)
			}
			data = other
			what = "swapped files"
		case 4:
			// The manifest of another backup under this one's name.
			i := slices.Index(files, filepath.Base(victim)) | 1
			j := (i + 2*(1+rng.IntN(2))) % len(files)
			victim = filepath.Join(dir, files[i])
			if data, err = os.ReadFile(filepath.Join(dir, files[j])); err != nil {
				t.Fatal(err)
			}
			what = "manifest of another backup"
		}
		seen[what]++
		if err := os.WriteFile(victim, data, 0o600); err != nil {
			t.Fatal(err)
		}
		label := fmt.Sprintf("round %d: %s of %s", round, what, filepath.Base(victim))
		rep, err := backup.Verify(context.Background(), dir, rk, backup.VerifyOptions{Load: f.cfg.loader(), Scratch: t.TempDir()})
		if err != nil {
			t.Fatalf("%s: verify: %v", label, err)
		}
		if rep.Problems() == 0 {
			t.Fatalf("%s: verify found nothing wrong", label)
		}
		_, err = Restore(context.Background(), f.cfg, RestoreParams{From: dir, RecoveryKey: key, Replace: true})
		if err == nil {
			t.Fatalf("%s: restore succeeded", label)
		}
		if !errors.Is(err, backup.ErrCorrupt) && !errors.Is(err, backup.ErrWrongKey) && !errors.Is(err, backup.ErrChainGap) &&
			!errors.Is(err, backup.ErrForeign) && !errors.Is(err, backup.ErrNoBackup) {
			t.Errorf("%s: unclassified error %v", label, err)
		}
		if round%20 == 0 {
			t.Logf("%s: %v", label, err)
		}
	}
	if got := treeDigest(t, f.cfg.DataDir); got != before {
		t.Fatal("a refused restore changed the data directory")
	}
	if got := testkit.DirNames(t, parent); !slices.Equal(got, []string{"backups", "data", "recovery.txt"}) {
		t.Errorf("left beside the data directory: %v", got)
	}
	t.Logf("corruptions: %v", seen)
}

// The child processes of the kill test are this test binary, re-run as
// backupWriterChild with these variables set.
const (
	envBackupData    = "SAFEINVOICE_BACKUP_CHILD_DATA"
	envBackupDir     = "SAFEINVOICE_BACKUP_CHILD_DIR"
	envBackupAnchors = "SAFEINVOICE_BACKUP_CHILD_ANCHORS"
)

// backupWriterChild is the body of TestKillDuringBackup's children: it adds
// a client and backs up, over and over, and acknowledges each backup once
// BackupNow has returned.
func backupWriterChild() {
	cfg := Config{DataDir: os.Getenv(envBackupData), AnchorDir: os.Getenv(envBackupAnchors), WorkFactor: testkit.CheapWorkFactor}
	s, err := Login(cfg, adminName, adminPassword)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	for i := 0; ; i++ {
		if _, _, err := s.SaveClient(invoice.Client{Name: fmt.Sprintf("Client %d-%d", os.Getpid(), i), Email: "kill@example.com"}); err != nil {
			fmt.Println("error", err)
			os.Exit(5)
		}
		info, err := s.BackupNow(context.Background(), os.Getenv(envBackupDir), nil)
		if err != nil {
			fmt.Println("error", err)
			os.Exit(4)
		}
		fmt.Println(testkit.AckPrefix + info.Path)
	}
}

// A process writing backups is killed with SIGKILL at a random moment, 20
// times. Every backup it finished is listed and good, nothing partial is
// listed, and the folder restores.
func TestKillDuringBackup(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns 20 processes")
	}
	f := newBackupFixture(t)
	for i := range 200 { // enough data that a backup takes a moment
		c := mustClient(t, f.s, fmt.Sprintf("Seed client %d", i), "seed@example.com")
		mustDraft(t, f.s, draft(c.ID))
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	var acked []string
	for range 20 {
		c := testkit.StartChild(t, "backup-writer", envBackupData+"="+f.cfg.DataDir, envBackupDir+"="+f.dir, envBackupAnchors+"="+f.cfg.AnchorDir)
		// Only what a child acknowledged is promised; its other lines,
		// and an end before the kill, are not held against it.
		rep := c.KillAfterAck(t, time.Duration(rng.IntN(150))*time.Millisecond)
		acked = append(acked, rep.Acks...)
	}
	l, err := backup.List(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, b := range l.Backups {
		listed[b.Path] = true
	}
	for _, p := range acked {
		if !listed[p] {
			t.Errorf("acknowledged backup %s is not listed", filepath.Base(p))
		}
	}
	partial := 0
	for _, ig := range l.Ignored {
		if ig.Bad {
			t.Errorf("bad leftover %s: %s", ig.Name, ig.Reason)
		}
		partial++
	}
	rk, err := backup.ParseKeyFile(f.key(t))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := backup.Verify(context.Background(), f.dir, rk, backup.VerifyOptions{Load: f.cfg.loader(), Scratch: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Name, r.Err)
		}
	}
	cfg := f.cfg
	cfg.DataDir = filepath.Join(t.TempDir(), "restored")
	if _, err := Restore(context.Background(), cfg, RestoreParams{From: f.dir, RecoveryKey: f.key(t)}); err != nil {
		t.Fatalf("restore after the kills: %v", err)
	}
	t.Logf("%d backups acknowledged over 20 kills, %d listed, %d leftovers ignored", len(acked), len(l.Backups), partial)
}

// findTool looks for a command on PATH and in Go's install folders.
func findTool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	var dirs []string
	if d := os.Getenv("GOBIN"); d != "" {
		dirs = append(dirs, d)
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, d := range filepath.SplitList(strings.TrimSpace(string(out))) {
			dirs = append(dirs, filepath.Join(d, "bin"))
		}
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// The README's promise: `age -d` and `badger restore` recover the books
// without SafeInvoice.
func TestInteropWithAgeAndBadgerCLI(t *testing.T) {
	ageBin, badgerBin := findTool("age"), findTool("badger")
	if ageBin == "" {
		t.Skip("the age CLI is not installed (Debian: apt-get install age)")
	}
	if badgerBin == "" {
		t.Skip("the badger CLI is not installed (go install github.com/dgraph-io/badger/v4/badger@v4.9.6)")
	}
	f := newBackupFixture(t)
	c := mustClient(t, f.s, "Interop Marker Client", "interop@example.com")
	full := f.backup(t, backup.Full)
	c.Address = "Second Marker Street 2"
	if _, _, err := f.s.SaveClient(c); err != nil {
		t.Fatal(err)
	}
	incr := f.backup(t, backup.Incremental)
	work := t.TempDir()
	run := func(name string, args ...string) {
		t.Helper()
		out, err := exec.Command(name, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
		}
	}
	fullBak, incrBak := filepath.Join(work, "full.bak"), filepath.Join(work, "incr.bak")
	run(ageBin, "-d", "-i", f.keyFile, "-o", fullBak, full.Path)
	run(ageBin, "-d", "-i", f.keyFile, "-o", incrBak, incr.Path)
	for _, p := range []string{fullBak, incrBak} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		m := full.Manifest
		if p == incrBak {
			m = incr.Manifest
		}
		if fmt.Sprintf("%x", sum) != m.StreamSHA256 {
			t.Errorf("%s: age -d gives other bytes than the manifest's hash", filepath.Base(p))
		}
	}
	restored := filepath.Join(work, "db")
	run(badgerBin, "restore", "--dir", restored, "-f", fullBak)
	// Export what badger restored and find the client in it.
	again := filepath.Join(work, "again.bak")
	run(badgerBin, "backup", "--dir", restored, "-f", again)
	data, err := os.ReadFile(again)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("Interop Marker Client")) {
		t.Error("badger restore of the full backup lacks the client")
	}
	// An incremental stream loads on top with badger's own library; the
	// CLI's restore wants an empty directory, so check the bytes instead.
	incrData, _ := os.ReadFile(incrBak)
	if !bytes.Contains(incrData, []byte("Second Marker Street 2")) {
		t.Error("the decrypted incremental lacks the change")
	}
}

// fillVault writes n realistic invoices (ten lines, notes, a payment) and
// n/20 clients straight into the vault, audited, in batches.
func fillVault(tb testing.TB, s *Session, n int) {
	tb.Helper()
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	clients := max(n/20, 1)
	const batch = 100 // a transaction takes about 1 MB
	for start := 0; start < n || start < clients; start += batch {
		err := s.vault.Update(s.user.Name, func(tx *storage.Tx) error {
			for i := start; i < start+batch && i < clients; i++ {
				id := "c" + strconv.Itoa(i)
				c := invoice.Client{ID: id, Name: fmt.Sprintf("Client %d Handels GmbH", i), Email: fmt.Sprintf("ap%d@example.com", i),
					Address: fmt.Sprintf("Hauptstraße %d, 10115 Berlin", i%300), Created: now, Updated: now}
				if err := tx.PutClient(c); err != nil {
					return err
				}
				if err := tx.Audit("client.create", id, ""); err != nil {
					return err
				}
			}
			for i := start; i < start+batch && i < n; i++ {
				inv := benchInvoice(i, clients, now)
				if err := tx.PutInvoice(inv); err != nil {
					return err
				}
				if err := tx.Audit("invoice.create", inv.ID, ""); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func benchInvoice(i, clients int, now time.Time) invoice.Invoice {
	inv := invoice.Invoice{ID: fmt.Sprintf("inv%07d", i), Number: fmt.Sprintf("INV-2026-%06d", i), Kind: invoice.KindInvoice,
		Status: invoice.StatusPartiallyPaid, ClientID: "c" + strconv.Itoa(i%clients), Currency: "EUR",
		IssueDate: "2026-11-01", DueDate: "2026-12-01",
		Notes: "Thank you for your business. Please quote the invoice number with your payment.",
		Terms: "Payable within 30 days without deduction.", Created: now, Updated: now,
		Payments: []invoice.Payment{{Date: "2026-11-15", Amount: "500.00"}}}
	for l := range 10 {
		inv.Lines = append(inv.Lines, invoice.Line{Description: fmt.Sprintf("Consulting, workshop day %d, on site", l+1),
			Quantity: "1.5", UnitPrice: "950.00", TaxRate: "19", Discount: "0"})
	}
	return inv
}

// BenchmarkBackup measures, on a vault of SAFEINVOICE_BENCH_N invoices
// (default 2000), a full backup, an incremental one after 10 edits, a
// verification, a restore, and the age CLI encrypting the same stream.
func BenchmarkBackup(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("SAFEINVOICE_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	f := newBackupFixture(b)
	start := time.Now()
	fillVault(b, f.s, n)
	b.Logf("vault of %d invoices filled in %v", n, time.Since(start).Round(time.Millisecond))
	var full BackupInfo
	keepDir := b.TempDir() // outlives the sub-benchmarks

	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			if full.Path != "" {
				// Only the last backup is kept (verify and restore read
				// it), as the age CLI's output is removed below: a VM
				// backs memory the guest has never used more slowly
				// than pages the page cache frees and reuses, so
				// keeping every file would make the writes of later
				// backups slower than age's for no reason of their own.
				b.StopTimer()
				if err := os.RemoveAll(filepath.Dir(full.Path)); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			dir, err := os.MkdirTemp(keepDir, "full")
			if err != nil {
				b.Fatal(err)
			}
			info, err := f.s.BackupNow(context.Background(), dir, nil)
			if err != nil {
				b.Fatal(err)
			}
			full = info
			b.SetBytes(info.Manifest.StreamSize)
		}
	})
	b.Run("incremental-10-edits", func(b *testing.B) {
		dir := b.TempDir()
		if _, err := f.s.BackupNow(context.Background(), dir, nil); err != nil {
			b.Fatal(err)
		}
		var bytesSum int64
		i := 0
		for b.Loop() {
			b.StopTimer()
			for range 10 {
				inv := benchInvoice(i%n, max(n/20, 1), time.Now())
				inv.Notes = fmt.Sprintf("edit %d", i)
				i++
				if err := f.s.vault.Update(adminName, func(tx *storage.Tx) error {
					if err := tx.PutInvoice(inv); err != nil {
						return err
					}
					return tx.Audit("invoice.update", inv.ID, "")
				}); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
			info, err := f.s.BackupNow(context.Background(), dir, nil)
			if err != nil {
				b.Fatal(err)
			}
			if info.Manifest.Kind != backup.Incremental {
				b.Fatalf("backup %d is %s", i, info.Manifest.Kind)
			}
			bytesSum += info.Manifest.StreamSize
		}
		b.ReportMetric(float64(bytesSum)/float64(b.N), "stream-B/op")
	})
	if full.Path == "" {
		b.Skip("no full backup")
	}
	rk, err := backup.ParseKeyFile(f.key(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			rep, err := backup.Verify(context.Background(), filepath.Dir(full.Path), rk, backup.VerifyOptions{Load: f.cfg.loader(), Scratch: b.TempDir()})
			if err != nil || rep.Problems() != 0 {
				b.Fatalf("%v %+v", err, rep)
			}
		}
		b.SetBytes(full.Manifest.StreamSize)
	})
	b.Run("restore", func(b *testing.B) {
		key := f.key(b)
		for b.Loop() {
			cfg := f.cfg
			cfg.DataDir = filepath.Join(b.TempDir(), "r")
			if _, err := Restore(context.Background(), cfg, RestoreParams{From: full.Path, RecoveryKey: key}); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(full.Manifest.StreamSize)
	})
	b.Run("age-cli-encrypt-same-stream", func(b *testing.B) {
		ageBin := findTool("age")
		if ageBin == "" {
			b.Skip("the age CLI is not installed")
		}
		plain := filepath.Join(b.TempDir(), "stream.bak")
		pf, err := os.Create(plain)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.s.vault.Backup(pf, 0); err != nil {
			b.Fatal(err)
		}
		st, _ := pf.Stat()
		if err := pf.Close(); err != nil {
			b.Fatal(err)
		}
		out := filepath.Join(b.TempDir(), "stream.age")
		for b.Loop() {
			cmd := exec.Command(ageBin, "-r", rk.Recipient, "-o", out, plain)
			if msg, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%v %s", err, msg)
			}
			_ = os.Remove(out)
		}
		b.SetBytes(st.Size())
	})
	b.Run("age-cli-decrypt-same-stream", func(b *testing.B) {
		ageBin := findTool("age")
		if ageBin == "" {
			b.Skip("the age CLI is not installed")
		}
		out := filepath.Join(b.TempDir(), "stream.bak")
		for b.Loop() {
			cmd := exec.Command(ageBin, "-d", "-i", f.keyFile, "-o", out, full.Path)
			if msg, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%v %s", err, msg)
			}
			_ = os.Remove(out)
		}
		b.SetBytes(full.Manifest.StreamSize)
	})
}
