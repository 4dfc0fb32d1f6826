package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Defaults and bounds of the password policy.
const (
	// DefaultMinLength is the default minimum password length, in characters.
	DefaultMinLength = 12
	// DefaultMinStrength is the default zxcvbn score floor (0 to 4).
	DefaultMinStrength = 3
	// DefaultHistorySize is how many recent passwords may not be reused.
	DefaultHistorySize = 5
	// DefaultLockoutThreshold is how many consecutive failed logins start the
	// back-off.
	DefaultLockoutThreshold = 5
	// DefaultIdleLockMinutes is how long the window may stay idle before it
	// locks.
	DefaultIdleLockMinutes = 10

	// MinMinLength and MaxMinLength bound Policy.MinLength. NIST SP 800-63B
	// asks for at least 8.
	MinMinLength, MaxMinLength = 8, 64
	// MaxHistorySize bounds Policy.HistorySize (0 turns the reuse rule off).
	MaxHistorySize = 24
	// MinLockoutThreshold and MaxLockoutThreshold bound
	// Policy.LockoutThreshold; the back-off cannot be turned off.
	MinLockoutThreshold, MaxLockoutThreshold = 3, 20
	// MinIdleLockMinutes and MaxIdleLockMinutes bound Policy.IdleLockMinutes;
	// the idle lock cannot be turned off.
	MinIdleLockMinutes, MaxIdleLockMinutes = 1, 120
)

// allowedMaxAgeDays is the list of MaxAgeDays returns. It is never modified.
var allowedMaxAgeDays = [...]int{0, 30, 60, 90}

// MaxAgeDays returns the values Policy.MaxAgeDays may take: 0 (off, as NIST
// SP 800-63B advises) or 30, 60 or 90 days, as many compliance regimes
// demand. The caller owns the returned slice.
func MaxAgeDays() []int {
	return append([]int(nil), allowedMaxAgeDays[:]...)
}

// ErrInvalidPolicy is wrapped by Policy.Validate's and Policy.Set's errors.
var ErrInvalidPolicy = errors.New("invalid policy")

// Policy is the password and session policy an administrator sets. It is
// stored as JSON in the vault; keys missing from stored JSON take their
// default (see UnmarshalJSON). A Policy is a value: copy it freely.
type Policy struct {
	// MinLength is the minimum password length in Unicode characters
	// (runes, after NormalizePassword), 8 to 64.
	MinLength int `json:"min_length"`
	// MinStrength is the lowest acceptable zxcvbn score, 0 (off) to 4.
	MinStrength int `json:"min_strength"`
	// HistorySize is how many recent passwords (the current one included)
	// may not be chosen again, 0 (off) to 24.
	HistorySize int `json:"history_size"`
	// MaxAgeDays is the maximum password age: 0 (off), 30, 60 or 90.
	MaxAgeDays int `json:"max_age_days"`
	// LockoutThreshold is how many consecutive failed logins start the
	// back-off, 3 to 20.
	LockoutThreshold int `json:"lockout_threshold"`
	// IdleLockMinutes locks the window after this many idle minutes, 1 to
	// 120.
	IdleLockMinutes int `json:"idle_lock_minutes"`
	// ScannerBlocks makes the minimal-information scanner refuse to save
	// text that looks sensitive, instead of only warning.
	ScannerBlocks bool `json:"scanner_blocks"`
}

// DefaultPolicy returns the policy of a new vault: 12 characters, strength
// 3, 5 remembered passwords, no expiry, back-off after 5 failures, idle lock
// after 10 minutes, scanner warns.
func DefaultPolicy() Policy {
	return Policy{
		MinLength:        DefaultMinLength,
		MinStrength:      DefaultMinStrength,
		HistorySize:      DefaultHistorySize,
		MaxAgeDays:       0,
		LockoutThreshold: DefaultLockoutThreshold,
		IdleLockMinutes:  DefaultIdleLockMinutes,
		ScannerBlocks:    false,
	}
}

// Validate returns nil if every field is within its documented bounds, and
// otherwise an error wrapping ErrInvalidPolicy naming the first bad key.
func (p Policy) Validate() error {
	bad := func(key string, v int, rule string) error {
		return fmt.Errorf("%w: %s is %d, %s", ErrInvalidPolicy, key, v, rule)
	}
	if p.MinLength < MinMinLength || p.MinLength > MaxMinLength {
		return bad("min_length", p.MinLength, fmt.Sprintf("must be %d to %d", MinMinLength, MaxMinLength))
	}
	if p.MinStrength < 0 || p.MinStrength > 4 {
		return bad("min_strength", p.MinStrength, "must be 0 to 4")
	}
	if p.HistorySize < 0 || p.HistorySize > MaxHistorySize {
		return bad("history_size", p.HistorySize, fmt.Sprintf("must be 0 to %d", MaxHistorySize))
	}
	if !allowedMaxAge(p.MaxAgeDays) {
		return bad("max_age_days", p.MaxAgeDays, "must be 0 (off), 30, 60 or 90")
	}
	if p.LockoutThreshold < MinLockoutThreshold || p.LockoutThreshold > MaxLockoutThreshold {
		return bad("lockout_threshold", p.LockoutThreshold, fmt.Sprintf("must be %d to %d", MinLockoutThreshold, MaxLockoutThreshold))
	}
	if p.IdleLockMinutes < MinIdleLockMinutes || p.IdleLockMinutes > MaxIdleLockMinutes {
		return bad("idle_lock_minutes", p.IdleLockMinutes, fmt.Sprintf("must be %d to %d", MinIdleLockMinutes, MaxIdleLockMinutes))
	}
	return nil
}

func allowedMaxAge(d int) bool {
	for _, a := range allowedMaxAgeDays {
		if d == a {
			return true
		}
	}
	return false
}

// IdleLock returns IdleLockMinutes as a duration.
func (p Policy) IdleLock() time.Duration {
	return time.Duration(p.IdleLockMinutes) * time.Minute
}

// MaxAge returns MaxAgeDays as a duration of exactly MaxAgeDays × 24 hours,
// or 0 when expiry is off.
func (p Policy) MaxAge() time.Duration {
	return time.Duration(p.MaxAgeDays) * 24 * time.Hour
}

// UnmarshalJSON decodes a policy, starting from DefaultPolicy so that keys
// absent from data (for example written by an older version) keep their
// defaults. It does not validate: call Validate.
func (p *Policy) UnmarshalJSON(data []byte) error {
	type plain Policy // no methods: avoids recursion
	q := plain(DefaultPolicy())
	if err := json.Unmarshal(data, &q); err != nil {
		return err
	}
	*p = Policy(q)
	return nil
}

// PolicyKey describes one key of the policy for `policy show` and
// `policy set KEY VALUE`.
type PolicyKey struct {
	// Key is the name accepted by Set and Get, the same as the JSON name.
	Key string
	// Description says what the key does and which values it takes.
	Description string
}

// policyKeys is the order of PolicyKeys. It is never modified.
var policyKeys = [...]PolicyKey{
	{"min_length", "minimum password length in characters (8 to 64)"},
	{"min_strength", "minimum strength score from 0 (off) to 4; 3 resists offline guessing"},
	{"history_size", "how many recent passwords may not be reused (0 = off, up to 24)"},
	{"max_age_days", "password expiry in days: off, 30, 60 or 90"},
	{"lockout_threshold", "failed logins in a row before the back-off starts (3 to 20)"},
	{"idle_lock_minutes", "lock the window after this many idle minutes (1 to 120)"},
	{"scanner_blocks", "true: refuse to save text that looks sensitive; false: only warn"},
}

// PolicyKeys returns the keys of the policy with descriptions, in display
// order. The caller owns the returned slice.
func PolicyKeys() []PolicyKey {
	return append([]PolicyKey(nil), policyKeys[:]...)
}

// canonicalKey accepts a key in any case, with '-' for '_'.
func canonicalKey(key string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(key)), "-", "_")
}

func unknownKey(key string) error {
	names := make([]string, len(policyKeys))
	for i, k := range policyKeys {
		names[i] = k.Key
	}
	return fmt.Errorf("%w: unknown key %q, use one of %s", ErrInvalidPolicy, key, strings.Join(names, ", "))
}

// Get returns the value of key as Set accepts it, for example "12", "off"
// or "false". Keys are matched as in Set.
func (p Policy) Get(key string) (string, error) {
	switch canonicalKey(key) {
	case "min_length":
		return strconv.Itoa(p.MinLength), nil
	case "min_strength":
		return strconv.Itoa(p.MinStrength), nil
	case "history_size":
		return strconv.Itoa(p.HistorySize), nil
	case "max_age_days":
		if p.MaxAgeDays == 0 {
			return "off", nil
		}
		return strconv.Itoa(p.MaxAgeDays), nil
	case "lockout_threshold":
		return strconv.Itoa(p.LockoutThreshold), nil
	case "idle_lock_minutes":
		return strconv.Itoa(p.IdleLockMinutes), nil
	case "scanner_blocks":
		return strconv.FormatBool(p.ScannerBlocks), nil
	}
	return "", unknownKey(key)
}

// Set parses value and stores it under key, for `policy set KEY VALUE`. Keys
// are those of PolicyKeys, in any case, with '-' accepted for '_'. Numbers are
// decimal; max_age_days also takes "off"; scanner_blocks takes true/false,
// yes/no, on/off, block/warn. The resulting policy must pass Validate;
// otherwise Set returns an error wrapping ErrInvalidPolicy and p is
// unchanged.
func (p *Policy) Set(key, value string) error {
	q := *p
	v := strings.ToLower(strings.TrimSpace(value))
	k := canonicalKey(key)
	var field *int
	switch k {
	case "min_length":
		field = &q.MinLength
	case "min_strength":
		field = &q.MinStrength
	case "history_size":
		field = &q.HistorySize
	case "max_age_days":
		field = &q.MaxAgeDays
		if v == "off" || v == "never" || v == "none" {
			v = "0"
		}
	case "lockout_threshold":
		field = &q.LockoutThreshold
	case "idle_lock_minutes":
		field = &q.IdleLockMinutes
	case "scanner_blocks":
		switch v {
		case "true", "yes", "on", "1", "block":
			q.ScannerBlocks = true
		case "false", "no", "off", "0", "warn":
			q.ScannerBlocks = false
		default:
			return fmt.Errorf("%w: scanner_blocks takes true or false, not %q", ErrInvalidPolicy, value)
		}
	default:
		return unknownKey(key)
	}
	if field != nil {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%w: %s takes a whole number, not %q", ErrInvalidPolicy, k, value)
		}
		*field = n
	}
	if err := q.Validate(); err != nil {
		return err
	}
	*p = q
	return nil
}
