package app

// Progress is told how far long work has come: done of total units, which
// are bytes of backup stream for backups, verifications and restores,
// invoices for imports and files for PDF exports. Total is 0 while it is
// not known, and may change as the work learns more (an estimate becomes a
// size); done never goes back. It may be called often and from any
// goroutine, so it must be cheap; a nil Progress is not called.
//
// Every use case that takes a Progress also takes a context: once it is
// done the work stops, leaves nothing half-made and returns an error that
// wraps context.Canceled (or context.DeadlineExceeded).
type Progress func(done, total int64)

// report calls p when it is set.
func (p Progress) report(done, total int64) {
	if p != nil {
		p(done, total)
	}
}
