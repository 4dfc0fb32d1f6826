package storage

import (
	"testing"
	"time"
)

// Two logins at once take turns on the failed-login journal: the second
// LockFile waits until the first is released (flock elsewhere, LockFileEx
// on Windows; both lock per open file, so this holds within one process).
func TestLockFileWaitsForItsHolder(t *testing.T) {
	dir := t.TempDir()
	release, err := LockFile(dir, "journal.lock")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan func() error, 1)
	go func() {
		r, err := LockFile(dir, "journal.lock")
		if err != nil {
			t.Error(err)
			r = func() error { return nil }
		}
		got <- r
	}()
	select {
	case r := <-got:
		_ = r()
		t.Fatal("a second LockFile got the lock while the first held it")
	case <-time.After(300 * time.Millisecond):
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	if err := (<-got)(); err != nil {
		t.Fatal(err)
	}
}
