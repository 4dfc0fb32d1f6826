package interchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ParseJSON decodes the JSON import format strictly: unknown fields
// and non-string amounts are errors naming where they are.
func ParseJSON(data []byte) (*File, error) {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, BOM)))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, jsonError(data, err)
	}
	if dec.More() {
		return nil, &Error{Record: "JSON file", Err: errors.New("unexpected data after the top-level object")}
	}
	return &f, nil
}

func jsonError(data []byte, err error) error {
	where := func(off int64) string {
		line := 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n"))
		return fmt.Sprintf("JSON line %d", line)
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &Error{Record: where(se.Offset), Err: fmt.Errorf("not valid JSON: %w", err)}
	case errors.As(err, &te):
		return &Error{Record: where(te.Offset), Field: te.Field,
			Err: fmt.Errorf("expected %s, found a JSON %s (amounts, quantities and rates are strings such as \"12.50\")", te.Type, te.Value)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Record: "JSON file", Err: errors.New("the file ends in the middle of a record (truncated?)")}
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return &Error{Record: "JSON file", Err: fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "json: "))}
	}
	return &Error{Record: "JSON file", Err: err}
}
