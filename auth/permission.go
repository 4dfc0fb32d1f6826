package auth

import (
	"errors"
	"fmt"
	"strings"
)

// Permission names one use case of SafeInvoice. app.Session checks one
// permission per method with Check, so the window and the CLI obey the same
// rules. The string value is stable: it may be written to the audit log.
type Permission string

// The use cases of SafeInvoice. The matrix of who may do what is in Role.Can.
const (
	// PermViewInvoices lists and opens invoices, payments and credit notes.
	PermViewInvoices Permission = "view-invoices"
	// PermCreateDraft creates a draft invoice.
	PermCreateDraft Permission = "create-draft"
	// PermEditDraft edits a draft invoice (issued invoices are never edited).
	PermEditDraft Permission = "edit-draft"
	// PermDeleteDraft deletes a draft invoice (issued invoices are never deleted).
	PermDeleteDraft Permission = "delete-draft"
	// PermIssueInvoice issues a draft, assigning its gap-free number.
	PermIssueInvoice Permission = "issue-invoice"
	// PermRecordPayment records a payment against an issued invoice.
	PermRecordPayment Permission = "record-payment"
	// PermVoidInvoice voids an issued invoice.
	PermVoidInvoice Permission = "void-invoice"
	// PermCreditNote issues a credit note correcting an issued invoice.
	PermCreditNote Permission = "credit-note"
	// PermRunSchedules sets up and stops recurring invoice schedules and
	// runs those due (which issues the invoices they make).
	PermRunSchedules Permission = "run-schedules"
	// PermRemind lists the invoices due for a payment reminder and makes
	// reminders (PDF or e-mail).
	PermRemind Permission = "remind"
	// PermManageCatalogue adds, edits, removes, imports and exports the
	// catalogue's items (everyone who drafts invoices picks from it).
	PermManageCatalogue Permission = "manage-catalogue"
	// PermViewClients lists and opens clients.
	PermViewClients Permission = "view-clients"
	// PermManageClients adds, edits and removes clients.
	PermManageClients Permission = "manage-clients"
	// PermExportPDF renders invoices to PDF files outside the vault.
	PermExportPDF Permission = "export-pdf"
	// PermExportCSV writes invoices to a CSV file outside the vault.
	PermExportCSV Permission = "export-csv"
	// PermImport imports invoices and clients from JSON or CSV.
	PermImport Permission = "import"
	// PermRunBackup writes a backup now or changes the backup schedule.
	PermRunBackup Permission = "run-backup"
	// PermVerifyBackups lists backups and verifies that they restore; it
	// changes nothing.
	PermVerifyBackups Permission = "verify-backups"
	// PermRestore restores the books from a backup, replacing the vault.
	PermRestore Permission = "restore"
	// PermViewUsers lists the accounts and their roles (never passwords).
	PermViewUsers Permission = "view-users"
	// PermManageUsers adds, disables and removes users and starts password
	// resets.
	PermManageUsers Permission = "manage-users"
	// PermViewPolicy shows the password policy. Everyone may read the rules
	// they must follow.
	PermViewPolicy Permission = "view-policy"
	// PermManagePolicy changes the password policy, the idle lock and whether
	// the sensitive-data scanner blocks.
	PermManagePolicy Permission = "manage-policy"
	// PermEditSettings edits the business profile, numbering pattern, tax
	// rates, backup folder and other settings of the vault.
	PermEditSettings Permission = "edit-settings"
	// PermViewAuditLog reads the audit chain.
	PermViewAuditLog Permission = "view-audit-log"
	// PermVerifyAudit verifies the audit chain on demand.
	PermVerifyAudit Permission = "verify-audit"
	// PermExportAudit writes the audit log to a CSV file outside the vault.
	PermExportAudit Permission = "export-audit"
	// PermViewAlerts reads the administrators' alert inbox.
	PermViewAlerts Permission = "view-alerts"
	// PermChangeOwnPassword changes the acting user's own password. Every role
	// has it, so a forced change or an expired password never strands anyone.
	PermChangeOwnPassword Permission = "change-own-password"
)

// allPermissions is the order used by Permissions and by `policy show`-style
// listings. It is never modified.
var allPermissions = [...]Permission{
	PermViewInvoices, PermCreateDraft, PermEditDraft, PermDeleteDraft,
	PermIssueInvoice, PermRecordPayment, PermVoidInvoice, PermCreditNote,
	PermRunSchedules, PermRemind, PermManageCatalogue,
	PermViewClients, PermManageClients,
	PermExportPDF, PermExportCSV, PermImport,
	PermRunBackup, PermVerifyBackups, PermRestore,
	PermViewUsers, PermManageUsers, PermViewPolicy, PermManagePolicy,
	PermEditSettings,
	PermViewAuditLog, PermVerifyAudit, PermExportAudit, PermViewAlerts,
	PermChangeOwnPassword,
}

// Permissions returns every permission, in a stable order. The caller owns the
// returned slice.
func Permissions() []Permission {
	return append([]Permission(nil), allPermissions[:]...)
}

// Description returns the permission as a plain verb phrase that completes
// "may …", for example "issue invoices". An unknown permission is returned
// quoted.
func (p Permission) Description() string {
	switch p {
	case PermViewInvoices:
		return "view invoices"
	case PermCreateDraft:
		return "create draft invoices"
	case PermEditDraft:
		return "edit draft invoices"
	case PermDeleteDraft:
		return "delete draft invoices"
	case PermIssueInvoice:
		return "issue invoices"
	case PermRecordPayment:
		return "record payments"
	case PermVoidInvoice:
		return "void invoices"
	case PermCreditNote:
		return "issue credit notes"
	case PermRunSchedules:
		return "set up and run recurring invoices"
	case PermRemind:
		return "send payment reminders"
	case PermManageCatalogue:
		return "manage the catalogue"
	case PermViewClients:
		return "view clients"
	case PermManageClients:
		return "manage clients"
	case PermExportPDF:
		return "export PDFs"
	case PermExportCSV:
		return "export CSV files"
	case PermImport:
		return "import invoices and clients"
	case PermRunBackup:
		return "run backups"
	case PermVerifyBackups:
		return "verify backups"
	case PermRestore:
		return "restore backups"
	case PermViewUsers:
		return "view users"
	case PermManageUsers:
		return "manage users"
	case PermViewPolicy:
		return "view the password policy"
	case PermManagePolicy:
		return "change the password policy"
	case PermEditSettings:
		return "edit settings"
	case PermViewAuditLog:
		return "view the audit log"
	case PermVerifyAudit:
		return "verify the audit log"
	case PermExportAudit:
		return "export the audit log"
	case PermViewAlerts:
		return "view alerts"
	case PermChangeOwnPassword:
		return "change their own password"
	}
	return fmt.Sprintf("%q", string(p))
}

// Valid reports whether p is one of the permissions of Permissions.
func (p Permission) Valid() bool {
	for _, q := range allPermissions {
		if p == q {
			return true
		}
	}
	return false
}

// Can reports whether a user with role r may do p:
//
//   - An administrator may do everything.
//   - A bookkeeper handles invoices (drafts, issue, void, credit notes,
//     recurring schedules, reminders), payments, clients, imports, PDF and CSV exports, and runs and verifies
//     backups. A bookkeeper may not restore, manage users or the policy, edit
//     settings (the business profile and the like are the administrator's),
//     see the user list, the alerts or the audit log.
//   - A clerk views invoices and clients, works on drafts and manages clients:
//     no issuing, payments, voids, credit notes, exports, imports or backups.
//   - An auditor reads invoices, clients and users, reads, verifies and exports
//     the audit log and verifies backups (which changes nothing). An auditor
//     changes nothing and exports no business data.
//
// Every role may view the password policy and change its own password. An
// unknown role or permission may do nothing.
func (r Role) Can(p Permission) bool {
	switch p {
	case PermChangeOwnPassword, PermViewPolicy:
		return r.Valid()
	}
	switch r {
	case RoleAdministrator:
		return p.Valid()
	case RoleBookkeeper:
		switch p {
		case PermViewInvoices, PermCreateDraft, PermEditDraft, PermDeleteDraft,
			PermIssueInvoice, PermRecordPayment, PermVoidInvoice, PermCreditNote,
			PermRunSchedules, PermRemind, PermManageCatalogue,
			PermViewClients, PermManageClients,
			PermExportPDF, PermExportCSV, PermImport,
			PermRunBackup, PermVerifyBackups:
			return true
		}
	case RoleClerk:
		switch p {
		case PermViewInvoices, PermCreateDraft, PermEditDraft, PermDeleteDraft,
			PermViewClients, PermManageClients:
			return true
		}
	case RoleAuditor:
		switch p {
		case PermViewInvoices, PermViewClients, PermViewUsers,
			PermViewAuditLog, PermVerifyAudit, PermExportAudit,
			PermVerifyBackups:
			return true
		}
	}
	return false
}

// ErrPermission is wrapped by every error that refuses an action because the
// acting user's role lacks the permission. Check it with errors.Is.
var ErrPermission = errors.New("permission denied")

// PermissionError says which role lacked which permission. It wraps
// ErrPermission.
type PermissionError struct {
	Role       Role
	Permission Permission
}

// Error reads as a sentence fragment such as "a clerk may not issue invoices".
func (e *PermissionError) Error() string {
	return e.Role.withArticle() + " may not " + e.Permission.Description()
}

// Unwrap returns ErrPermission.
func (e *PermissionError) Unwrap() error { return ErrPermission }

// Check returns nil if role r may do p, and otherwise a *PermissionError
// (wrapping ErrPermission) naming both in plain words.
func Check(r Role, p Permission) error {
	if r.Can(p) {
		return nil
	}
	return &PermissionError{Role: r, Permission: p}
}

// ErrUnknownRole is wrapped by ParseRole's error for a name that is not a role.
var ErrUnknownRole = errors.New("unknown role")

// allRoles is the order of Roles. It is never modified.
var allRoles = [...]Role{RoleAdministrator, RoleBookkeeper, RoleClerk, RoleAuditor}

// Roles returns the four roles, most powerful first. The caller owns the
// returned slice.
func Roles() []Role {
	return append([]Role(nil), allRoles[:]...)
}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool {
	for _, q := range allRoles {
		if r == q {
			return true
		}
	}
	return false
}

// ParseRole returns the role named s, ignoring case and surrounding spaces.
// Any other name gives an error wrapping ErrUnknownRole that lists the roles.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if r.Valid() {
		return r, nil
	}
	names := make([]string, len(allRoles))
	for i, q := range allRoles {
		names[i] = string(q)
	}
	return "", fmt.Errorf("%w %q: choose %s or %s", ErrUnknownRole, s,
		strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

// withArticle returns "an administrator", "a clerk", or `role "x"` for an
// unknown role.
func (r Role) withArticle() string {
	switch r {
	case RoleAdministrator, RoleAuditor:
		return "an " + string(r)
	case RoleBookkeeper, RoleClerk:
		return "a " + string(r)
	}
	return fmt.Sprintf("role %q", string(r))
}
