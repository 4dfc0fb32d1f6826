package pdf

import (
	"github.com/johnfercher/go-tree/node"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/linestyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/orientation"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"

	"safeinvoice/reports"
)

// The chart's geometry, in millimetres and points.
const (
	chartHeight  = 64.0
	chartTitleH  = 7.0  // the title and the legend
	chartAxisW   = 13.0 // the value labels left of the plot
	chartLabelsH = 6.0  // the group labels below it
	chartTickPt  = 6.5
	chartValuePt = 5.5
	// narrowChartGroups is the most groups a half-width chart has.
	narrowChartGroups = 6
	// minLabelSlot is the narrowest room, per bar, for its figure.
	minLabelSlot = 5.5
)

// chart draws a reports.Chart as vectors: grid lines and bars are PDF
// lines (a bar is a vertical line as thick as the bar is wide, with butt
// ends, so a filled rectangle at any zoom), the labels are text in the
// document's font. Every bar carries its figure above it, since paper has
// no hover.
type chart struct {
	c   reports.Chart
	pal palette
	cfg *entity.Config
}

// seriesColor is the colour of series i: the documents' accent, then a
// green for what was received.
func (ch *chart) seriesColor(i int) *props.Color {
	if i%2 == 0 {
		return ch.pal.accent
	}
	return &props.Color{Red: 46, Green: 139, Blue: 87}
}

func (ch *chart) SetConfig(cfg *entity.Config) { ch.cfg = cfg }

// GetStructure describes the chart for golden tests: its title, groups,
// series and values.
func (ch *chart) GetStructure() *node.Node[core.Structure] {
	return node.New(core.Structure{Type: "chart", Value: ch.c.Title, Details: map[string]any{
		"groups": ch.c.Groups, "series": ch.c.Series, "values": ch.c.Values, "top": ch.c.Top,
	}})
}

func (ch *chart) GetHeight(core.Provider, *entity.Cell) float64 { return chartHeight }

// label draws s in the box x, y, w × h.
func (ch *chart) label(p core.Provider, s string, x, y, w, h, size float64, al align.Type, color *props.Color) {
	t := text.New(s, props.Text{Family: fontFamily, Style: fontstyle.Normal, Size: size, Align: al, Color: color})
	if ch.cfg != nil {
		t.SetConfig(ch.cfg)
	}
	t.Render(p, &entity.Cell{X: x, Y: y, Width: w, Height: h})
}

// line draws a line of thickness th from (x, y), w long across or h long
// down.
func line(p core.Provider, x, y, w, h, th float64, color *props.Color) {
	o := orientation.Horizontal
	if h > 0 {
		o = orientation.Vertical
	}
	p.AddLine(&entity.Cell{X: x, Y: y, Width: w, Height: h}, &props.Line{
		Color: color, Style: linestyle.Solid, Thickness: th, Orientation: o, OffsetPercent: 0, SizePercent: 100,
	})
}

func (ch *chart) Render(p core.Provider, cell *entity.Cell) {
	c := ch.c
	ch.label(p, c.Title, cell.X, cell.Y, cell.Width/2, chartTitleH, smallSize, align.Left, ch.pal.muted)
	// The legend, right-aligned: a swatch and the name of each series.
	x := cell.X + cell.Width
	for i := len(c.Series) - 1; i >= 0; i-- {
		w := 4 + 1.6*float64(len([]rune(c.Series[i])))
		x -= w
		line(p, x, cell.Y+2.6, 2.6, 0, 2.6, ch.seriesColor(i))
		ch.label(p, c.Series[i], x+3.4, cell.Y, w-3.4, chartTitleH, smallSize, align.Left, ch.pal.ink)
		x -= 3
	}

	x0, x1 := cell.X+chartAxisW, cell.X+cell.Width
	y0, y1 := cell.Y+chartTitleH+3, cell.Y+chartHeight-chartLabelsH
	plotH := y1 - y0
	if c.Top <= 0 || len(c.Groups) == 0 {
		return
	}
	at := func(minor int64) float64 { return y1 - plotH*float64(minor)/float64(c.Top) }
	for _, t := range c.Ticks {
		y := at(t.Minor)
		color, th := ch.pal.rule, 0.15
		if t.Minor == 0 {
			color, th = ch.pal.muted, 0.3
		}
		line(p, x0, y, x1-x0, 0, th, color)
		ch.label(p, t.Label, cell.X, y-2.1, chartAxisW-1.5, 4, chartTickPt, align.Right, ch.pal.muted)
	}
	groupW := (x1 - x0) / float64(len(c.Groups))
	n := max(1, len(c.Series))
	slot := groupW * 0.9 / float64(n) // each bar's room, its figure centred over it
	barW := slot * 0.72
	for g, name := range c.Groups {
		gx := x0 + float64(g)*groupW
		ch.label(p, name, gx, y1+0.8, groupW, chartLabelsH-0.8, chartTickPt, align.Center, ch.pal.ink)
		for s := range c.Series {
			if g >= len(c.Minor) || s >= len(c.Minor[g]) {
				continue
			}
			v := c.Minor[g][s]
			cx := gx + groupW*0.05 + slot*(float64(s)+0.5)
			top := y1
			if v > 0 {
				top = at(v)
				line(p, cx, top, 0.01, y1-top, barW, ch.seriesColor(s))
			}
			if v != 0 && slot >= minLabelSlot {
				ch.label(p, c.Short(g, s), cx-slot/2, top-3.2, slot, 3, chartValuePt, align.Center, ch.pal.muted)
			}
		}
	}
}
