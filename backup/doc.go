// Package backup makes, lists, verifies and restores SafeInvoice's
// age-encrypted backups, and owns the recovery key they are encrypted to.
//
// The recovery key is an X25519 age identity created when the vault is set up
// and kept inside the vault. Because a backup is a plain Badger backup stream
// encrypted with age, the standard `age` and `badger` tools can recover the
// data without SafeInvoice.
package backup
