package backup

import (
	"context"
	"io"
	"sync/atomic"
)

// Progress is told how far long work (writing, verifying or restoring
// backups) has come: done of total bytes of backup stream. It may be called
// often and from any goroutine. Total is 0 while it is not known, and it
// may change as the work learns more (an estimate becomes a size); done
// never goes back.
type Progress func(done, total int64)

// meter counts the bytes of long work for a Progress and stops the work
// once its context is done. A nil *meter counts nothing and never stops.
type meter struct {
	ctx   context.Context
	fn    Progress
	done  atomic.Int64
	total atomic.Int64
}

func newMeter(ctx context.Context, fn Progress) *meter {
	if ctx == nil {
		ctx = context.Background()
	}
	return &meter{ctx: ctx, fn: fn}
}

// err is the context's error: non-nil once the work is to stop.
func (m *meter) err() error {
	if m == nil {
		return nil
	}
	return m.ctx.Err()
}

// setTotal replaces the expected total and reports it.
func (m *meter) setTotal(total int64) {
	if m == nil {
		return
	}
	m.total.Store(total)
	m.report()
}

// add counts n more bytes and reports them.
func (m *meter) add(n int) {
	if m == nil || n == 0 {
		return
	}
	m.done.Add(int64(n))
	m.report()
}

func (m *meter) report() {
	if m.fn == nil {
		return
	}
	done, total := m.done.Load(), m.total.Load()
	if total != 0 && done > total {
		total = done // an estimate that fell short
	}
	m.fn(done, total)
}

// meterWriter counts what passes through it and refuses to write once the
// work is cancelled, which stops the stream that writes to it.
type meterWriter struct {
	w io.Writer
	m *meter
}

// meterStep is how much a meterWriter passes on between two reports: the
// database hands over its stream in batches of up to megabytes, which
// would move a progress bar in a few jumps and let a cancel wait for a
// whole batch.
const meterStep = 64 << 10

func (w *meterWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		if err := w.m.err(); err != nil {
			return written, err
		}
		chunk := p[:min(len(p), meterStep)]
		n, err := w.w.Write(chunk)
		written += n
		w.m.add(n)
		if err != nil {
			return written, err
		}
		p = p[len(chunk):]
	}
	return written, nil
}
