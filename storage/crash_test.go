package storage

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"safeinvoice/internal/testkit"
	"safeinvoice/invoice"
)

// The child processes of these tests are this test binary, re-run as one of
// the bodies below on the vault in the folder envChildDir names.
const (
	envChildDir = "SAFEINVOICE_TEST_DIR"
	envChildTag = "SAFEINVOICE_TEST_TAG"
)

func TestMain(m *testing.M) {
	testkit.ChildMain(m, map[string]func(){"saver": saverChild, "holder": holderChild})
}

// childVault unlocks the vault of a child's environment, or exits.
func childVault() *Vault {
	v, err := Unlock(os.Getenv(envChildDir), testUser, testPassword, testOptions())
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	return v
}

// saverChild saves clients forever and acknowledges each id once Update
// has returned, i.e. once the save is acknowledged to the user.
func saverChild() {
	v := childVault()
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
		fmt.Println(testkit.AckPrefix + id)
	}
}

// holderChild holds the vault open until its standard input closes.
func holderChild() {
	v := childVault()
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = v.Close()
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
		c := testkit.StartChild(t, "saver", envChildDir+"="+dir, envChildTag+"="+fmt.Sprintf("r%d", round))
		// The kill lands mid-stream, after the first acknowledgement.
		rep := c.KillAfterAck(t, time.Duration(rng.IntN(300))*time.Millisecond)
		if len(rep.Other) > 0 {
			t.Fatalf("round %d: child said %q", round, rep.Other[0])
		}
		if rep.Ended {
			t.Fatalf("round %d: child ended before it was killed", round)
		}
		// An ack the child printed before dying still counts.
		acked = append(acked, rep.Acks...)
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
	c := testkit.StartChild(t, "holder", envChildDir+"="+dir)
	if l, _ := c.Line(); l != "ready" {
		t.Fatalf("holder said %q", l)
	}
	_, err := Unlock(dir, testUser, testPassword, testOptions())
	if !errors.Is(err, ErrAlreadyOpen) {
		t.Errorf("while another process holds it: %v, want ErrAlreadyOpen", err)
	}
	_ = c.Stdin.Close()
	if err := c.Wait(); err != nil {
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
