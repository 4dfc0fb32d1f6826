package testkit

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestFixedTimeAndClock(t *testing.T) {
	want := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	if !FixedTime().Equal(want) || FixedTime().Location() != time.UTC {
		t.Errorf("FixedTime() = %v", FixedTime())
	}
	c := NewClock()
	if first, second := c.Now(), c.Now(); !first.Equal(want) || !second.Equal(want) {
		t.Errorf("a new clock reads %v, then %v, want %v both times", first, second, want)
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() { c.Advance(time.Minute); _ = c.Now() })
	}
	wg.Wait()
	if got := c.Now(); !got.Equal(want.Add(10 * time.Minute)) {
		t.Errorf("after ten minutes the clock reads %v", got)
	}
	if CheapWorkFactor < 1 || CheapWorkFactor >= 18 {
		t.Errorf("CheapWorkFactor %d is not a cheap scrypt work factor", CheapWorkFactor)
	}
}

func TestDirNames(t *testing.T) {
	dir := t.TempDir()
	if names := DirNames(t, dir); names != nil {
		t.Errorf("empty folder: %q, want nil", names)
	}
	for _, n := range []string{"b.txt", "a.txt", "c"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if names := DirNames(t, dir); !slices.Equal(names, []string{"a.txt", "b.txt", "c", "sub"}) {
		t.Errorf("names %q", names)
	}
}

func TestDirNamesFailsOnAMissingFolder(t *testing.T) {
	fake := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		DirNames(fake, filepath.Join(t.TempDir(), "gone"))
		t.Error("DirNames went on without its folder")
	}()
	<-done
	if !fake.fatal {
		t.Error("the test did not fail at once")
	}
}

func TestCopyTreeCopiesEverythingButLocks(t *testing.T) {
	from := t.TempDir()
	for name, data := range map[string]string{"a.txt": "one", "sub/b.txt": "two", "sub/deeper/c.txt": "three", "lock": "", "sub/LOCK": ""} {
		p := filepath.Join(from, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	to := filepath.Join(t.TempDir(), "copy")
	CopyTree(t, from, to)
	for name, want := range map[string]string{"a.txt": "one", "sub/b.txt": "two", "sub/deeper/c.txt": "three"} {
		got, err := os.ReadFile(filepath.Join(to, name))
		if err != nil || string(got) != want {
			t.Errorf("%s: %q, %v; want %q", name, got, err, want)
		}
	}
	for _, name := range []string{"lock", "sub/LOCK"} {
		if _, err := os.Stat(filepath.Join(to, name)); !os.IsNotExist(err) {
			t.Errorf("%s was copied", name)
		}
	}
}
