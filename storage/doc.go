// Package storage is the encrypted vault of SafeInvoice and the only package
// that imports Badger.
//
// A data directory holds:
//
//	safeinvoice.json  a marker with the format version and the vault id (no secrets)
//	db/               Badger, encrypted with the 32-byte random master key (AES-256)
//	keyslots/         one file per user: the master key age-encrypted to an age
//	                  scrypt recipient made from that user's password
//	lock              held while a process has the vault open
//
// The master key is random and never derived from a password; a password only
// unwraps a slot. Badger's encryption is AES-CTR without authentication, so
// integrity comes from the audit chain: every write made through [Vault.Update]
// appends a hash-chained, HMAC-tagged audit record in the same transaction,
// and [Vault.VerifyAudit] names the first entry that was altered, removed,
// reordered or cut off.
package storage
