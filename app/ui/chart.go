package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
)

// barChart draws an app.Chart with Fyne's canvas primitives (rectangles,
// lines and text), so it is crisp at any scale and takes its colours from
// the theme, light or dark: the first series in the primary colour, the
// second in the success colour, grid lines in the separator colour. A bar's
// figure is written above it when there is room; hovering a group shows its
// figures through OnHover (and a tap does the same, for touch screens).
type barChart struct {
	widget.BaseWidget
	chart app.Chart
	hover int // the group under the pointer, or -1
	// OnHover is called with the hovered group's figures ("" when the
	// pointer leaves).
	OnHover func(text string)
}

var (
	_ desktop.Hoverable = (*barChart)(nil)
	_ fyne.Tappable     = (*barChart)(nil)
)

func newBarChart(c app.Chart) *barChart {
	b := &barChart{chart: c, hover: -1}
	b.ExtendBaseWidget(b)
	return b
}

// SetChart replaces the chart drawn.
func (b *barChart) SetChart(c app.Chart) {
	b.chart, b.hover = c, -1
	b.Refresh()
}

// The chart's geometry, in Fyne units.
const (
	chartLegendH = 22
	chartBottomH = 34 // two lines of group labels
	chartMinW    = 320
	chartMinH    = 220
	chartPad     = 6
)

func (b *barChart) MinSize() fyne.Size { return fyne.NewSize(chartMinW, chartMinH) }

// groupAt is the group at x, or -1.
func (b *barChart) groupAt(x float32) int {
	x0, x1 := b.plotX(b.Size())
	n := len(b.chart.Groups)
	if n == 0 || x < x0 || x >= x1 {
		return -1
	}
	return min(n-1, int((x-x0)/((x1-x0)/float32(n))))
}

// plotX is the plot's left and right edge.
func (b *barChart) plotX(size fyne.Size) (float32, float32) {
	w := float32(0)
	for _, t := range b.chart.Ticks {
		w = max(w, fyne.MeasureText(t.Label, theme.CaptionTextSize(), fyne.TextStyle{}).Width)
	}
	return w + 2*chartPad, size.Width - chartPad
}

func (b *barChart) setHover(g int) {
	if g == b.hover {
		return
	}
	b.hover = g
	b.Refresh()
	if b.OnHover != nil {
		b.OnHover(b.figures(g))
	}
}

// figures is group g in words: "Jun 2026: Invoiced €1,190.00 · Received
// €500.00".
func (b *barChart) figures(g int) string {
	c := b.chart
	if g < 0 || g >= len(c.Groups) {
		return ""
	}
	text := groupTitle(c.Groups[g]) + ":"
	for s, name := range c.Series {
		if s > 0 {
			text += " ·"
		}
		text += " " + name + " " + formatAmount(c.Values[g][s], c.Currency)
	}
	return text
}

// groupTitle is a group's name in full: "June 2026" for "2026-06".
func groupTitle(g string) string {
	if t, err := time.Parse("2006-01", g); err == nil {
		return t.Format("January 2006")
	}
	return g
}

func (b *barChart) MouseIn(e *desktop.MouseEvent)    { b.setHover(b.groupAt(e.Position.X)) }
func (b *barChart) MouseMoved(e *desktop.MouseEvent) { b.setHover(b.groupAt(e.Position.X)) }
func (b *barChart) MouseOut()                        { b.setHover(-1) }
func (b *barChart) Tapped(e *fyne.PointEvent)        { b.setHover(b.groupAt(e.Position.X)) }

func (b *barChart) CreateRenderer() fyne.WidgetRenderer {
	r := &chartRenderer{b: b}
	r.build()
	return r
}

// chartRenderer keeps one canvas object per mark and lays them out at
// every resize.
type chartRenderer struct {
	b       *barChart
	objects []fyne.CanvasObject
	grid    []*canvas.Line
	ticks   []*canvas.Text
	bars    [][]*canvas.Rectangle // [group][series]
	values  [][]*canvas.Text
	groups  []*canvas.Text
	years   []*canvas.Text
	legend  []fyne.CanvasObject // swatch, name, swatch, name…
	band    *canvas.Rectangle   // behind the hovered group
	title   *canvas.Text
}

func themeColor(name fyne.ThemeColorName) color.Color { return theme.Color(name) }

func seriesColor(s int) color.Color {
	if s%2 == 1 {
		return themeColor(theme.ColorNameSuccess)
	}
	return themeColor(theme.ColorNamePrimary)
}

func caption(s string, c fyne.ThemeColorName) *canvas.Text {
	t := canvas.NewText(s, themeColor(c))
	t.TextSize = theme.CaptionTextSize()
	return t
}

// build makes the objects for the chart's data.
func (r *chartRenderer) build() {
	c := r.b.chart
	*r = chartRenderer{b: r.b}
	r.band = canvas.NewRectangle(themeColor(theme.ColorNameHover))
	r.band.Hide()
	r.objects = append(r.objects, r.band)
	r.title = caption(c.Title, theme.ColorNameForeground)
	r.title.TextStyle.Bold = true
	r.objects = append(r.objects, r.title)
	for _, t := range c.Ticks {
		l := canvas.NewLine(themeColor(theme.ColorNameSeparator))
		l.StrokeWidth = 1
		if t.Minor == 0 {
			l.StrokeColor = themeColor(theme.ColorNamePlaceHolder)
		}
		lb := caption(t.Label, theme.ColorNamePlaceHolder)
		lb.Alignment = fyne.TextAlignTrailing
		r.grid, r.ticks = append(r.grid, l), append(r.ticks, lb)
		r.objects = append(r.objects, l, lb)
	}
	for g, name := range c.Groups {
		var bars []*canvas.Rectangle
		var values []*canvas.Text
		for s := range c.Series {
			bar := canvas.NewRectangle(seriesColor(s))
			v := caption(c.Short(g, s), theme.ColorNamePlaceHolder)
			v.Alignment = fyne.TextAlignCenter
			bars, values = append(bars, bar), append(values, v)
			r.objects = append(r.objects, bar, v)
		}
		r.bars, r.values = append(r.bars, bars), append(r.values, values)
		label, year := name, ""
		if t, err := time.Parse("2006-01", name); err == nil {
			label = t.Format("Jan")
			if g == 0 || t.Month() == time.January {
				year = t.Format("2006")
			}
		}
		gl, yl := caption(label, theme.ColorNameForeground), caption(year, theme.ColorNamePlaceHolder)
		gl.Alignment, yl.Alignment = fyne.TextAlignCenter, fyne.TextAlignCenter
		r.groups, r.years = append(r.groups, gl), append(r.years, yl)
		r.objects = append(r.objects, gl, yl)
	}
	for s, name := range c.Series {
		sw := canvas.NewRectangle(seriesColor(s))
		r.legend = append(r.legend, sw, caption(name, theme.ColorNameForeground))
	}
	r.objects = append(r.objects, r.legend...)
}

func (r *chartRenderer) Layout(size fyne.Size) {
	c := r.b.chart
	r.title.Move(fyne.NewPos(0, 2))
	r.title.Resize(r.title.MinSize())
	// The legend, right-aligned on the title's line.
	x := size.Width - chartPad
	for i := len(r.legend) - 2; i >= 0; i -= 2 {
		name := r.legend[i+1].(*canvas.Text)
		w := name.MinSize().Width
		x -= w
		name.Move(fyne.NewPos(x, 2))
		name.Resize(name.MinSize())
		x -= 14
		r.legend[i].Move(fyne.NewPos(x, 6))
		r.legend[i].Resize(fyne.NewSize(10, 10))
		x -= 12
	}
	x0, x1 := r.b.plotX(size)
	y0, y1 := float32(chartLegendH+10), size.Height-chartBottomH
	if c.Top <= 0 || len(c.Groups) == 0 || y1 <= y0 {
		return
	}
	at := func(minor int64) float32 { return y1 - (y1-y0)*float32(float64(minor)/float64(c.Top)) }
	th := theme.CaptionTextSize()
	for i, t := range c.Ticks {
		y := at(t.Minor)
		r.grid[i].Position1, r.grid[i].Position2 = fyne.NewPos(x0, y), fyne.NewPos(x1, y)
		r.ticks[i].Move(fyne.NewPos(0, y-th*0.7))
		r.ticks[i].Resize(fyne.NewSize(x0-chartPad, th))
	}
	groupW := (x1 - x0) / float32(len(c.Groups))
	n := float32(max(1, len(c.Series)))
	slot := groupW * 0.84 / n
	barW := slot * 0.74
	// Figures above the bars when the widest fits its slot.
	widest := float32(0)
	for g := range r.values {
		for _, v := range r.values[g] {
			widest = max(widest, v.MinSize().Width)
		}
	}
	showValues := widest+2 <= slot
	// Group labels, every other one when they do not fit.
	every := 1
	for _, gl := range r.groups {
		if gl.MinSize().Width+4 > groupW {
			every = 2
		}
	}
	for g := range c.Groups {
		gx := x0 + float32(g)*groupW
		for s := range c.Series {
			v := c.Minor[g][s]
			cx := gx + groupW*0.08 + slot*(float32(s)+0.5)
			top := y1
			if v > 0 {
				top = at(v)
			}
			bar := r.bars[g][s]
			bar.Move(fyne.NewPos(cx-barW/2, top))
			bar.Resize(fyne.NewSize(barW, y1-top))
			bar.Hidden = v <= 0
			lb := r.values[g][s]
			lb.Hidden = !showValues || v == 0
			lb.Move(fyne.NewPos(cx-slot/2, top-th-3))
			lb.Resize(fyne.NewSize(slot, th))
		}
		r.groups[g].Hidden = g%every != 0
		r.groups[g].Move(fyne.NewPos(gx, y1+4))
		r.groups[g].Resize(fyne.NewSize(groupW, th))
		r.years[g].Move(fyne.NewPos(gx, y1+6+th))
		r.years[g].Resize(fyne.NewSize(groupW, th))
	}
	if h := r.b.hover; h >= 0 && h < len(c.Groups) {
		r.band.Move(fyne.NewPos(x0+float32(h)*groupW, y0-6))
		r.band.Resize(fyne.NewSize(groupW, y1-y0+6))
		r.band.Show()
	} else {
		r.band.Hide()
	}
}

func (r *chartRenderer) MinSize() fyne.Size { return r.b.MinSize() }

func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objects }

// Refresh rebuilds the objects (the data or the theme changed) and lays
// them out again.
func (r *chartRenderer) Refresh() {
	r.build()
	r.Layout(r.b.Size())
	canvas.Refresh(r.b)
}

func (r *chartRenderer) Destroy() {}
