package pdf

import (
	"strings"
	"unicode/utf8"

	"github.com/johnfercher/go-tree/node"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/breakline"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"
)

// stack is a maroto component that draws its items one below the other in
// the same column: maroto's own columns overlay their components, and its
// text component ignores line breaks. Its height is the sum of the items'
// heights, so auto rows grow to fit it.
type stack struct {
	items []core.Component
}

// vstack returns a stack of the given components.
func vstack(cs ...core.Component) *stack { return &stack{items: cs} }

// textStack returns a stack of one text component per paragraph, all with
// the properties p; empty paragraphs are skipped. A paragraph with a word
// longer than maxWord runes is broken between characters (see fit).
func textStack(paragraphs []string, p props.Text, maxWord int) *stack {
	s := &stack{}
	for _, para := range paragraphs {
		if para != "" {
			s.items = append(s.items, text.New(para, fit(para, p, maxWord)))
		}
	}
	return s
}

// fit returns p, switched to maroto's character-level line breaking when s
// holds a word of more than maxWord runes: maroto breaks lines only at
// spaces, so such a word (a long reference, an e-mail address, a hostile
// name) would run over the next column.
func fit(s string, p props.Text, maxWord int) props.Text {
	for _, w := range strings.Fields(s) {
		if utf8.RuneCountInString(w) > maxWord {
			p.BreakLineStrategy = breakline.DashStrategy
			break
		}
	}
	return p
}

// add appends components below the current ones and returns s.
func (s *stack) add(cs ...core.Component) *stack {
	s.items = append(s.items, cs...)
	return s
}

// SetConfig passes the document configuration to every item.
func (s *stack) SetConfig(cfg *entity.Config) {
	for _, it := range s.items {
		it.SetConfig(cfg)
	}
}

// GetStructure describes the stack and its items for golden tests.
func (s *stack) GetStructure() *node.Node[core.Structure] {
	n := node.New(core.Structure{Type: "stack"})
	for _, it := range s.items {
		n.AddNext(it.GetStructure())
	}
	return n
}

// GetHeight is the sum of the items' heights in cell.
func (s *stack) GetHeight(p core.Provider, cell *entity.Cell) float64 {
	h := 0.0
	for _, it := range s.items {
		h += it.GetHeight(p, cell)
	}
	return h
}

// Render draws each item below the previous one.
func (s *stack) Render(p core.Provider, cell *entity.Cell) {
	c := cell.Copy()
	for _, it := range s.items {
		h := it.GetHeight(p, &c)
		it.Render(p, &c)
		c.Y += h
		c.Height -= h
		if c.Height < 0 {
			c.Height = 0
		}
	}
}

// paragraphs splits multi-line text into its non-empty lines, trimmed.
// Beyond max lines, the rest is joined into the last one with sep, so that
// a field made of hundreds of line breaks cannot grow taller than a page.
func paragraphs(s string, max int, sep string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = oneLine(l); l != "" {
			out = append(out, l)
		}
	}
	if len(out) > max {
		out = append(out[:max-1], strings.Join(out[max-1:], sep))
	}
	return out
}

// chunks cuts a long paragraph into pieces of at most about limit runes,
// at spaces where possible, so that each piece fits on a page and long
// notes flow from one page to the next.
func chunks(s string, limit int) []string {
	var out []string
	for utf8.RuneCountInString(s) > limit {
		cut, n := len(s), 0 // cut: byte offset of the rune after the first limit runes
		for i := range s {
			if n == limit {
				cut = i
				break
			}
			n++
		}
		if sp := strings.LastIndexByte(s[:cut], ' '); sp > cut/2 {
			cut = sp
		}
		out = append(out, strings.TrimSpace(s[:cut]))
		s = strings.TrimSpace(s[cut:])
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}
