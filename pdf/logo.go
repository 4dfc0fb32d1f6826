package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
)

// Limits on Options.Logo, which comes from the settings and is decoded by
// gofpdf for every document.
const (
	// MaxLogoBytes is the largest accepted logo file.
	MaxLogoBytes = 4 << 20
	// MaxLogoPixels is the largest accepted width or height of a logo.
	MaxLogoPixels = 4096
)

// ErrLogo is returned when Options.Logo is not a PNG or JPEG image within
// MaxLogoBytes and MaxLogoPixels.
var ErrLogo = errors.New("unsupported logo")

// prepareLogo checks a logo and returns it in the form gofpdf embeds
// fastest: a JPEG as it is; a PNG decoded, flattened onto white and
// re-encoded as an opaque 8-bit, non-interlaced RGB PNG (gofpdf rejects
// 16-bit and interlaced PNG, and splits and recompresses an alpha channel
// for every document). An empty logo stays empty.
func prepareLogo(logo []byte) ([]byte, error) {
	if len(logo) == 0 {
		return nil, nil
	}
	if len(logo) > MaxLogoBytes {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrLogo, len(logo), MaxLogoBytes)
	}
	var cfg image.Config
	var err error
	isPNG := bytes.HasPrefix(logo, []byte("\x89PNG\r\n\x1a\n"))
	switch {
	case isPNG:
		cfg, err = png.DecodeConfig(bytes.NewReader(logo))
	case bytes.HasPrefix(logo, []byte{0xFF, 0xD8, 0xFF}):
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(logo))
	default:
		return nil, fmt.Errorf("%w: not a PNG or JPEG image", ErrLogo)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLogo, err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxLogoPixels || cfg.Height > MaxLogoPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels, more than %d on a side", ErrLogo, cfg.Width, cfg.Height, MaxLogoPixels)
	}
	if !isPNG {
		if _, err := jpeg.Decode(bytes.NewReader(logo)); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrLogo, err)
		}
		return logo, nil
	}
	img, err := png.Decode(bytes.NewReader(logo))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLogo, err)
	}
	// Flatten onto white, the page colour: gofpdf embeds an opaque 8-bit
	// RGB PNG as it is, but splits the alpha channel of a transparent one
	// and recompresses both for every document.
	flat := image.NewNRGBA(img.Bounds())
	draw.Draw(flat, flat.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(flat, flat.Bounds(), img, img.Bounds().Min, draw.Over)
	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&out, flat); err != nil {
		return nil, fmt.Errorf("re-encode logo: %w", err)
	}
	return out.Bytes(), nil
}
