package interchange

import (
	"errors"
	"fmt"
	"strings"

	"safeinvoice/invoice"
)

// ErrRefused is wrapped by every *Error: the file was refused.
var ErrRefused = errors.New("import refused")

// Error names the record, the field and the value that made an import
// file unacceptable. Nothing of the file was written.
type Error struct {
	// Record says which record: "invoice 3 (number INV-7)", "client 2 (c9)",
	// "CSV row 14".
	Record string
	// Field is the field at fault, if one is.
	Field string
	// Value is the offending value (numbers, dates, codes and ids only;
	// personal text is not repeated).
	Value string
	Err   error
	// named: Err itself names Field and Value.
	named bool
}

// RecordError wraps a record's validation error, lifting the field and
// value an *invoice.FieldError in it names into the Error.
func RecordError(record string, err error) *Error {
	ie := &Error{Record: record, Err: err}
	var fe *invoice.FieldError
	if errors.As(err, &fe) {
		ie.Field, ie.Value, ie.named = fe.Field, fe.Value, true
	}
	return ie
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Record)
	if e.Field != "" && !e.named {
		b.WriteString(", field " + e.Field)
	}
	if e.Value != "" && !e.named {
		fmt.Fprintf(&b, ", value %q", e.Value)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns both ErrRefused and the cause.
func (e *Error) Unwrap() []error { return []error{ErrRefused, e.Err} }
