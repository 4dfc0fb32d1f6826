package testkit

import (
	"os"
	"os/exec"
	"runtime"
	"testing"
)

// SmallDisk mounts a tmpfs of size (as mount's size= option takes it:
// "4m", "100m") on a new folder and returns the folder, unmounted again
// when the test ends: a real filesystem that fills up, for tests of a full
// disk. It needs Linux and root (as CI runs); elsewhere, or when mounting
// is not allowed, the test is skipped.
func SmallDisk(t testing.TB, size string) string {
	t.Helper()
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("a small disk needs root on Linux (tmpfs)")
	}
	dir, err := os.MkdirTemp("", "smalldisk-")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		_ = os.Remove(dir)
		t.Skipf("cannot mount a tmpfs here: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
			return
		}
		_ = os.Remove(dir)
	})
	return dir
}

// FillDisk writes a file in dir that leaves about keep bytes free on its
// disk, given free, the bytes free now.
func FillDisk(t testing.TB, dir string, free, keep uint64) {
	t.Helper()
	if free <= keep {
		return
	}
	f, err := os.CreateTemp(dir, "filler-")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 1<<20)
	for left := free - keep; left > 0; {
		n := min(left, uint64(len(chunk)))
		if _, err := f.Write(chunk[:n]); err != nil {
			t.Fatal(err)
		}
		left -= n
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
}
