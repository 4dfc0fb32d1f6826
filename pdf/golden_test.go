package pdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"safeinvoice/assets"
	"strings"
	"sync"
	"testing"

	"github.com/johnfercher/go-tree/node"
	"github.com/johnfercher/maroto/v2/pkg/core"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// dumpStructure writes maroto's component tree, one node per line,
// indented by depth: the type, then the value and the details as JSON
// (whose object keys are sorted, so the dump is stable).
func dumpStructure(t *testing.T, w *bytes.Buffer, n *node.Node[core.Structure], depth int) {
	t.Helper()
	d := n.GetData()
	w.WriteString(strings.Repeat("  ", depth))
	w.WriteString(d.Type)
	if d.Value != nil {
		b, err := json.Marshal(roundFloats(d.Value))
		if err != nil {
			t.Fatal(err)
		}
		w.WriteByte(' ')
		w.Write(b)
	}
	if len(d.Details) > 0 {
		details := make(map[string]any, len(d.Details))
		for k, v := range d.Details {
			details[k] = roundFloats(v)
		}
		b, err := json.Marshal(details)
		if err != nil {
			t.Fatal(err)
		}
		w.WriteByte(' ')
		w.Write(b)
	}
	w.WriteByte('\n')
	for _, c := range n.GetNexts() {
		dumpStructure(t, w, c, depth+1)
	}
}

// roundFloats rounds a float64 to 1e-6 mm, so that the dump does not depend
// on the last bits of layout arithmetic (which fused multiply-add on some
// processors may change).
func roundFloats(v any) any {
	if f, ok := v.(float64); ok {
		return math.Round(f*1e6) / 1e6
	}
	return v
}

// structure returns the dump of the maroto structure of f.
func structure(t *testing.T, f fixture) []byte {
	t.Helper()
	r, err := NewRenderer(f.seller, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	m, err := build(f.doc, r.seller, r.opts)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	dumpStructure(t, &b, m.GetStructure(), 0)
	return b.Bytes()
}

// TestGoldenStructure compares maroto's component tree of each
// representative document with testdata/NAME.golden; run with -update to
// accept a deliberate change of layout.
func TestGoldenStructure(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			got := structure(t, f)
			path := filepath.Join("testdata", f.name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./pdf/ -run TestGoldenStructure -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("structure differs from %s; inspect the change and rerun with -update if it is intended\n%s", path, firstDiff(got, want))
			}
		})
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) {
			return "line " + itoa(i+1) + ":\n  got:  " + string(gl) + "\n  want: " + string(wl)
		}
	}
	return ""
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestDeterministicBytes renders each document several times and expects
// identical bytes: gofpdf's map-ordered catalogs and its modification date
// are pinned (see fixModDate and the init function).
func TestDeterministicBytes(t *testing.T) {
	for _, f := range fixtures(t) {
		first, err := Render(f.doc, f.seller, f.opts)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		for range 3 {
			again, err := Render(f.doc, f.seller, f.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, again) {
				t.Fatalf("%s: two renders differ", f.name)
			}
		}
	}
}

// Documents rendered at the same time share the fonts parsed once per
// process (third_party/gofpdf/utf8fontcache.go) and the embedded font
// file itself, and still come out as rendered one at a time; the font
// file is not changed by them.
func TestConcurrentRendersAreIdentical(t *testing.T) {
	fontSum := sha256.Sum256(assets.FontRegular)
	defer func() {
		if sha256.Sum256(assets.FontRegular) != fontSum {
			t.Error("rendering changed the embedded font file")
		}
	}()
	fs := fixtures(t)
	want := make([][]byte, len(fs))
	for i, f := range fs {
		b, err := Render(f.doc, f.seller, f.opts)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		want[i] = b
	}
	errs := make(chan error, 4*len(fs))
	var wg sync.WaitGroup
	for range 4 {
		for i, f := range fs {
			wg.Go(func() {
				b, err := Render(f.doc, f.seller, f.opts)
				if err == nil && !bytes.Equal(b, want[i]) {
					err = fmt.Errorf("%s: a concurrent render differs", f.name)
				}
				if err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
