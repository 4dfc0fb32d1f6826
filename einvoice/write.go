package einvoice

import (
	"fmt"
	"io"
)

// Write writes d in format f (for FacturX, the XML to embed), after Check.
func Write(w io.Writer, d Document, f Format) error {
	switch f {
	case FacturX, XRechnungCII:
		return WriteCII(w, d, f)
	case Peppol, XRechnungUBL:
		return WriteUBL(w, d, f)
	}
	return fmt.Errorf("%w: %q", ErrFormat, f)
}
