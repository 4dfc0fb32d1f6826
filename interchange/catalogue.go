package interchange

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"safeinvoice/invoice"
)

// CatalogueColumns are the catalogue CSV's columns, in the order the
// export writes them; an import takes them in any order, description and
// unit_price required.
var CatalogueColumns = []string{"description", "unit_price", "unit", "tax_rate", "tax_category"}

// ParseCatalogueCSV reads a catalogue CSV: a header row, then one item per
// row. Unknown columns, a missing required one and a row of the wrong
// length are errors naming the row; cells neutralised by the export are
// restored. The items are not validated (the app does, in the currency of
// the books). given says which columns the file has, so that an import
// keeps what a file leaves out.
func ParseCatalogueCSV(data []byte) (items []invoice.Item, given map[string]bool, err error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, BOM)))
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, &Error{Record: "CSV file", Err: errors.New("the file is empty")}
	}
	if err != nil {
		return nil, nil, &Error{Record: "CSV header", Err: err}
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		known := false
		for _, c := range CatalogueColumns {
			known = known || c == h
		}
		if !known {
			return nil, nil, &Error{Record: "CSV header", Field: h, Err: fmt.Errorf("unknown column (want %s)", strings.Join(CatalogueColumns, ", "))}
		}
		if _, dup := col[h]; dup {
			return nil, nil, &Error{Record: "CSV header", Field: h, Err: errors.New("the column is given twice")}
		}
		col[h] = i
	}
	for _, need := range []string{"description", "unit_price"} {
		if _, ok := col[need]; !ok {
			return nil, nil, &Error{Record: "CSV header", Field: need, Err: errors.New("the column is required")}
		}
	}
	for row := 2; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, &Error{Record: fmt.Sprintf("CSV row %d", row), Err: err}
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return unneutralize(rec[i])
			}
			return ""
		}
		items = append(items, invoice.Item{Description: get("description"), UnitPrice: get("unit_price"), Unit: get("unit"),
			TaxRate: get("tax_rate"), TaxCategory: get("tax_category")})
	}
	if len(items) == 0 {
		return nil, nil, &Error{Record: "CSV file", Err: errors.New("the file has no items")}
	}
	given = map[string]bool{}
	for c := range col {
		given[c] = true
	}
	return items, given, nil
}

// WriteCatalogueCSV writes items as a catalogue CSV: UTF-8 with a
// byte-order mark, the header, one row per item, text cells neutralised.
func WriteCatalogueCSV(w io.Writer, items []invoice.Item) error {
	if _, err := w.Write(BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CatalogueColumns); err != nil {
		return err
	}
	for _, it := range items {
		if err := cw.Write([]string{Neutralize(it.Description), Neutralize(it.UnitPrice), Neutralize(it.Unit),
			Neutralize(it.TaxRate), Neutralize(it.TaxCategory)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
