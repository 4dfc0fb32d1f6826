//go:build race

package testkit

// RaceEnabled is true in a test binary built with -race.
const RaceEnabled = true
