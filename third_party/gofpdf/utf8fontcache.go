package gofpdf

// This file is not part of upstream gofpdf: SafeInvoice's copy parses a
// UTF-8 font given as bytes once per process instead of once per document.
// Parsing the font and identifying it (generateFontID, a JSON encoding of
// every glyph width) were about a quarter of a one-page invoice's time.

import (
	"bytes"
	"sync"
)

// utf8FontCacheSize bounds the cache: a document uses a few faces of one
// or two families.
const utf8FontCacheSize = 16

type utf8FontCacheEntry struct {
	key  string // the font key: family and style
	data []byte // the font file, compared in full on a hit
	def  fontDefType
}

var utf8FontCache struct {
	sync.Mutex
	entries []*utf8FontCacheEntry
}

// cachedUTF8Font is the definition of the UTF-8 font utf8Bytes under
// fontkey, parsed once: a copy whose utf8File has a reader of its own
// (GenerateCutFont moves it and replaces the file's tables, so documents
// cannot share one), and without used runes, which the caller sets. The
// widths (Cw), descriptions and the tables a subset is cut from
// (utf8CutTables) are shared and only read.
func cachedUTF8Font(fontkey string, utf8Bytes []byte) (fontDefType, error) {
	utf8FontCache.Lock()
	defer utf8FontCache.Unlock()
	var e *utf8FontCacheEntry
	for _, c := range utf8FontCache.entries {
		if c.key == fontkey && bytes.Equal(c.data, utf8Bytes) {
			e = c
			break
		}
	}
	if e == nil {
		data := bytes.Clone(utf8Bytes) // the caller may reuse its slice
		reader := fileReader{readerPosition: 0, array: data}
		utf8File := newUTF8Font(&reader)
		if err := utf8File.parseFile(); err != nil {
			return fontDefType{}, err
		}
		// Parsed here, under the lock, so that the documents' copies
		// share the tables their subsets read instead of each parsing
		// them (nil, for a font without a Unicode cmap, is parsed again
		// by each and gives the same empty subset as upstream).
		utf8File.cutTables = utf8File.parseCutTables()
		desc := FontDescType{
			Ascent:       int(utf8File.Ascent),
			Descent:      int(utf8File.Descent),
			CapHeight:    utf8File.CapHeight,
			Flags:        utf8File.Flags,
			FontBBox:     utf8File.Bbox,
			ItalicAngle:  utf8File.ItalicAngle,
			StemV:        utf8File.StemV,
			MissingWidth: round(utf8File.DefaultWidth),
		}
		def := fontDefType{
			Tp:       "UTF8",
			Name:     fontkey,
			Desc:     desc,
			Up:       int(round(utf8File.UnderlinePosition)),
			Ut:       round(utf8File.UnderlineThickness),
			Cw:       utf8File.CharWidths,
			utf8File: utf8File,
		}
		def.i, _ = generateFontID(def)
		e = &utf8FontCacheEntry{key: fontkey, data: data, def: def}
		if len(utf8FontCache.entries) < utf8FontCacheSize {
			utf8FontCache.entries = append(utf8FontCache.entries, e)
		}
	}
	def := e.def
	file := *e.def.utf8File
	file.fileReader = &fileReader{readerPosition: 0, array: e.data}
	def.utf8File = &file
	return def, nil
}
