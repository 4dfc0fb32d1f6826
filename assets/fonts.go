package assets

import _ "embed"

// FontFamily is the family name of the embedded PDF font.
const FontFamily = "Noto Sans"

// FontRegular is Noto Sans Regular (version 2.004, unmodified), a TrueType
// font (glyf outlines) covering Latin with its extensions (Polish, Czech,
// Turkish, Vietnamese, …), Greek, Cyrillic and the common currency signs.
// It is licensed under the SIL Open Font License 1.1, whose text is
// FontLicense; the licence allows bundling it and embedding it in
// documents. The slice is shared and must not be modified: a library that
// may write into the bytes it is given (gofpdf does) must get a copy.
//
// Only the regular face is bundled: each face costs every PDF a font to
// parse and subset (see BENCHMARKS.md, PDFs).
//
//go:embed fonts/NotoSans-Regular.ttf
var FontRegular []byte

// FontLicense is the text of the SIL Open Font License 1.1 under which
// FontRegular is distributed, with its copyright notice.
//
//go:embed fonts/OFL.txt
var FontLicense string

// SRGBProfile is the sRGB ICC colour profile (version 2) of Debian's
// icc-profiles-free, unmodified: the output intent of Factur-X PDF/A-3
// files. Its zlib licence is SRGBProfileLicense. The slice is shared and
// must not be modified.
//
//go:embed icc/sRGB.icc
var SRGBProfile []byte

// SRGBProfileLicense is the licence of SRGBProfile with its copyright.
//
//go:embed icc/LICENSE.txt
var SRGBProfileLicense string
