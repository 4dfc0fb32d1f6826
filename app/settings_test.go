package app

import (
	"errors"
	"strings"
	"testing"

	"safeinvoice/auth"
	"safeinvoice/invoice"
)

func TestSaveSettingsValidatesAndKeepsBackupSettings(t *testing.T) {
	s := initVault(t, testConfig(t))
	cur, err := s.Settings()
	if err != nil {
		t.Fatal(err)
	}
	cur.BackupDir = "/media/usb"
	if err := s.SaveSettings(cur); err != nil {
		t.Fatal(err)
	}
	next := cur
	next.BackupDir = ""
	next.BusinessName = "Acme Tools GmbH"
	next.Currency = "chf"
	next.NumberPattern = "AT-{YY}{MM}-{SEQ:5}"
	if err := s.SaveSettings(next); err != nil {
		t.Fatal(err)
	}
	got, err := s.Settings()
	if err != nil {
		t.Fatal(err)
	}
	// The backup folder belongs to the backup settings (SetBackupSettings),
	// whatever SaveSettings is given.
	if got.Currency != "CHF" || got.NumberPattern != "AT-{YY}{MM}-{SEQ:5}" || got.BackupDir != "" {
		t.Errorf("settings %+v", got)
	}
	bad := []struct {
		name string
		edit func(*Settings)
		want error
	}{
		{"no name", func(x *Settings) { x.BusinessName = " " }, invoice.ErrRequired},
		{"currency", func(x *Settings) { x.Currency = "EUX" }, invoice.ErrCurrency},
		{"pattern", func(x *Settings) { x.NumberPattern = "INV-{YYYY}" }, invoice.ErrPattern},
		{"logo", func(x *Settings) { x.Logo = []byte("GIF89a") }, nil},
		{"tax rate", func(x *Settings) { x.DefaultTaxRate = "19,5" }, nil},
		{"tax rate over 100", func(x *Settings) { x.DefaultTaxRate = "150" }, nil},
		{"paper", func(x *Settings) { x.PDFPaper = "a5" }, nil},
		{"number format", func(x *Settings) { x.PDFLocale = "de_DE.UTF-8" }, nil},
		{"note too long", func(x *Settings) { x.PDFNote = strings.Repeat("x", 2001) }, nil},
	}
	for _, b := range bad {
		x := got
		b.edit(&x)
		err := s.SaveSettings(x)
		if err == nil || (b.want != nil && !errors.Is(err, b.want)) {
			t.Errorf("%s: %v", b.name, err)
		}
	}
	entries, err := s.AuditLog(AuditFilter{Action: "settings."})
	if err != nil || len(entries) != 2 || entries[0].Seq < entries[1].Seq {
		t.Errorf("audit log: %+v %v", entries, err)
	}
	addUser(t, s, "clerk", auth.RoleClerk, "Sturdy-Horse-Lamp-clerk")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := Login(s.cfg, "clerk", "Sturdy-Horse-Lamp-clerk")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SaveSettings(got); !errors.Is(err, auth.ErrPermission) {
		t.Errorf("clerk: %v", err)
	}
	if _, err := c.AuditLog(AuditFilter{}); !errors.Is(err, auth.ErrPermission) || !strings.Contains(err.Error(), "clerk") {
		t.Errorf("clerk audit log: %v", err)
	}
}

func TestExportAuditCSVIsSafeAndAudited(t *testing.T) {
	s := initVault(t, testConfig(t))
	mustClient(t, s, "=cmd|' /C calc'!A0", "x@example.com")
	var b strings.Builder
	n, err := s.ExportAuditCSV(&b, AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if n < 3 || strings.Contains(b.String(), "\n=") || !strings.Contains(b.String(), "client.create") {
		t.Errorf("%d entries:\n%s", n, b.String())
	}
	last, err := s.AuditLog(AuditFilter{Limit: 1})
	if err != nil || len(last) != 1 || last[0].Action != "export.audit" {
		t.Errorf("the export is not in the trail: %+v %v", last, err)
	}
}
