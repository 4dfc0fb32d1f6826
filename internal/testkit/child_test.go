package testkit

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	ChildMain(m, map[string]func(){
		"acker": func() { // acknowledges numbered work forever
			for i := 0; ; i++ {
				fmt.Printf("%s%d\n", AckPrefix, i)
				time.Sleep(time.Millisecond)
			}
		},
		"failer": func() { // acknowledges once, then fails
			fmt.Println(AckPrefix + "first")
			fmt.Println("error disk full")
			os.Exit(3)
		},
		"greeter": func() { fmt.Println("hello") },
		"holder": func() {
			fmt.Println("ready")
			_, _ = io.Copy(io.Discard, os.Stdin)
			fmt.Println("released")
		},
		"echo": func() { fmt.Println(os.Getenv("TESTKIT_WORD"), strings.Join(os.Args[1:], " ")) },
	})
}

func TestKillAfterAckKillsDuringTheWork(t *testing.T) {
	c := StartChild(t, "acker")
	rep := c.KillAfterAck(t, 50*time.Millisecond)
	if rep.Ended || len(rep.Other) != 0 {
		t.Errorf("report %+v", rep)
	}
	if len(rep.Acks) < 2 {
		t.Errorf("%d acknowledgements in 50 ms", len(rep.Acks))
	}
	for i, a := range rep.Acks {
		if a != strconv.Itoa(i) {
			t.Fatalf("acknowledgement %d is %q: one was lost or reordered", i, a)
		}
	}
	st := c.Cmd.ProcessState
	if st == nil {
		t.Fatal("the child was not reaped")
	}
	if runtime.GOOS != "windows" && (st.Exited() || !strings.Contains(st.String(), "killed")) {
		t.Errorf("child ended with %v, want killed by a signal", st)
	}
}

func TestKillAfterAckReportsWhatElseTheChildSaid(t *testing.T) {
	c := StartChild(t, "failer")
	rep := c.KillAfterAck(t, 10*time.Second)
	if !rep.Ended || len(rep.Acks) != 1 || rep.Acks[0] != "first" || len(rep.Other) != 1 || rep.Other[0] != "error disk full" {
		t.Errorf("report %+v", rep)
	}
	if st := c.Cmd.ProcessState; st == nil || st.ExitCode() != 3 {
		t.Errorf("child ended with %v, want exit status 3", st)
	}
}

func TestKillAfterAckFailsWithoutAFirstAck(t *testing.T) {
	c := StartChild(t, "greeter")
	fake := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.KillAfterAck(fake, time.Second)
		t.Error("KillAfterAck went on after a first line that is no acknowledgement")
	}()
	<-done
	if !fake.fatal {
		t.Error("the test did not fail at once")
	}
	wantFailures(t, fake, `said "hello", want an acknowledgement first`)
}

func TestChildStdinLineAndWait(t *testing.T) {
	c := StartChild(t, "holder")
	if l, ok := c.Line(); !ok || l != "ready" {
		t.Fatalf("holder said %q, %v", l, ok)
	}
	if err := c.Stdin.Close(); err != nil {
		t.Fatal(err)
	}
	if l, ok := c.Line(); !ok || l != "released" {
		t.Fatalf("after stdin closed, holder said %q, %v", l, ok)
	}
	if l, ok := c.Line(); ok {
		t.Fatalf("holder said %q after its last line", l)
	}
	if err := c.Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Wait(); err != nil {
		t.Errorf("second Wait: %v", err)
	}
}

// A child the test leaves running is killed when the test ends.
func TestStartChildCleansUp(t *testing.T) {
	var c *Child
	t.Run("leaves a child", func(t *testing.T) {
		c = StartChild(t, "holder")
		if l, _ := c.Line(); l != "ready" {
			t.Fatalf("holder said %q", l)
		}
	})
	st := c.Cmd.ProcessState
	if st == nil {
		t.Fatal("the child was not reaped at the end of its test")
	}
	if st.Success() {
		t.Errorf("the child ended with %v, want killed", st)
	}
}

func TestCommandEnvAndArgs(t *testing.T) {
	cmd := Command("echo", "TESTKIT_WORD=hello")
	cmd.Args = append(cmd.Args, "--flag", "x")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "hello --flag x" {
		t.Errorf("child printed %q", got)
	}
}

func TestChildMainUnknownBody(t *testing.T) {
	err := Command("no-such-body").Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Errorf("got %v, want exit status 2", err)
	}
}
