package storage

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"safeinvoice/invoice"
)

// The child processes of these tests are this test binary, re-run with an
// environment variable that turns TestChildProcess into the child's body.
const (
	envChildMode = "SAFEINVOICE_TEST_CHILD"
	envChildDir  = "SAFEINVOICE_TEST_DIR"
	envChildTag  = "SAFEINVOICE_TEST_TAG"
)

func TestChildProcess(t *testing.T) {
	mode := os.Getenv(envChildMode)
	if mode == "" {
		t.Skip("only runs as a child of another test")
	}
	dir := os.Getenv(envChildDir)
	v, err := Unlock(dir, testUser, testPassword, testOptions())
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	switch mode {
	case "saver":
		// Save clients forever; print each id once Update has returned,
		// i.e. once the save is acknowledged to the user.
		tag := os.Getenv(envChildTag)
		for i := 0; ; i++ {
			id := fmt.Sprintf("%s-%d", tag, i)
			err := v.Update(testUser, func(tx *Tx) error {
				c := invoice.Client{ID: id, Name: "Client " + id, Email: "x@example.com"}
				if err := tx.PutClient(c); err != nil {
					return err
				}
				return tx.Audit("client.create", id, "")
			})
			if err != nil {
				fmt.Println("error", err)
				os.Exit(4)
			}
			fmt.Println("ack", id)
		}
	case "holder":
		fmt.Println("ready")
		_, _ = io.Copy(io.Discard, os.Stdin) // hold the vault until stdin closes
		_ = v.Close()
		os.Exit(0)
	}
}

func startChild(t *testing.T, mode, dir, tag string) (*exec.Cmd, *bufio.Scanner, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envChildMode+"="+mode, envChildDir+"="+dir, envChildTag+"="+tag)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(out), in
}

// A process saving records is killed with SIGKILL at a random moment, 20
// times. Every save it acknowledged must be there afterwards, and the audit
// chain must verify.
func TestKillDuringSavesLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns 20 processes")
	}
	v, dir := newVault(t)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var acked []string
	for round := range 20 {
		cmd, out, _ := startChild(t, "saver", dir, fmt.Sprintf("r%d", round))
		lines := make(chan string)
		go func() {
			for out.Scan() {
				lines <- out.Text()
			}
			close(lines)
		}()
		// Wait for the first acknowledgement so the kill lands mid-stream.
		first, ok := <-lines
		if !ok || !strings.HasPrefix(first, "ack ") {
			t.Fatalf("round %d: child said %q", round, first)
		}
		acked = append(acked, strings.TrimPrefix(first, "ack "))
		deadline := time.After(time.Duration(rng.IntN(300)) * time.Millisecond)
	collect:
		for {
			select {
			case l := <-lines:
				if !strings.HasPrefix(l, "ack ") {
					t.Fatalf("round %d: child said %q", round, l)
				}
				acked = append(acked, strings.TrimPrefix(l, "ack "))
			case <-deadline:
				break collect
			}
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		// An ack the child printed before dying still counts.
		for l := range lines {
			if strings.HasPrefix(l, "ack ") {
				acked = append(acked, strings.TrimPrefix(l, "ack "))
			}
		}
		_ = cmd.Wait()
	}
	v, err := Unlock(dir, testUser, testPassword, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	err = v.View(func(tx *Tx) error {
		for _, id := range acked {
			if _, err := tx.Client(id); err != nil {
				t.Errorf("acknowledged client %s: %v", id, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := v.VerifyAudit()
	if err != nil {
		t.Fatalf("audit after kills: %v", err)
	}
	if rep.Entries < uint64(len(acked))+1 {
		t.Errorf("audit has %d entries for %d acknowledged saves", rep.Entries, len(acked))
	}
	t.Logf("%d acknowledged saves over 20 kills, %d audit entries", len(acked), rep.Entries)
}

func TestSecondProcessGetsAlreadyOpen(t *testing.T) {
	v, dir := newVault(t)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	cmd, out, in := startChild(t, "holder", dir, "")
	if !out.Scan() || out.Text() != "ready" {
		t.Fatalf("holder said %q", out.Text())
	}
	_, err := Unlock(dir, testUser, testPassword, testOptions())
	if !errors.Is(err, ErrAlreadyOpen) {
		t.Errorf("while another process holds it: %v, want ErrAlreadyOpen", err)
	}
	_ = in.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	v, err = Unlock(dir, testUser, testPassword, testOptions())
	if err != nil {
		t.Fatalf("after the holder left: %v", err)
	}
	_ = v.Close()
}

// Badger creates a log file and sizes it afterwards; a kill in between
// leaves an empty file, which Badger alone refuses at the next open.
func TestEmptyLogFileLeftByAKillIsHarmless(t *testing.T) {
	v, dir := newVault(t)
	putClient(t, v, "kept")
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"00099.mem", "000099.vlog"} {
		if err := os.WriteFile(filepath.Join(dir, dbDir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	v, err := Unlock(dir, testUser, testPassword, testOptions())
	if err != nil {
		t.Fatalf("after an empty log file: %v", err)
	}
	defer v.Close()
	if err := v.View(func(tx *Tx) error { _, err := tx.Client("kept"); return err }); err != nil {
		t.Fatal(err)
	}
}
