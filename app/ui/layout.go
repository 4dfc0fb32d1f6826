package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// columns lays objects out in one row with fixed widths; a width of 0 takes
// what is left (shared equally). Rows built with the same widths line up
// like a table.
type columns []float32

func (c columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	fixed, flex := float32(0), 0
	for _, w := range c {
		if w == 0 {
			flex++
		}
		fixed += w
	}
	rest := size.Width - fixed - pad*float32(len(c)-1)
	flexW := float32(0)
	if flex > 0 && rest > 0 {
		flexW = rest / float32(flex)
	}
	x := float32(0)
	for i, o := range objs {
		if i >= len(c) {
			o.Hide()
			continue
		}
		w := c[i]
		if w == 0 {
			w = flexW
		}
		h := o.MinSize().Height
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		x += w + pad
	}
}

func (c columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	w, h := float32(0), float32(0)
	for i, o := range objs {
		if i >= len(c) {
			break
		}
		cw := c[i]
		if cw == 0 {
			cw = o.MinSize().Width
		}
		w += cw
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w+pad*float32(max(len(objs), 1)-1), h)
}
