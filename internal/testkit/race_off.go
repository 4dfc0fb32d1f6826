//go:build !race

package testkit

// RaceEnabled is true in a test binary built with -race. Crash tests that
// run thousands of records through child processes are ten times slower
// under the race detector and test nothing more there (the kill is what
// they are about): they skip themselves under it, and `make crash` runs
// them without it.
const RaceEnabled = false
