package testkit

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// envChild names, in a child's environment, the child body it is to run.
const envChild = "SAFEINVOICE_TEST_CHILD"

// ChildMain is the TestMain of a package whose tests start child processes:
//
//	func TestMain(m *testing.M) {
//		testkit.ChildMain(m, map[string]func(){"saver": saverChild})
//	}
//
// In a process started by Command or StartChild it runs the body named
// there, instead of any test, and exits with status 0 when the body
// returns; a body that fails exits by itself with another status. A name
// missing from bodies exits with status 2. In any other process it runs the
// package's tests and exits with their status, as a package without
// TestMain does.
//
// A body runs before the testing flags are parsed: it has no *testing.T and
// must not call testing.Short or testing.Verbose. It reports through its
// standard output, which is what the parent reads, and its exit status.
func ChildMain(m *testing.M, bodies map[string]func()) {
	if name, ok := os.LookupEnv(envChild); ok {
		body := bodies[name]
		if body == nil {
			fmt.Fprintf(os.Stderr, "testkit: this test binary has no child body %q\n", name)
			os.Exit(2)
		}
		body()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Command returns, not started, the command that runs this test binary as
// the child body name (see ChildMain). The child gets this process's
// environment plus env, "KEY=value" entries that win over inherited ones.
// Its only argument is the program name; a body that reads os.Args, such as
// a program's main, gets what the caller appends to the command's Args.
// Standard input, output and error are the caller's to set.
func Command(name string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), envChild+"="+name), env...)
	return cmd
}

// Child is a running child process started by StartChild. Its standard
// output is read line by line, with Line or KillAfterAck; its standard
// error is this process's.
type Child struct {
	Cmd *exec.Cmd
	// Stdin is the child's standard input. Closing it is how a parent
	// tells a waiting body to finish.
	Stdin io.WriteCloser

	lines    chan string   // the child's output lines; closed at its end
	stop     chan struct{} // closed by Wait: nobody reads lines any more
	waitOnce sync.Once
	waitErr  error
}

// StartChild starts Command(name, env...) and returns it running. The test
// fails at once if the child cannot be started. When the test ends, a child
// still running is killed and reaped, so that a failed test leaves no
// process behind.
func StartChild(t testing.TB, name string, env ...string) *Child {
	t.Helper()
	cmd := Command(name, env...)
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
		t.Fatalf("starting child %s: %v", name, err)
	}
	c := &Child{Cmd: cmd, Stdin: in, lines: make(chan string), stop: make(chan struct{})}
	go c.read(out)
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // os.ErrProcessDone once Wait has returned
		_ = c.Wait()
	})
	return c
}

func (c *Child) read(out io.Reader) {
	defer close(c.lines)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		select {
		case c.lines <- sc.Text():
		case <-c.stop:
			return
		}
	}
}

// Line returns the next line the child wrote to its standard output,
// without the line break, waiting for it if need be. ok is false once the
// output has ended: the child exited or closed it.
func (c *Child) Line() (line string, ok bool) {
	line, ok = <-c.lines
	return line, ok
}

// Wait waits for the child to exit and returns what exec.Cmd.Wait returns.
// Output not read by then is dropped. Wait may be called more than once; it
// always returns the first result.
func (c *Child) Wait() error {
	c.waitOnce.Do(func() {
		close(c.stop)
		c.waitErr = c.Cmd.Wait()
	})
	return c.waitErr
}

// AckPrefix starts the line by which a child body acknowledges a piece of
// work as finished, the moment the product would tell the user so: "ack "
// and what was finished, such as a record's id or a file's path.
const AckPrefix = "ack "

// KillReport is what a child said around its kill by KillAfterAck.
type KillReport struct {
	// Acks holds what each acknowledgement named (the line after
	// AckPrefix), in order: those before the kill and those the child
	// wrote in the moment before it died, which count as much.
	Acks []string
	// Other holds the lines before the kill that were not
	// acknowledgements, such as a body's report of an error.
	Other []string
	// Ended is true when the child's output ended before the kill: it
	// died or stopped by itself, and the kill came too late to test
	// anything.
	Ended bool
}

// KillAfterAck is one round of a crash test. It waits for the child's first
// acknowledgement (see AckPrefix), lets the child work on for the duration
// after, then kills it with SIGKILL (TerminateProcess on Windows), which it
// cannot catch or delay, at whatever point of its work it has reached. It
// reads what the child wrote before it died, reaps it, and reports.
//
// The test fails at once when the first line is anything but an
// acknowledgement, or does not come: the kill is then not during the work.
// What the other lines mean is the caller's to judge, from the report.
func (c *Child) KillAfterAck(t testing.TB, after time.Duration) KillReport {
	t.Helper()
	var rep KillReport
	first, ok := c.Line()
	if !ok || !strings.HasPrefix(first, AckPrefix) {
		_ = c.Cmd.Process.Kill()
		_ = c.Wait()
		t.Fatalf("child %d said %q, want an acknowledgement first", c.Cmd.Process.Pid, first)
	}
	rep.Acks = append(rep.Acks, strings.TrimPrefix(first, AckPrefix))
	deadline := time.NewTimer(after)
	defer deadline.Stop()
collect:
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				rep.Ended = true
				break collect
			}
			if ack, isAck := strings.CutPrefix(l, AckPrefix); isAck {
				rep.Acks = append(rep.Acks, ack)
			} else {
				rep.Other = append(rep.Other, l)
			}
		case <-deadline.C:
			break collect
		}
	}
	if err := c.Cmd.Process.Kill(); err != nil && !rep.Ended {
		t.Fatalf("killing child %d: %v", c.Cmd.Process.Pid, err)
	}
	for l := range c.lines {
		if ack, isAck := strings.CutPrefix(l, AckPrefix); isAck {
			rep.Acks = append(rep.Acks, ack)
		}
	}
	_ = c.Wait()
	return rep
}
