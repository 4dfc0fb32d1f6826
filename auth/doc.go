// Package auth is the accounts domain of SafeInvoice: users, roles and their
// permissions, the administrator's password policy, strength estimation and
// the lockout back-off after failed logins.
//
// The package does no I/O and imports no other package of the project. Time
// is always a parameter (now time.Time) and randomness (salts) comes from the
// caller, so every rule is deterministic and testable.
//
// The main pieces:
//
//   - Role.Can and Check: the permission matrix of the four roles
//     (administrator, bookkeeper, clerk, auditor), one Permission per use
//     case; app.Session checks one per method.
//   - ValidateUserName: names that are safe as file names everywhere.
//   - Policy: the administrator's password policy, its JSON form, Set/Get for
//     `policy set` and `policy show`, CheckPassword and the expiry rules.
//   - NormalizePassword: NFKC, applied when a password is set and at every
//     login, before the key-slot KDF.
//   - Strength: zxcvbn with the user and business names as context, and our
//     own hints.
//   - HashForHistory and User.RememberPassword: Argon2id hashes for the reuse
//     rule.
//   - Lockout: the per-user back-off state machine kept in lockout.json.
package auth
