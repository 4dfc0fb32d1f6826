package einvoice

import (
	"encoding/xml"
	"io"
	"strings"
)

// node is an element of the XML being written: prefixed names are written
// as they are, so the documents keep the customary prefixes (rsm:, ram:,
// cbc:, cac:) that readers of these formats expect.
type node struct {
	name  string
	attrs []xml.Attr
	text  string
	kids  []*node
}

// el is an element with children; nil children are left out, and so is
// an element left without children and text.
func el(name string, kids ...*node) *node {
	n := &node{name: name}
	for _, k := range kids {
		if k != nil {
			n.kids = append(n.kids, k)
		}
	}
	if len(n.kids) == 0 {
		return nil
	}
	return n
}

// leaf is an element holding text, with attributes given as name, value
// pairs; nil when text is empty.
func leaf(name, text string, attrs ...string) *node {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	n := &node{name: name, text: text}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.attrs = append(n.attrs, xml.Attr{Name: xml.Name{Local: attrs[i]}, Value: attrs[i+1]})
	}
	return n
}

// withAttrs adds attributes (name, value pairs) to n.
func (n *node) withAttrs(attrs ...string) *node {
	for i := 0; i+1 < len(attrs); i += 2 {
		n.attrs = append(n.attrs, xml.Attr{Name: xml.Name{Local: attrs[i]}, Value: attrs[i+1]})
	}
	return n
}

// write encodes root as an indented UTF-8 document.
func write(w io.Writer, root *node) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := encode(enc, root); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func encode(enc *xml.Encoder, n *node) error {
	start := xml.StartElement{Name: xml.Name{Local: n.name}, Attr: n.attrs}
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	if n.text != "" {
		if err := enc.EncodeToken(xml.CharData(n.text)); err != nil {
			return err
		}
	}
	for _, k := range n.kids {
		if err := encode(enc, k); err != nil {
			return err
		}
	}
	return enc.EncodeToken(start.End())
}
