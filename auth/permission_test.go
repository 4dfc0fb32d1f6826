package auth

import (
	"errors"
	"strings"
	"testing"
)

// permissionMatrix is the expected matrix of roles and permissions (the
// roles of README.md), written out by hand: each row lists the initials of
// the roles allowed (A administrator, B bookkeeper, C clerk, U auditor). It
// is not derived from Role.Can.
var permissionMatrix = []struct {
	perm  Permission
	roles string
}{
	{PermViewInvoices, "ABCU"},
	{PermCreateDraft, "ABC"},
	{PermEditDraft, "ABC"},
	{PermDeleteDraft, "ABC"},
	{PermIssueInvoice, "AB"},
	{PermRecordPayment, "AB"},
	{PermVoidInvoice, "AB"},
	{PermCreditNote, "AB"},
	{PermRunSchedules, "AB"},
	{PermRemind, "AB"},
	{PermManageCatalogue, "AB"},
	{PermViewClients, "ABCU"},
	{PermManageClients, "ABC"},
	{PermExportPDF, "AB"},
	{PermExportCSV, "AB"},
	{PermImport, "AB"},
	{PermRunBackup, "AB"},
	{PermVerifyBackups, "ABU"},
	{PermRestore, "A"},
	{PermViewUsers, "AU"},
	{PermManageUsers, "A"},
	{PermViewPolicy, "ABCU"},
	{PermManagePolicy, "A"},
	{PermEditSettings, "A"},
	{PermViewAuditLog, "AU"},
	{PermVerifyAudit, "AU"},
	{PermExportAudit, "AU"},
	{PermViewAlerts, "A"},
	{PermChangeOwnPassword, "ABCU"},
}

var roleInitial = map[Role]string{
	RoleAdministrator: "A",
	RoleBookkeeper:    "B",
	RoleClerk:         "C",
	RoleAuditor:       "U",
}

func TestRoleCanMatrix(t *testing.T) {
	for _, row := range permissionMatrix {
		for _, r := range Roles() {
			want := strings.Contains(row.roles, roleInitial[r])
			if got := r.Can(row.perm); got != want {
				t.Errorf("%s.Can(%s) = %v, want %v", r, row.perm, got, want)
			}
			err := Check(r, row.perm)
			if want && err != nil {
				t.Errorf("Check(%s, %s) = %v, want nil", r, row.perm, err)
			}
			if !want && !errors.Is(err, ErrPermission) {
				t.Errorf("Check(%s, %s) = %v, want ErrPermission", r, row.perm, err)
			}
		}
	}
}

func TestMatrixCoversEveryPermission(t *testing.T) {
	all := Permissions()
	if len(all) != len(permissionMatrix) {
		t.Fatalf("Permissions() has %d entries, the test matrix %d", len(all), len(permissionMatrix))
	}
	seen := map[Permission]bool{}
	for i, p := range all {
		if seen[p] {
			t.Errorf("%s listed twice", p)
		}
		seen[p] = true
		if permissionMatrix[i].perm != p {
			t.Errorf("Permissions()[%d] = %s, matrix row %s", i, p, permissionMatrix[i].perm)
		}
		if !p.Valid() {
			t.Errorf("%s not Valid", p)
		}
		if d := p.Description(); strings.Contains(d, `"`) || d == "" {
			t.Errorf("%s has no description: %q", p, d)
		}
	}
}

func TestUnknownRoleOrPermission(t *testing.T) {
	for _, r := range []Role{"", "root", "Administrator"} {
		for _, p := range Permissions() {
			if r.Can(p) {
				t.Errorf("unknown role %q may %s", r, p)
			}
		}
	}
	for _, r := range Roles() {
		if r.Can("delete-everything") || r.Can("") {
			t.Errorf("%s may do an unknown permission", r)
		}
	}
}

func TestCheckMessage(t *testing.T) {
	tests := []struct {
		role Role
		perm Permission
		want string
	}{
		{RoleClerk, PermIssueInvoice, "a clerk may not issue invoices"},
		{RoleAuditor, PermEditDraft, "an auditor may not edit draft invoices"},
		{RoleBookkeeper, PermRestore, "a bookkeeper may not restore backups"},
		{RoleClerk, PermExportPDF, "a clerk may not export PDFs"},
		{"root", PermViewInvoices, `role "root" may not view invoices`},
		{RoleClerk, "fly", `a clerk may not "fly"`},
	}
	for _, tt := range tests {
		err := Check(tt.role, tt.perm)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Check(%q, %q) = %v, want %q", tt.role, tt.perm, err, tt.want)
			continue
		}
		var pe *PermissionError
		if !errors.As(err, &pe) || pe.Role != tt.role || pe.Permission != tt.perm {
			t.Errorf("Check(%q, %q): not a matching *PermissionError: %#v", tt.role, tt.perm, err)
		}
	}
}

func TestParseRole(t *testing.T) {
	for in, want := range map[string]Role{
		"administrator": RoleAdministrator,
		" Bookkeeper ":  RoleBookkeeper,
		"CLERK":         RoleClerk,
		"auditor":       RoleAuditor,
	} {
		got, err := ParseRole(in)
		if err != nil || got != want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "admin", "owner", "clerks"} {
		got, err := ParseRole(in)
		if !errors.Is(err, ErrUnknownRole) || got != "" {
			t.Errorf("ParseRole(%q) = %q, %v; want ErrUnknownRole", in, got, err)
			continue
		}
		if !strings.Contains(err.Error(), "administrator, bookkeeper, clerk or auditor") {
			t.Errorf("ParseRole(%q) error does not list the roles: %v", in, err)
		}
	}
}

func TestRolesIsACopy(t *testing.T) {
	r := Roles()
	r[0] = "root"
	if Roles()[0] != RoleAdministrator {
		t.Fatal("Roles() exposes shared state")
	}
	p := Permissions()
	p[0] = "x"
	if Permissions()[0] != PermViewInvoices {
		t.Fatal("Permissions() exposes shared state")
	}
}
