package email

import (
	"context"
	"fmt"
	"sync"
)

// Fake is a Sender that keeps what it is given, for tests of the code
// that sends: each Send takes the next of Errors (none: success) and
// records the message when it succeeds.
type Fake struct {
	mu     sync.Mutex
	Sent   []Message
	Errors []error
	n      int
}

// Send records m, or returns the next planned error.
func (f *Fake) Send(ctx context.Context, m Message) (Receipt, error) {
	if err := ctx.Err(); err != nil {
		return Receipt{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	if len(f.Errors) > 0 {
		err := f.Errors[0]
		f.Errors = f.Errors[1:]
		if err != nil {
			return Receipt{}, err
		}
	}
	f.Sent = append(f.Sent, m)
	return Receipt{MessageID: fmt.Sprintf("<fake-%d@safeinvoice.invalid>", f.n)}, nil
}

// Messages returns what was sent so far.
func (f *Fake) Messages() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Message(nil), f.Sent...)
}
