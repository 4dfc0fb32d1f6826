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
	if err := WriteBytes(p, []byte("old"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	viewer, err := os.Open(p) // a PDF viewer keeps the file open
	if err != nil {
		t.Fatal(err)
	}
	err = WriteBytes(p, []byte("new"), 0o644, false)
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
	sd, err := windows.GetNamedSecurityInfo(private, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	control, _, err := sd.Control()
	if err != nil {
		t.Fatal(err)
	}
	if control&windows.SE_DACL_PROTECTED == 0 {
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

	shared := filepath.Join(dir, "INV-1 Acme.pdf")
	if err := WriteBytes(shared, []byte("pdf"), 0o644, true); err != nil {
		t.Fatal(err)
	}
	sd, err = windows.GetNamedSecurityInfo(shared, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	if control, _, _ := sd.Control(); control&windows.SE_DACL_PROTECTED != 0 {
		t.Errorf("an ordinary export got an access list of its own: %s", sd)
	}
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

// Windows refuses to flush a folder ("Access denied"); SyncDir skips it
// there, so that every atomic write still succeeds (the durability
// argument is in syncdir_windows.go).
func TestSyncDirOfAFolderSucceeds(t *testing.T) {
	if err := SyncDir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
}

// Where hard links are missing (FAT, exFAT), a new file is published by a
// move that refuses an existing target.
func TestMoveNewRefusesAnExistingTarget(t *testing.T) {
	dir := t.TempDir()
	tmp, target := filepath.Join(dir, TempPrefix+"1"), filepath.Join(dir, "INV-1 Acme.pdf")
	for _, p := range []string{tmp, target} {
		if err := os.WriteFile(p, []byte(p), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := moveNew(tmp, target); !errors.Is(err, os.ErrExist) {
		t.Fatalf("move over an existing file: %v, want fs.ErrExist", err)
	}
	if got, _ := os.ReadFile(target); string(got) != target {
		t.Errorf("the existing file changed to %q", got)
	}
	free := filepath.Join(dir, "INV-2 Acme.pdf")
	if err := moveNew(tmp, free); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(free); string(got) != tmp {
		t.Errorf("moved file holds %q", got)
	}
}
