// Package app holds SafeInvoice's use cases. A Session is a logged-in user;
// its methods (CreateInvoice, IssueInvoice, BackupNow, AddUser and so on)
// check the user's role and write the audit entry. The window (app/ui) and
// the command line (app/cli) both go through it, and nothing else decides who
// may do what.
package app
