package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"safeinvoice/app/internal/search"
	"safeinvoice/auth"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// ErrClientInUse means a client cannot be deleted because invoices refer
// to it.
var ErrClientInUse = errors.New("the client has invoices")

// Clients returns every client, sorted by name.
func (s *Session) Clients() ([]invoice.Client, error) {
	if err := s.require(auth.PermViewClients); err != nil {
		return nil, err
	}
	var cs []invoice.Client
	err := s.view(func(tx *storage.Tx) error {
		return tx.EachClient(func(c invoice.Client) error {
			if !s.imports.hidden(c.ID) {
				cs = append(cs, c)
			}
			return nil
		})
	})
	slices.SortFunc(cs, func(a, b invoice.Client) int {
		return strings.Compare(invoice.Fold(a.Name), invoice.Fold(b.Name))
	})
	return cs, err
}

// Client returns one client.
func (s *Session) Client(id string) (invoice.Client, error) {
	if err := s.require(auth.PermViewClients); err != nil {
		return invoice.Client{}, err
	}
	if s.imports.hidden(id) {
		return invoice.Client{}, errHidden(id)
	}
	return read(s, func(tx *storage.Tx) (invoice.Client, error) { return tx.Client(id) })
}

// normalizeClient trims what people type around values.
func normalizeClient(c *invoice.Client) {
	c.Name = strings.TrimSpace(c.Name)
	c.Email = strings.TrimSpace(c.Email)
	c.Address = strings.TrimSpace(c.Address)
	c.TaxID = strings.TrimSpace(c.TaxID)
	c.City, c.PostalCode, c.EAddress = strings.TrimSpace(c.City), strings.TrimSpace(c.PostalCode), strings.TrimSpace(c.EAddress)
	c.Country, c.EAddressScheme = strings.ToUpper(strings.TrimSpace(c.Country)), strings.ToUpper(strings.TrimSpace(c.EAddressScheme))
	c.VATID = strings.ToUpper(strings.Join(strings.Fields(c.VATID), ""))
	if c.EInvoice = strings.ToLower(strings.TrimSpace(c.EInvoice)); c.EInvoice == "none" {
		c.EInvoice = ""
	}
}

// SaveClient creates a client (empty ID) or updates one. Only a name and an
// email address are required. The minimal-information scanner runs first:
// its findings come back as warnings, or refuse the save when the policy
// blocks. The saved client is returned.
func (s *Session) SaveClient(c invoice.Client) (invoice.Client, []invoice.Finding, error) {
	if err := s.require(auth.PermManageClients); err != nil {
		return c, nil, err
	}
	normalizeClient(&c)
	if err := c.Validate(); err != nil {
		return c, nil, err
	}
	warnings, err := s.screen(invoice.ScanClient(&c))
	if err != nil {
		return c, nil, err
	}
	now := s.cfg.now().UTC()
	action := "client.update"
	if c.ID == "" {
		if c.ID, err = newID(); err != nil {
			return c, nil, err
		}
		c.Created = now
		action = "client.create"
	}
	c.Updated = now
	err = s.update(func(tx *storage.Tx) error {
		if action == "client.update" {
			if s.imports.hidden(c.ID) {
				return errHidden(c.ID)
			}
			old, err := tx.Client(c.ID)
			if err != nil {
				return err
			}
			c.Created = old.Created
		}
		if err := tx.PutClient(c); err != nil {
			return err
		}
		return tx.Audit(action, c.ID, "")
	})
	if err != nil {
		return c, nil, err
	}
	s.withIndex(func(x *search.Index) { x.PutClient(c) })
	return c, warnings, nil
}

// DeleteClient removes a client that no invoice refers to.
func (s *Session) DeleteClient(id string) error {
	if err := s.require(auth.PermManageClients); err != nil {
		return err
	}
	err := s.update(func(tx *storage.Tx) error {
		if s.imports.inUse(id) {
			return fmt.Errorf("an import in progress uses it: %w", ErrClientInUse)
		}
		if _, err := tx.Client(id); err != nil {
			return err
		}
		used := 0
		err := tx.EachInvoiceSummary(func(sum storage.InvoiceSummary) error {
			if sum.ClientID == id {
				used++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if used > 0 {
			return fmt.Errorf("%d invoices refer to it: %w", used, ErrClientInUse)
		}
		if err := tx.DeleteClient(id); err != nil {
			return err
		}
		return tx.Audit("client.delete", id, "")
	})
	if err == nil {
		s.withIndex(func(x *search.Index) { x.RemoveClient(id) })
	}
	return err
}
