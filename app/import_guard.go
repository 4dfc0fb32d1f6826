package app

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// An import is written in many transactions and final only at its commit
// (a staged change, see storage.Vault.Stage); until then it may still be
// undone. importGuard keeps the rest of the session from building on it:
// the clients an import creates are not listed, found or used by others
// while it runs, and no client it refers to can be deleted meanwhile, so
// that its undo never leaves an invoice without its client. One import
// runs at a time per session.
type importGuard struct {
	// active is running, read without the lock: the index load asks
	// about every record, and almost always no import runs.
	active  atomic.Bool
	mu      sync.Mutex
	running bool
	created map[string]bool // clients the running import creates
	refers  map[string]bool // clients its invoices refer to
	writing map[string]bool // invoices it writes
}

// ErrImportRunning refuses a second import while one is being written.
var ErrImportRunning = errors.New("an import is being written: wait for it to finish")

// begin registers the import of plan p; end must follow.
func (g *importGuard) begin(p *plan) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.running {
		return ErrImportRunning
	}
	g.running = true
	g.active.Store(true)
	g.created, g.refers, g.writing = map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, c := range p.newClients {
		g.created[c.ID] = true
	}
	for _, pi := range p.invoices {
		g.refers[pi.inv.ClientID] = true
		g.writing[pi.inv.ID] = true
	}
	return nil
}

func (g *importGuard) end() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running, g.created, g.refers, g.writing = false, nil, nil, nil
	g.active.Store(false)
}

// hidden reports whether client or invoice id is one the running import
// writes.
func (g *importGuard) hidden(id string) bool {
	if !g.active.Load() {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.created[id] || g.writing[id]
}

// errHidden is a record of the running import, as others see it.
func errHidden(id string) error {
	return fmt.Errorf("%s (an import in progress is still writing it): %w", id, storage.ErrNotFound)
}

// invoiceIn reads invoice id in tx for a use case other than the running
// import, which does not see the import's invoices.
func (s *Session) invoiceIn(tx *storage.Tx, id string) (invoice.Invoice, error) {
	if s.imports.hidden(id) {
		return invoice.Invoice{}, fmt.Errorf("invoice %w", errHidden(id))
	}
	return tx.Invoice(id)
}

// inUse reports whether the running import creates or refers to client id.
func (g *importGuard) inUse(id string) bool {
	if !g.active.Load() {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.created[id] || g.refers[id]
}
