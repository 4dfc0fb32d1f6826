package storage

import (
	"errors"
	"fmt"

	"safeinvoice/invoice"
)

// prefixItem keys the catalogue's items.
const prefixItem = "item/"

// PutItem creates or replaces a catalogue item.
func (tx *Tx) PutItem(it invoice.Item) error {
	id, err := recordID("item", it.ID)
	if err != nil {
		return err
	}
	return putJSON(tx, prefixItem+id, it)
}

// Item returns the catalogue item with id, or ErrNotFound.
func (tx *Tx) Item(id string) (invoice.Item, error) {
	it, err := getJSON[invoice.Item](tx, prefixItem+id)
	if errors.Is(err, ErrNotFound) {
		return it, fmt.Errorf("catalogue item %s: %w", id, ErrNotFound)
	}
	return it, err
}

// DeleteItem removes a catalogue item.
func (tx *Tx) DeleteItem(id string) error { return tx.del(prefixItem + id) }

// EachItem calls fn for every catalogue item in id order until fn returns
// an error.
func (tx *Tx) EachItem(fn func(invoice.Item) error) error {
	return eachJSON(tx, prefixItem, fn)
}
