package auth

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefaultPolicy(t *testing.T) {
	p := DefaultPolicy()
	want := Policy{MinLength: 12, MinStrength: 3, HistorySize: 5, MaxAgeDays: 0,
		LockoutThreshold: 5, IdleLockMinutes: 10, ScannerBlocks: false}
	if p != want {
		t.Fatalf("DefaultPolicy() = %+v, want %+v", p, want)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.IdleLock() != 10*time.Minute || p.MaxAge() != 0 {
		t.Fatalf("IdleLock %v MaxAge %v", p.IdleLock(), p.MaxAge())
	}
}

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Policy)
		bad    string // key named in the error, "" if valid
	}{
		{"min length 8", func(p *Policy) { p.MinLength = 8 }, ""},
		{"min length 7", func(p *Policy) { p.MinLength = 7 }, "min_length"},
		{"min length 64", func(p *Policy) { p.MinLength = 64 }, ""},
		{"min length 65", func(p *Policy) { p.MinLength = 65 }, "min_length"},
		{"strength 0", func(p *Policy) { p.MinStrength = 0 }, ""},
		{"strength 4", func(p *Policy) { p.MinStrength = 4 }, ""},
		{"strength 5", func(p *Policy) { p.MinStrength = 5 }, "min_strength"},
		{"strength -1", func(p *Policy) { p.MinStrength = -1 }, "min_strength"},
		{"history 0", func(p *Policy) { p.HistorySize = 0 }, ""},
		{"history 24", func(p *Policy) { p.HistorySize = 24 }, ""},
		{"history 25", func(p *Policy) { p.HistorySize = 25 }, "history_size"},
		{"history -1", func(p *Policy) { p.HistorySize = -1 }, "history_size"},
		{"age 30", func(p *Policy) { p.MaxAgeDays = 30 }, ""},
		{"age 60", func(p *Policy) { p.MaxAgeDays = 60 }, ""},
		{"age 90", func(p *Policy) { p.MaxAgeDays = 90 }, ""},
		{"age 45", func(p *Policy) { p.MaxAgeDays = 45 }, "max_age_days"},
		{"age 365", func(p *Policy) { p.MaxAgeDays = 365 }, "max_age_days"},
		{"age -30", func(p *Policy) { p.MaxAgeDays = -30 }, "max_age_days"},
		{"lockout 3", func(p *Policy) { p.LockoutThreshold = 3 }, ""},
		{"lockout 2", func(p *Policy) { p.LockoutThreshold = 2 }, "lockout_threshold"},
		{"lockout 20", func(p *Policy) { p.LockoutThreshold = 20 }, ""},
		{"lockout 21", func(p *Policy) { p.LockoutThreshold = 21 }, "lockout_threshold"},
		{"idle 0", func(p *Policy) { p.IdleLockMinutes = 0 }, "idle_lock_minutes"},
		{"idle 1", func(p *Policy) { p.IdleLockMinutes = 1 }, ""},
		{"idle 120", func(p *Policy) { p.IdleLockMinutes = 120 }, ""},
		{"idle 121", func(p *Policy) { p.IdleLockMinutes = 121 }, "idle_lock_minutes"},
		{"zero policy", func(p *Policy) { *p = Policy{} }, "min_length"},
	}
	for _, tt := range tests {
		p := DefaultPolicy()
		tt.change(&p)
		err := p.Validate()
		switch {
		case tt.bad == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.bad != "" && !errors.Is(err, ErrInvalidPolicy):
			t.Errorf("%s: got %v, want ErrInvalidPolicy", tt.name, err)
		case tt.bad != "" && !strings.Contains(err.Error(), tt.bad):
			t.Errorf("%s: %q does not name %s", tt.name, err, tt.bad)
		}
	}
}

func TestPolicySet(t *testing.T) {
	tests := []struct {
		key, value string
		check      func(Policy) bool
	}{
		{"min_length", "16", func(p Policy) bool { return p.MinLength == 16 }},
		{"MIN-LENGTH", " 14 ", func(p Policy) bool { return p.MinLength == 14 }},
		{"min_strength", "4", func(p Policy) bool { return p.MinStrength == 4 }},
		{"history_size", "0", func(p Policy) bool { return p.HistorySize == 0 }},
		{"max_age_days", "90", func(p Policy) bool { return p.MaxAgeDays == 90 }},
		{"max-age-days", "off", func(p Policy) bool { return p.MaxAgeDays == 0 }},
		{"lockout_threshold", "10", func(p Policy) bool { return p.LockoutThreshold == 10 }},
		{"idle_lock_minutes", "30", func(p Policy) bool { return p.IdleLockMinutes == 30 }},
		{"scanner_blocks", "true", func(p Policy) bool { return p.ScannerBlocks }},
		{"scanner_blocks", "block", func(p Policy) bool { return p.ScannerBlocks }},
		{"scanner_blocks", "Off", func(p Policy) bool { return !p.ScannerBlocks }},
	}
	for _, tt := range tests {
		p := DefaultPolicy()
		p.MaxAgeDays = 30
		if err := p.Set(tt.key, tt.value); err != nil {
			t.Errorf("Set(%q, %q) = %v", tt.key, tt.value, err)
			continue
		}
		if !tt.check(p) {
			t.Errorf("Set(%q, %q) gave %+v", tt.key, tt.value, p)
		}
	}

	bad := []struct{ key, value, want string }{
		{"min_length", "7", "min_length is 7, must be 8 to 64"},
		{"min_length", "twelve", `min_length takes a whole number, not "twelve"`},
		{"min_length", "", "whole number"},
		{"max_age_days", "45", "must be 0 (off), 30, 60 or 90"},
		{"scanner_blocks", "maybe", "scanner_blocks takes true or false"},
		{"colour", "red", `unknown key "colour", use one of min_length, min_strength`},
		{"idle_lock_minutes", "0", "idle_lock_minutes is 0"},
	}
	for _, tt := range bad {
		p := DefaultPolicy()
		err := p.Set(tt.key, tt.value)
		if !errors.Is(err, ErrInvalidPolicy) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Set(%q, %q) = %v, want ErrInvalidPolicy mentioning %q", tt.key, tt.value, err, tt.want)
		}
		if p != DefaultPolicy() {
			t.Errorf("Set(%q, %q) changed the policy on error: %+v", tt.key, tt.value, p)
		}
	}
}

func TestPolicyKeysGetSetRoundTrip(t *testing.T) {
	p := Policy{MinLength: 20, MinStrength: 4, HistorySize: 10, MaxAgeDays: 60,
		LockoutThreshold: 7, IdleLockMinutes: 15, ScannerBlocks: true}
	q := DefaultPolicy()
	for _, k := range PolicyKeys() {
		if k.Description == "" {
			t.Errorf("%s has no description", k.Key)
		}
		v, err := p.Get(k.Key)
		if err != nil {
			t.Fatalf("Get(%q): %v", k.Key, err)
		}
		if err := q.Set(k.Key, v); err != nil {
			t.Fatalf("Set(%q, %q): %v", k.Key, v, err)
		}
	}
	if p != q {
		t.Fatalf("Get/Set round trip: %+v, want %+v", q, p)
	}
	if v, _ := DefaultPolicy().Get("max_age_days"); v != "off" {
		t.Errorf("Get(max_age_days) = %q, want off", v)
	}
	if _, err := p.Get("nope"); !errors.Is(err, ErrInvalidPolicy) {
		t.Errorf("Get(nope) = %v", err)
	}
	// Every JSON field has a key and vice versa.
	typ := reflect.TypeOf(Policy{})
	keys := PolicyKeys()
	if typ.NumField() != len(keys) {
		t.Fatalf("%d fields, %d keys", typ.NumField(), len(keys))
	}
	for i := range typ.NumField() {
		tag := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]
		if keys[i].Key != tag {
			t.Errorf("key %d is %q, JSON name %q", i, keys[i].Key, tag)
		}
	}
}

func TestPolicyJSON(t *testing.T) {
	p := Policy{MinLength: 20, MinStrength: 4, HistorySize: 10, MaxAgeDays: 60,
		LockoutThreshold: 7, IdleLockMinutes: 15, ScannerBlocks: true}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"min_length":20,"min_strength":4,"history_size":10,"max_age_days":60,"lockout_threshold":7,"idle_lock_minutes":15,"scanner_blocks":true}`
	if string(b) != want {
		t.Fatalf("JSON %s, want %s", b, want)
	}
	var q Policy
	if err := json.Unmarshal(b, &q); err != nil || q != p {
		t.Fatalf("round trip: %+v, %v", q, err)
	}

	// Missing keys keep their defaults; zero values that are present stay.
	var r Policy
	if err := json.Unmarshal([]byte(`{"min_length":14,"history_size":0}`), &r); err != nil {
		t.Fatal(err)
	}
	d := DefaultPolicy()
	d.MinLength, d.HistorySize = 14, 0
	if r != d {
		t.Fatalf("partial JSON: %+v, want %+v", r, d)
	}
	if err := json.Unmarshal([]byte(`{"min_length":"x"}`), &r); err == nil {
		t.Fatal("bad JSON accepted")
	}
}

func TestMaxAgeDays(t *testing.T) {
	got := MaxAgeDays()
	if !reflect.DeepEqual(got, []int{0, 30, 60, 90}) {
		t.Fatalf("MaxAgeDays() = %v", got)
	}
	got[1] = 7
	p := DefaultPolicy()
	p.MaxAgeDays = 7
	if p.Validate() == nil || MaxAgeDays()[1] != 30 {
		t.Fatal("MaxAgeDays() exposes shared state")
	}
}
