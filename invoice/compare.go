package invoice

import (
	"cmp"
	"strings"
)

// CompareDecimal compares two decimal strings as Amount.Number writes them
// ("-12.50", "1500", "0.005": an optional minus sign, digits, and an
// optional fraction) exactly, without parsing them into numbers or converting
// them to floating point: -1 if a < b, 0 if they are equal (leading and
// trailing zeros do not count, "-0" equals "0"), +1 if a > b. It is what
// lists sort amounts with, where parsing every amount for every comparison
// would cost too much. Strings of another form compare in an unspecified
// but consistent order.
func CompareDecimal(a, b string) int {
	an, bn := strings.HasPrefix(a, "-"), strings.HasPrefix(b, "-")
	am, bm := strings.TrimPrefix(a, "-"), strings.TrimPrefix(b, "-")
	if an != bn {
		if isZero(am) && isZero(bm) {
			return 0
		}
		if an {
			return -1
		}
		return 1
	}
	c := compareMagnitude(am, bm)
	if an {
		return -c
	}
	return c
}

// compareMagnitude compares two unsigned decimal strings: the longer whole
// part (without leading zeros) is larger, then the digits decide, then the
// fractions without their trailing zeros, digit by digit.
func compareMagnitude(a, b string) int {
	ai, af, _ := strings.Cut(a, ".")
	bi, bf, _ := strings.Cut(b, ".")
	ai, bi = strings.TrimLeft(ai, "0"), strings.TrimLeft(bi, "0")
	if c := cmp.Compare(len(ai), len(bi)); c != 0 {
		return c
	}
	if c := cmp.Compare(ai, bi); c != 0 {
		return c
	}
	return cmp.Compare(strings.TrimRight(af, "0"), strings.TrimRight(bf, "0"))
}

// isZero reports whether an unsigned decimal string has no digit but 0.
func isZero(m string) bool { return strings.Trim(m, "0.") == "" }
