package pdf

import (
	"bytes"
	"compress/zlib"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf16"

	"safeinvoice/assets"
)

// Factur-X (ZUGFeRD 2.x) is a PDF/A-3b invoice that carries its EN 16931
// CII XML as an embedded file. FacturX makes one from the PDF Render
// writes and the XML, by rewriting the file around gofpdf's objects, which
// it keeps byte for byte:
//
//   - the header becomes %PDF-1.7 with the binary comment PDF/A asks for;
//   - the XML is an embedded file "factur-x.xml" (subtype text/xml,
//     /AFRelationship /Alternative), listed in the catalog's /AF and its
//     /EmbeddedFiles name tree;
//   - an XMP metadata stream says pdfaid:part 3, conformance B, and the
//     Factur-X extension schema's fx:DocumentType INVOICE,
//     fx:DocumentFileName factur-x.xml, fx:Version 1.0 and
//     fx:ConformanceLevel EN 16931, and repeats the Info dictionary's
//     title, producer and dates, which PDF/A requires to agree;
//   - an sRGB output intent (GTS_PDFA1) embeds assets.SRGBProfile;
//   - the trailer gets the file identifier PDF/A requires, an MD5 of the
//     content, so the same invoice gives the same bytes.
//
// Every font Render uses is embedded already (Noto Sans). A password
// protected PDF cannot be PDF/A: it is refused with ErrFacturXEncrypted.
// What no tool on these machines can check is PDF/A conformance as a
// whole; the tests check each part (qpdf, pdfinfo, pdffonts, pdfdetach)
// and the embedded XML against the official Factur-X rules.

// FacturXFileName is the name of the embedded XML.
const FacturXFileName = "factur-x.xml"

// Errors of FacturX.
var (
	// ErrFacturXEncrypted: PDF/A forbids encryption, so a Factur-X
	// invoice cannot carry a password.
	ErrFacturXEncrypted = errors.New("a password-protected PDF cannot be a Factur-X invoice (PDF/A forbids encryption); send the password-protected PDF without the e-invoice, or the Factur-X without a password")
	// ErrNotRendered: the input is not a PDF as Render writes it.
	ErrNotRendered = errors.New("not a PDF written by SafeInvoice's renderer")
)

// FacturXMeta is what the metadata of a Factur-X file says.
type FacturXMeta struct {
	// Title is the document's title ("Invoice INV-2026-0001").
	Title string
	// Created is the creation and modification date.
	Created time.Time
}

var (
	pdfObjStart   = regexp.MustCompile(`^(\d+) 0 obj\b`)
	pdfStartXRef  = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	pdfTrailerRef = func(name string) *regexp.Regexp {
		return regexp.MustCompile(`/` + name + ` (\d+) 0 R`)
	}
	trailerRoot  = pdfTrailerRef("Root")
	trailerInfo  = pdfTrailerRef("Info")
	catalogPages = pdfTrailerRef("Pages")
)

// FacturX returns the Factur-X PDF/A-3b of pdf (as Render writes it,
// without a password) with xml embedded.
func FacturX(pdf, xml []byte, meta FacturXMeta) ([]byte, error) {
	objs, root, info, err := readObjects(pdf)
	if err != nil {
		return nil, err
	}
	pages := catalogPages.FindSubmatch(objs[root])
	if pages == nil {
		return nil, fmt.Errorf("%w: the catalog has no pages", ErrNotRendered)
	}
	next := len(objs)
	obj := func() int { next++; return next - 1 }
	embedded, filespec, metadata, profile, intent := obj(), obj(), obj(), obj(), obj()
	objs = append(objs, make([][]byte, next-len(objs))...)
	created := meta.Created.UTC()
	pdfDate := "D:" + created.Format("20060102150405") + "+00'00'"
	sum := md5.Sum(xml)

	objs[embedded] = stream(fmt.Sprintf("/Type /EmbeddedFile /Subtype /text#2Fxml /Params << /Size %d /CheckSum <%s> /ModDate (%s) >>",
		len(xml), hex.EncodeToString(sum[:]), pdfDate), xml, true)
	objs[filespec] = fmt.Appendf(nil, "<< /Type /Filespec /F (%[1]s) /UF (%[1]s) /Desc (Factur-X invoice) /AFRelationship /Alternative /EF << /F %[2]d 0 R /UF %[2]d 0 R >> >>",
		FacturXFileName, embedded)
	objs[metadata] = stream("/Type /Metadata /Subtype /XML", xmp(meta.Title, created), false)
	objs[profile] = srgbProfileStream()
	objs[intent] = fmt.Appendf(nil, "<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) /RegistryName (http://www.color.org) /DestOutputProfile %d 0 R >>", profile)
	objs[root] = fmt.Appendf(nil, "<< /Type /Catalog /Pages %s 0 R /Metadata %d 0 R /OutputIntents [%d 0 R] /AF [%d 0 R] /Names << /EmbeddedFiles << /Names [(%s) %d 0 R] >> >> /ViewerPreferences << /DisplayDocTitle true >> >>",
		pages[1], metadata, intent, filespec, FacturXFileName, filespec)
	objs[info] = fmt.Appendf(nil, "<< /Title %s /Producer (SafeInvoice) /Creator (SafeInvoice) /CreationDate (%s) /ModDate (%s) >>",
		pdfText(meta.Title), pdfDate, pdfDate)

	var out bytes.Buffer
	size := len(pdf) + 4096 // the new objects' dictionaries and the cross-reference table
	for _, o := range objs[next-5:] {
		size += len(o)
	}
	out.Grow(size)
	out.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for n := 1; n < len(objs); n++ {
		offsets[n] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n", n)
		out.Write(objs[n])
		out.WriteString("\nendobj\n")
	}
	id := md5.Sum(out.Bytes())
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs))
	for n := 1; n < len(objs); n++ {
		fmt.Fprintf(&out, "%010d 00000 n \n", offsets[n])
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(objs), root, info, hex.EncodeToString(id[:]), hex.EncodeToString(id[:]), xref)
	return out.Bytes(), nil
}

// readObjects splits a PDF written by gofpdf (a classic cross-reference
// table, objects of generation 0) into the bodies of its objects, indexed
// by number, and returns the numbers of the catalog and the Info
// dictionary.
func readObjects(pdf []byte) (objs [][]byte, root, info int, err error) {
	bad := func(why string) ([][]byte, int, int, error) {
		return nil, 0, 0, fmt.Errorf("%w: %s", ErrNotRendered, why)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) {
		return bad("no PDF header")
	}
	m := pdfStartXRef.FindSubmatch(pdf)
	if m == nil {
		return bad("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if xref <= 0 || xref >= len(pdf) || !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 ")) {
		return bad("no cross-reference table where startxref says")
	}
	trailerAt := bytes.Index(pdf[xref:], []byte("trailer"))
	if trailerAt < 0 {
		return bad("no trailer")
	}
	trailer := pdf[xref+trailerAt:]
	if bytes.Contains(trailer, []byte("/Encrypt")) {
		return nil, 0, 0, ErrFacturXEncrypted
	}
	r, i := trailerRoot.FindSubmatch(trailer), trailerInfo.FindSubmatch(trailer)
	if r == nil || i == nil {
		return bad("the trailer names no catalog or Info")
	}
	root, _ = strconv.Atoi(string(r[1]))
	info, _ = strconv.Atoi(string(i[1]))
	head := pdf[xref+len("xref\n0 "):]
	nl := bytes.IndexByte(head, '\n')
	size, err := strconv.Atoi(string(head[:max(nl, 0)]))
	if err != nil || size < 2 || size > 1_000_000 || root >= size || info >= size {
		return bad("a bad cross-reference table")
	}
	entries := head[nl+1:]
	if len(entries) < 20*size {
		return bad("a short cross-reference table")
	}
	offsets := make([]int, size)
	for n := 1; n < size; n++ {
		e := entries[20*n : 20*n+20]
		if e[17] != 'n' {
			return bad("a free object")
		}
		if offsets[n], err = strconv.Atoi(string(e[:10])); err != nil || offsets[n] >= xref {
			return bad("a bad offset")
		}
	}
	order := make([]int, 0, size-1)
	for n := 1; n < size; n++ {
		order = append(order, n)
	}
	slices.SortFunc(order, func(a, b int) int { return offsets[a] - offsets[b] })
	objs = make([][]byte, size)
	for k, n := range order {
		end := xref
		if k+1 < len(order) {
			end = offsets[order[k+1]]
		}
		body := bytes.TrimSpace(pdf[offsets[n]:end])
		start := pdfObjStart.FindSubmatch(body)
		if start == nil || string(start[1]) != strconv.Itoa(n) || !bytes.HasSuffix(body, []byte("endobj")) {
			return bad("object " + strconv.Itoa(n) + " is not where the table says")
		}
		objs[n] = bytes.TrimSpace(body[len(start[0]) : len(body)-len("endobj")])
	}
	return objs, root, info, nil
}

// srgbProfileStream is the output intent's ICC profile as a stream
// object, deflated once: it is the same in every Factur-X invoice.
var srgbProfileStream = sync.OnceValue(func() []byte {
	return stream("/N 3", assets.SRGBProfile, true)
})

// zlibWriters keeps zlib writers at the best compression for reuse, as
// many as invoices are usually made at once: a new one allocates about a
// megabyte, more than the rest of a Factur-X invoice. A channel rather
// than a sync.Pool, which the garbage collector empties every few
// invoices. Reset makes a writer's output the same as a new one's.
var zlibWriters = make(chan *zlib.Writer, 4)

// stream is a stream object's body; with compress, its data deflated.
func stream(dict string, data []byte, compress bool) []byte {
	filter := ""
	if compress {
		var z bytes.Buffer
		z.Grow(len(data)/2 + 64)
		var w *zlib.Writer
		select {
		case w = <-zlibWriters:
			w.Reset(&z)
		default:
			w, _ = zlib.NewWriterLevel(&z, zlib.BestCompression) // a valid level: no error
		}
		_, _ = w.Write(data) // a bytes.Buffer: no write error
		_ = w.Close()
		w.Reset(nil)
		select {
		case zlibWriters <- w:
		default: // enough kept
		}
		data, filter = z.Bytes(), " /Filter /FlateDecode"
	}
	var b bytes.Buffer
	b.Grow(len(dict) + len(data) + 64)
	fmt.Fprintf(&b, "<< %s%s /Length %d >>\nstream\n", dict, filter, len(data))
	b.Write(data)
	b.WriteString("\nendstream")
	return b.Bytes()
}

// pdfText is a PDF text string: UTF-16BE with its byte-order mark, in hex.
func pdfText(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// xmp is the metadata packet of a Factur-X file.
func xmp(title string, created time.Time) []byte {
	date := created.Format("2006-01-02T15:04:05+00:00")
	var esc bytes.Buffer
	for _, r := range title {
		switch r {
		case '<':
			esc.WriteString("&lt;")
		case '>':
			esc.WriteString("&gt;")
		case '&':
			esc.WriteString("&amp;")
		default:
			esc.WriteRune(r)
		}
	}
	property := func(name, description string) string {
		return `<rdf:li rdf:parseType="Resource"><pdfaProperty:name>` + name + `</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType>` +
			`<pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>` + description + `</pdfaProperty:description></rdf:li>`
	}
	return []byte(`<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + esc.String() + `</rdf:li></rdf:Alt></dc:title></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"><pdf:Producer>SafeInvoice</pdf:Producer></rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:CreatorTool>SafeInvoice</xmp:CreatorTool><xmp:CreateDate>` + date + `</xmp:CreateDate><xmp:ModifyDate>` + date + `</xmp:ModifyDate></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>fx</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq>
` + property("DocumentFileName", "The name of the embedded XML document") + `
` + property("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER") + `
` + property("Version", "The actual version of the standard applying to the embedded XML document") + `
` + property("ConformanceLevel", "The conformance level of the embedded XML document") + `
</rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"><fx:DocumentType>INVOICE</fx:DocumentType><fx:DocumentFileName>` + FacturXFileName + `</fx:DocumentFileName><fx:Version>1.0</fx:Version><fx:ConformanceLevel>EN 16931</fx:ConformanceLevel></rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`)
}
