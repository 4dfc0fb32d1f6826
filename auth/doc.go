// Package auth is the accounts domain of SafeInvoice: users, roles and their
// permissions, the administrator's password policy, strength estimation and
// the lockout back-off after failed logins.
//
// The package does no I/O and imports no other package of the project.
package auth
