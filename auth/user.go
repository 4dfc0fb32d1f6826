package auth

import "time"

// Role is what a user may do. The four roles are fixed.
type Role string

// The roles of SafeInvoice.
const (
	// RoleAdministrator may do everything, including users, policy and restore.
	RoleAdministrator Role = "administrator"
	// RoleBookkeeper handles invoices, payments, exports and backups.
	RoleBookkeeper Role = "bookkeeper"
	// RoleClerk drafts invoices and manages clients.
	RoleClerk Role = "clerk"
	// RoleAuditor reads everything and the audit log, and changes nothing.
	RoleAuditor Role = "auditor"
)

// User is an employee account. The password itself is never stored: it only
// unwraps the user's key slot. PasswordHistory holds salted hashes of earlier
// passwords for the reuse rule.
type User struct {
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Disabled bool   `json:"disabled,omitempty"`
	// Recipient is, while the account is disabled, the public key of its
	// identity, to which enabling it seals the vault's key again.
	Recipient       string    `json:"recipient,omitempty"`
	MustChange      bool      `json:"must_change,omitempty"`
	PasswordChanged time.Time `json:"password_changed"`
	PasswordHistory []string  `json:"password_history,omitempty"`
	Created         time.Time `json:"created"`
	LastLogin       time.Time `json:"last_login,omitempty"`
	// Signature is the administrators' signature over the name, role,
	// disabled flag and recipient (storage.Vault.SignUser): a record
	// changed outside SafeInvoice, by someone without that key, no longer
	// carries a valid one.
	Signature []byte `json:"signature,omitempty"`
}
