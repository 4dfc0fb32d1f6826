package assets

import (
	"bytes"
	"image/png"
	"testing"
)

func TestIconIsSquarePNG(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(Icon))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Errorf("icon is %v, want 512×512", b)
	}
}
