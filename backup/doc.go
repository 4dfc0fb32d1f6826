// Package backup makes, lists, verifies and restores SafeInvoice's
// age-encrypted backups, and owns the recovery key they are encrypted to.
//
// The recovery key is an X25519 age identity created when the vault is set up
// and kept inside the vault. A backup is two files in the backup folder: the
// vault's Badger backup stream encrypted with age (binary format) to the
// recovery key and any extra recipients, and beside it a manifest (JSON,
// encrypted the same way and tagged with a key derived from the recovery
// key) describing it. Because the data file is plain age around a plain
// Badger stream, the standard tools recover the data without SafeInvoice:
//
//	age -d -i recovery-key.txt -o books.bak safeinvoice-…-full-….age
//	badger restore --dir NEWDIR -f books.bak
//
// The package does not import storage: the app layer adapts the vault to a
// StreamFunc (for Write) and a Loader (for Verify and RestoreChain).
package backup
