package app

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"safeinvoice/auth"
	"safeinvoice/interchange"
	"safeinvoice/internal/fsutil"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// The catalogue: products and services that the editor's lines are picked
// from. Everyone who drafts invoices reads it; administrators and
// bookkeepers change it. An item's price is checked in the books' default
// currency; picked into an invoice, its line is checked again in the
// invoice's.

// ErrDuplicateItem is a second item with the same description.
var ErrDuplicateItem = errors.New("the catalogue has an item with this description")

// Items returns the catalogue, by description.
func (s *Session) Items() ([]invoice.Item, error) {
	if err := s.require(auth.PermViewInvoices); err != nil {
		return nil, err
	}
	items, err := read(s, func(tx *storage.Tx) ([]invoice.Item, error) {
		var out []invoice.Item
		err := tx.EachItem(func(it invoice.Item) error {
			out = append(out, it)
			return nil
		})
		return out, err
	})
	slices.SortStableFunc(items, func(a, b invoice.Item) int {
		return cmp.Or(cmp.Compare(invoice.Fold(a.Description), invoice.Fold(b.Description)), cmp.Compare(a.ID, b.ID))
	})
	return items, err
}

// SaveItem creates (empty ID) or replaces a catalogue item, checked; a
// description is used once (ErrDuplicateItem, case and accents aside).
func (s *Session) SaveItem(it invoice.Item) (invoice.Item, error) {
	if err := s.require(auth.PermManageCatalogue); err != nil {
		return it, err
	}
	it.Normalize()
	now := s.cfg.now().UTC()
	creating := it.ID == ""
	if creating {
		var err error
		if it.ID, err = newID(); err != nil {
			return it, err
		}
	}
	err := s.update(func(tx *storage.Tx) error {
		st, err := tx.Settings()
		if err != nil {
			return err
		}
		if err := it.Validate(st.Currency); err != nil {
			return err
		}
		byDesc, err := itemsByDescription(tx)
		if err != nil {
			return err
		}
		if other, ok := byDesc[invoice.Fold(it.Description)]; ok && other.ID != it.ID {
			return fmt.Errorf("%q: %w", it.Description, ErrDuplicateItem)
		}
		action := "item.update"
		if creating {
			it.Created, action = now, "item.create"
		} else {
			old, err := tx.Item(it.ID)
			if err != nil {
				return err
			}
			it.Created = old.Created
		}
		it.Updated = now
		if err := tx.PutItem(it); err != nil {
			return err
		}
		return tx.Audit(action, it.ID, it.UnitPrice+" "+st.Currency+", "+it.TaxRate+" %")
	})
	if err != nil && creating {
		it.ID = ""
	}
	return it, err
}

func itemsByDescription(tx *storage.Tx) (map[string]invoice.Item, error) {
	out := map[string]invoice.Item{}
	err := tx.EachItem(func(it invoice.Item) error {
		out[invoice.Fold(it.Description)] = it
		return nil
	})
	return out, err
}

// DeleteItem removes a catalogue item; invoices that used it keep their
// lines.
func (s *Session) DeleteItem(id string) error {
	if err := s.require(auth.PermManageCatalogue); err != nil {
		return err
	}
	return s.update(func(tx *storage.Tx) error {
		if _, err := tx.Item(id); err != nil {
			return err
		}
		if err := tx.DeleteItem(id); err != nil {
			return err
		}
		return tx.Audit("item.delete", id, "")
	})
}

// CatalogueImport is what an import of the catalogue did.
type CatalogueImport struct {
	Created, Updated int
}

// ImportCatalogue reads a catalogue CSV (interchange.ParseCatalogueCSV)
// and writes it all or nothing, in one transaction: an item whose
// description is in the catalogue already (case and accents aside)
// replaces its price, unit, rate and category (those of its columns the
// file has; a blank rate keeps the item's); the others are added.
// Every row is checked first; the error names each bad one.
func (s *Session) ImportCatalogue(path string) (CatalogueImport, error) {
	var res CatalogueImport
	if err := s.require(auth.PermManageCatalogue); err != nil {
		return res, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return res, fmt.Errorf("read the catalogue: %w", err)
	}
	items, given, err := interchange.ParseCatalogueCSV(data)
	if err != nil {
		return res, err
	}
	now := s.cfg.now().UTC()
	err = s.update(func(tx *storage.Tx) error {
		res = CatalogueImport{}
		st, err := tx.Settings()
		if err != nil {
			return err
		}
		byDesc, err := itemsByDescription(tx)
		if err != nil {
			return err
		}
		var problems []error
		seen := map[string]int{}
		for i := range items {
			it := &items[i]
			row := fmt.Sprintf("CSV row %d", i+2)
			key := invoice.Fold(strings.TrimSpace(it.Description))
			if first, dup := seen[key]; dup {
				problems = append(problems, fmt.Errorf("%s: %w, as on CSV row %d", row, ErrDuplicateItem, first))
				continue
			}
			seen[key] = i + 2
			old, known := byDesc[key]
			if known {
				// What the file leaves out stays as it was: a column it
				// lacks, or a blank tax rate.
				if !given["unit"] {
					it.Unit = old.Unit
				}
				if !given["tax_rate"] || strings.TrimSpace(it.TaxRate) == "" {
					it.TaxRate = old.TaxRate
				}
				if !given["tax_category"] {
					it.TaxCategory = old.TaxCategory
				}
			}
			it.Normalize()
			if err := it.Validate(st.Currency); err != nil {
				problems = append(problems, interchange.RecordError(row, err))
				continue
			}
			if known {
				it.ID, it.Created = old.ID, old.Created
				res.Updated++
			} else {
				if it.ID, err = newID(); err != nil {
					return err
				}
				it.Created = now
				res.Created++
			}
			it.Updated = now
		}
		if len(problems) > 0 {
			return errors.Join(problems...)
		}
		for _, it := range items {
			if err := tx.PutItem(it); err != nil {
				return err
			}
		}
		return tx.Audit("item.import", path, fmt.Sprintf("%d added, %d updated", res.Created, res.Updated))
	})
	if err != nil {
		return CatalogueImport{}, err
	}
	return res, nil
}

// ExportCatalogue writes the catalogue as CSV to path (atomically, mode
// 0600, never replacing a file) and returns how many items it wrote.
func (s *Session) ExportCatalogue(path string) (int, error) {
	if err := s.require(auth.PermManageCatalogue); err != nil {
		return 0, err
	}
	items, err := s.Items()
	if err != nil {
		return 0, err
	}
	if err := fsutil.WriteFile(path, 0o600, true, func(w io.Writer) error { return interchange.WriteCatalogueCSV(w, items) }); err != nil {
		return 0, err
	}
	return len(items), s.update(func(tx *storage.Tx) error {
		return tx.Audit("item.export", path, fmt.Sprintf("%d items", len(items)))
	})
}
