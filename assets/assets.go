// Package assets embeds SafeInvoice's static files: the application icon
// and, for the PDFs, a Unicode font with its licence.
package assets

import _ "embed"

// Icon is the application icon, a 512×512 PNG.
//
//go:embed Icon.png
var Icon []byte
