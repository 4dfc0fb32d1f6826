// Package testkit holds the scaffolding that SafeInvoice's tests share, so
// that each piece exists once and states what it promises:
//
//   - child processes: a test binary re-runs itself as a child that does
//     some work (ChildMain, Command, StartChild), and a crash test kills the
//     child with SIGKILL in the middle of that work (Child.KillAfterAck);
//   - progress: a recorder for the func(done, total int64) that long work
//     reports to, which checks every report and answers what was reported
//     (Progress);
//   - vaults and time: the cheap key-derivation work factor of test vaults
//     (CheapWorkFactor), the fixed moment test clocks start at (FixedTime)
//     and a clock that moves only when told to (Clock);
//   - folders: the names in a folder (DirNames).
//
// # Why so little
//
// testkit imports no SafeInvoice package, and must not: the dependency rule
// (internal/archtest) allows it none. Most tests are internal, written in
// the package they test (package storage, package app), and Go refuses an
// import cycle even between a package's tests and a package that imports it.
// A helper that built a storage.Vault or an app.Config would import storage
// or app, and storage's or app's own tests could then not import testkit.
//
// So what is shared is what needs no product type: the pieces above, and
// constants that each package puts into its own types. Each package keeps a
// thin wrapper of its own where a product type is involved, for example
// storage's testOptions and app's testConfig, which fill in CheapWorkFactor
// and FixedTime.
//
// Non-test code must never import testkit; the dependency rule enforces it,
// since no package lists testkit among the ones it may import.
package testkit
