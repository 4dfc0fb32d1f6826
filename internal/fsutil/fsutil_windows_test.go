package fsutil

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// These tests run on Windows (and under Wine, scripts/wine-test), where a
// file another handle holds open cannot be replaced and permission bits are
// not access control.

func TestWriteFileWaitsForAFileOpenForAMoment(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "state")
	if err := WriteBytes(p, []byte("old"), 0o600, false); err != nil {
		t.Fatal(err)
	}
	reader, err := os.Open(p) // as an antivirus scan or a second reader would
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() {
		time.Sleep(3 * replaceWait)
		closed <- reader.Close()
	}()
	if err := WriteBytes(p, []byte("new"), 0o600, false); err != nil {
		t.Fatalf("replace while a reader held the file for a moment: %v", err)
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(p); err != nil || string(got) != "new" {
		t.Fatalf("after the replace: %q, %v; want new", got, err)
	}
	assertNoTemp(t, dir)
}

func TestWriteFileSaysWhenTheFileStaysOpen(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "INV-1 Acme.pdf")
	if err := WriteBytes(p, []byte("old"), 0o600, false); err != nil {
		t.Fatal(err)
	}
	viewer, err := os.Open(p) // a PDF viewer keeps the file open
	if err != nil {
		t.Fatal(err)
	}
	err = WriteBytes(p, []byte("new"), 0o600, false)
	if cerr := viewer.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("replace of a file held open: %v, want ErrInUse", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "old" {
		t.Errorf("the file held open changed to %q", got)
	}
	assertNoTemp(t, dir)
}

func TestWriteFileRestrictsPrivateFilesToTheUser(t *testing.T) {
	if underWine() {
		// Checked by hand: SetNamedSecurityInfo succeeds and the access
		// list read back is one Wine makes up from the Unix mode.
		t.Skip("Wine does not keep the access lists of files")
	}
	dir := t.TempDir()
	user, err := currentUser()
	if err != nil {
		t.Fatal(err)
	}
	private := filepath.Join(dir, "recovery-key.txt")
	if err := WriteBytes(private, []byte("key"), 0o600, true); err != nil {
		t.Fatal(err)
	}
	sd, protected := accessList(t, private)
	if !protected {
		t.Errorf("the access list of %s inherits its folder's (%s)", private, sd)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		t.Fatal(err)
	}
	if dacl == nil || dacl.AceCount != 1 {
		t.Fatalf("access list of %s: %s, want one entry for the user", private, sd)
	}
	var ace *windows.ACCESS_ALLOWED_ACE
	if err := windows.GetAce(dacl, 0, &ace); err != nil {
		t.Fatal(err)
	}
	sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
	if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE || !sid.Equals(user) {
		t.Errorf("access list of %s lets in %s (type %d), want only %s", private, sid, ace.Header.AceType, user)
	}
	if got, err := os.ReadFile(private); err != nil || string(got) != "key" {
		t.Errorf("the user cannot read the file back: %q, %v", got, err)
	}

	// Exports are private too: a PDF, CSV or e-invoice holds client data
	// and is written 0o600 (pdf.FilePerm) like the key files.
	export := filepath.Join(dir, "INV-1 Acme.pdf")
	if err := WriteBytes(export, []byte("pdf"), 0o600, true); err != nil {
		t.Fatal(err)
	}
	if sd, protected := accessList(t, export); !protected {
		t.Errorf("an export inherits its folder's access list: %s", sd)
	}

	// Only a mode that lets others read (SafeInvoice writes none) keeps
	// the folder's access list.
	shared := filepath.Join(dir, "notes.txt")
	if err := WriteBytes(shared, []byte("notes"), 0o644, true); err != nil {
		t.Fatal(err)
	}
	if sd, protected := accessList(t, shared); protected {
		t.Errorf("a file of mode 0o644 got an access list of its own: %s", sd)
	}
}

// accessList is the security descriptor of path's access list, and
// whether that list is its own (protected) rather than its folder's.
func accessList(t *testing.T, path string) (*windows.SECURITY_DESCRIPTOR, bool) {
	t.Helper()
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	control, _, err := sd.Control()
	if err != nil {
		t.Fatal(err)
	}
	return sd, control&windows.SE_DACL_PROTECTED != 0
}

func TestFreeSpaceOfTheTemporaryFolder(t *testing.T) {
	free, err := FreeSpace(filepath.Join(t.TempDir(), "not", "yet"))
	if err != nil || free == 0 {
		t.Fatalf("FreeSpace: %d, %v", free, err)
	}
	if err := NeedSpace(t.TempDir(), free*2+1<<40, "A backup"); !errors.Is(err, ErrDiskFull) {
		t.Errorf("NeedSpace beyond the free space: %v, want ErrDiskFull", err)
	}
}

// underWine reports whether this runs under Wine rather than Windows:
// Wine's ntdll exports wine_get_version.
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// Windows refuses to flush a folder: FlushFileBuffers on a folder's
// handle is Access denied (so it is under Wine), so SyncDir must not try
// it there, or every atomic write would fail (the durability argument is in
// syncdir_windows.go).
func TestSyncDirDoesNotTryWhatWindowsRefuses(t *testing.T) {
	dir := t.TempDir()
	d, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	serr := d.Sync()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if serr == nil {
		t.Fatal("a folder was flushed: SyncDir could sync folders here (canSyncFolders)")
	}
	if err := SyncDir(dir); err != nil {
		t.Fatalf("SyncDir: %v", err)
	}
}

// A new file is published by a move that refuses an existing target, the
// same on NTFS as on FAT and exFAT, and written through like a replace.
func TestPublishNewRefusesAnExistingTarget(t *testing.T) {
	dir := t.TempDir()
	tmp, target := filepath.Join(dir, TempPrefix+"1"), filepath.Join(dir, "INV-1 Acme.pdf")
	for _, p := range []string{tmp, target} {
		if err := os.WriteFile(p, []byte(p), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := publishNew(tmp, target); !errors.Is(err, os.ErrExist) {
		t.Fatalf("publish over an existing file: %v, want fs.ErrExist", err)
	}
	if got, _ := os.ReadFile(target); string(got) != target {
		t.Errorf("the existing file changed to %q", got)
	}
	free := filepath.Join(dir, "INV-2 Acme.pdf")
	if err := publishNew(tmp, free); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(free); string(got) != tmp {
		t.Errorf("published file holds %q", got)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary name is still there: %v", err)
	}
}

func TestRenameWaitsForAFileOpenForAMomentThenSaysSo(t *testing.T) {
	dir := t.TempDir()
	key, next := filepath.Join(dir, "alice.key"), filepath.Join(dir, "alice.key.next")
	for _, p := range []string{key, next} {
		if err := os.WriteFile(p, []byte(p), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	reader, err := os.Open(key) // a virus scanner
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() {
		time.Sleep(3 * replaceWait)
		closed <- reader.Close()
	}()
	if err := Rename(next, key); err != nil {
		t.Fatalf("rename while a reader held the target for a moment: %v", err)
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(key); string(got) != next {
		t.Fatalf("after the rename: %q, want %q", got, next)
	}

	if err := os.WriteFile(next, []byte("newer"), 0o600); err != nil {
		t.Fatal(err)
	}
	viewer, err := os.Open(key)
	if err != nil {
		t.Fatal(err)
	}
	err = Rename(next, key)
	if cerr := viewer.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("rename over a file held open: %v, want ErrInUse", err)
	}
	if got, _ := os.ReadFile(key); string(got) != next {
		t.Errorf("the file held open changed to %q", got)
	}
}

// A read-only file is Access denied to a replace, as a file held open is,
// but for good: it is said at once, and not as a file open elsewhere.
func TestReplaceOfAReadOnlyFileSaysSoAtOnce(t *testing.T) {
	if underWine() {
		// Checked under Wine 8: MoveFileEx replaces a read-only file
		// there; TestReadOnlyTargetTellsAccessDeniedApart checks the
		// part Wine has.
		t.Skip("Wine replaces a read-only file")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "INV-1 Acme.pdf")
	if err := WriteBytes(p, []byte("old"), 0o600, false); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o400); err != nil { // the read-only attribute
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(p, 0o600) })
	start := time.Now()
	err := WriteBytes(p, []byte("new"), 0o600, false)
	if took := time.Since(start); took >= replaceTries*replaceWait/2 {
		t.Errorf("the refusal took %v: it waited as for a file held open", took)
	}
	if !errors.Is(err, ErrReadOnly) || errors.Is(err, ErrInUse) {
		t.Fatalf("replace of a read-only file: %v, want ErrReadOnly (and not ErrInUse)", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "old" {
		t.Errorf("the read-only file changed to %q", got)
	}
	assertNoTemp(t, dir)
}

// Access denied means a read-only target only when the target has the
// attribute; otherwise it is a file held open, and waited for.
func TestReadOnlyTargetTellsAccessDeniedApart(t *testing.T) {
	dir := t.TempDir()
	ro, rw := filepath.Join(dir, "read-only.pdf"), filepath.Join(dir, "writable.pdf")
	for _, p := range []string{ro, rw} {
		if err := os.WriteFile(p, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(ro, 0o644) })
	denied := func(p string) error {
		return &os.LinkError{Op: "rename", Old: p + ".tmp", New: p, Err: windows.ERROR_ACCESS_DENIED}
	}
	sharing := &os.LinkError{Op: "rename", Old: ro + ".tmp", New: ro, Err: windows.ERROR_SHARING_VIOLATION}
	switch {
	case !readOnlyTarget(denied(ro), ro):
		t.Error("Access denied on a read-only file is not taken for the attribute")
	case readOnlyTarget(denied(rw), rw):
		t.Error("Access denied on a writable file is taken for a read-only one")
	case readOnlyTarget(sharing, ro):
		t.Error("a sharing violation is taken for a read-only file")
	case readOnlyTarget(denied(dir), dir):
		t.Error("a folder is taken for a read-only file")
	}
}
