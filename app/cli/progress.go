package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"

	"golang.org/x/term"

	"safeinvoice/app"
)

// work is a long command's context, which Ctrl-C cancels, and its progress
// line on standard error, drawn only when that is a terminal (a log file
// or a pipe gets no progress).
type work struct {
	ctx      context.Context
	progress app.Progress
	// end finishes the progress line, if one was drawn.
	end func()
}

// longWork starts a long command's work; what names it ("Backing up") and
// unit formats its amounts. The returned function releases the Ctrl-C
// handler.
func (c *ctx) longWork(what string, unit func(int64) string) (work, func()) {
	cx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	w := work{ctx: cx, end: func() {}}
	if p := terminalLine(c.env.Stderr, what, unit); p != nil {
		w.progress, w.end = p.report, p.end
	}
	return w, stop
}

// progressLine rewrites one line of a terminal; it redraws only when the
// text changes, so that a progress told every 64 kB does not flood it.
type progressLine struct {
	w    io.Writer
	what string
	unit func(int64) string
	mu   sync.Mutex
	last string
}

func terminalLine(w io.Writer, what string, unit func(int64) string) *progressLine {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &progressLine{w: w, what: what, unit: unit}
}

func (p *progressLine) report(done, total int64) {
	text := fmt.Sprintf("%s: %s", p.what, p.unit(done))
	if total > 0 {
		text += " of " + p.unit(total)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if text != p.last {
		fmt.Fprintf(p.w, "\r%s\033[K", text)
		p.last = text
	}
}

func (p *progressLine) end() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last != "" {
		fmt.Fprintln(p.w)
	}
}

// count and records format amounts for a progress line.
func count(n int64) string   { return fmt.Sprint(n) }
func records(n int64) string { return fmt.Sprintf("%d records", n) }
