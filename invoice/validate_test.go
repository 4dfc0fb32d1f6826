package invoice

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckEmail(t *testing.T) {
	for _, ok := range []string{"ap@example.com", "a.b+tag@sub.example.co.uk", "müller@bücher.de", "x@xn--bcher-kva.de", "o'brien@example.ie"} {
		if err := CheckEmail(ok); err != nil {
			t.Errorf("CheckEmail(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "plain", "a@b", "a@@b.com", "a@b@c.com", "@example.com", "a@.com", "a@example.", "a@-x.com", "a@x-.com",
		"a b@example.com", "Name <a@example.com>", ".a@example.com", "a.@example.com", "a..b@example.com", "a@example.c", "a@example.123",
		"a@exa_mple.com", "a@example.com\nBcc: x@y.com", strings.Repeat("a", 65) + "@example.com"} {
		if err := CheckEmail(bad); err == nil {
			t.Errorf("CheckEmail(%q) accepted", bad)
		}
	}
}

func TestClientValidate(t *testing.T) {
	emailOnly := Client{ID: "c1", Name: "Müller & Söhne KG", Email: "ap@example.com"}
	if err := emailOnly.Validate(); err != nil {
		t.Errorf("email-only client: %v", err)
	}
	full := Client{ID: "c2", Name: "ACME", Email: "a@acme.example", Address: "Main St 1\n10115 Berlin\nGermany", TaxID: "DE123456789"}
	if err := full.Validate(); err != nil {
		t.Errorf("full client: %v", err)
	}
	tests := []struct {
		c     Client
		field string
		err   error
	}{
		{Client{Email: "a@example.com"}, "name", ErrRequired},
		{Client{Name: "  ", Email: "a@example.com"}, "name", ErrRequired},
		{Client{Name: "A\nB", Email: "a@example.com"}, "name", ErrText},
		{Client{Name: "A\x00", Email: "a@example.com"}, "name", ErrText},
		{Client{Name: strings.Repeat("x", MaxNameLen+1), Email: "a@example.com"}, "name", ErrText},
		{Client{Name: "A"}, "email", ErrRequired},
		{Client{Name: "A", Email: "nope"}, "email", ErrEmail},
		{Client{Name: "A", Email: "a@example.com", TaxID: "DE1\nDE2"}, "tax_id", ErrText},
		{Client{Name: "A", Email: "a@example.com", Address: "\xff"}, "address", ErrText},
	}
	for _, tt := range tests {
		err := tt.c.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field || !errors.Is(err, tt.err) {
			t.Errorf("%+v: error %v, want field %s wrapping %v", tt.c, err, tt.field, tt.err)
		}
		if fe != nil && fe.Value != "" {
			t.Errorf("client error repeats a personal value: %v", err)
		}
	}
}

func TestInvoiceValidate(t *testing.T) {
	ok := draft(t) // validated by the helper
	tests := []struct {
		name   string
		modify func(*Invoice)
		field  string
		err    error
		msg    string
	}{
		{"unknown currency", func(i *Invoice) { i.Currency = "EURO" }, "currency", ErrCurrency, `currency "EURO"`},
		{"lower-case currency", func(i *Invoice) { i.Currency = "eur" }, "currency", ErrCurrency, ""},
		{"bad issue date", func(i *Invoice) { i.IssueDate = "2026-02-30" }, "issue_date", ErrDate, `issue_date "2026-02-30"`},
		{"missing due date", func(i *Invoice) { i.DueDate = "" }, "due_date", ErrRequired, ""},
		{"due before issue", func(i *Invoice) { i.DueDate = "2026-10-31" }, "due_date", ErrDueBeforeIssue, "due date before issue date 2026-11-01"},
		{"no lines", func(i *Invoice) { i.Lines = nil }, "lines", ErrNoLines, ""},
		{"line description", func(i *Invoice) { i.Lines = append(i.Lines, line("1", "1", "0", "")); i.Lines[1].Description = "" }, "line 2 description", ErrRequired, ""},
		{"line quantity", func(i *Invoice) { i.Lines[0].Quantity = "two" }, "line 1 quantity", ErrSyntax, `line 1 quantity "two"`},
		{"line price", func(i *Invoice) { i.Lines[0].UnitPrice = "1,50" }, "line 1 unit_price", ErrSyntax, ""},
		{"line rate", func(i *Invoice) { i.Lines[0].TaxRate = "119" }, "line 1 tax_rate", ErrRange, ""},
		{"line discount", func(i *Invoice) { i.Lines[0].Discount = "-1" }, "line 1 discount", ErrRange, ""},
		{"client", func(i *Invoice) { i.ClientID = "" }, "client_id", ErrRequired, ""},
		{"status", func(i *Invoice) { i.Status = "overdue" }, "status", ErrInvalid, ""},
		{"no status", func(i *Invoice) { i.Status = "" }, "status", ErrRequired, ""},
		{"kind", func(i *Invoice) { i.Kind = "receipt" }, "kind", ErrInvalid, ""},
		{"credit note without target", func(i *Invoice) { i.Kind = KindCreditNote }, "corrects", ErrRequired, ""},
		{"invoice with target", func(i *Invoice) { i.Corrects = "i0" }, "corrects", ErrInvalid, ""},
		{"draft with number", func(i *Invoice) { i.Number = "INV-1" }, "number", ErrInvalid, ""},
		{"issued without number", func(i *Invoice) { i.Status = StatusIssued }, "number", ErrRequired, ""},
		{"draft with payment", func(i *Invoice) { i.Payments = []Payment{{Date: "2026-11-02", Amount: "1.00"}} }, "payments", ErrInvalid, ""},
		{"payment amount", func(i *Invoice) {
			i.Status, i.Number = StatusIssued, "INV-1"
			i.Payments = []Payment{{Date: "2026-11-02", Amount: "0"}}
		}, "payment 1 amount", ErrRange, ""},
		{"payment date", func(i *Invoice) {
			i.Status, i.Number = StatusIssued, "INV-1"
			i.Payments = []Payment{{Date: "02.11.2026", Amount: "1.00"}}
		}, "payment 1 date", ErrDate, ""},
		{"one-line number", func(i *Invoice) { i.Status, i.Number = StatusIssued, "INV\n1" }, "number", ErrText, ""},
		{"notes control char", func(i *Invoice) { i.Notes = "a\x1bb" }, "notes", ErrText, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := *ok
			inv.Lines = append([]Line(nil), ok.Lines...)
			tt.modify(&inv)
			err := inv.Validate()
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want a ValidationError wrapping %v", err, tt.err)
			}
			found := false
			for _, p := range ve.Problems {
				found = found || (p.Field == tt.field && errors.Is(p, tt.err))
			}
			if !found {
				t.Errorf("error %v names no field %q", err, tt.field)
			}
			if !strings.Contains(err.Error(), tt.msg) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want one line containing %q", err, tt.msg)
			}
		})
	}
	multi := *ok
	multi.Currency, multi.DueDate = "", "x"
	var ve *ValidationError
	if err := multi.Validate(); !errors.As(err, &ve) || len(ve.Problems) != 2 {
		t.Errorf("want both problems reported, got %v", err)
	}
	multiline := *ok
	multiline.Notes = "Thank you!\n\tPay within 30 days."
	multiline.Lines = []Line{{Description: "Consulting\nNovember", Quantity: "1", UnitPrice: "1", TaxRate: "0"}}
	if err := multiline.Validate(); err != nil {
		t.Errorf("multi-line notes and descriptions: %v", err)
	}
}
