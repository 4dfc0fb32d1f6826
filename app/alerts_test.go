package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safeinvoice/backup"
	"safeinvoice/internal/testkit"
	"safeinvoice/storage"
)

func kinds(t *testing.T, s *Session) []string {
	t.Helper()
	as, err := s.Alerts(true)
	if err != nil {
		t.Fatal(err)
	}
	var k []string
	for _, a := range as {
		k = append(k, a.Kind+": "+a.Message)
	}
	return k
}

func hasAlert(list []string, kind, text string) bool {
	for _, a := range list {
		if strings.HasPrefix(a, kind+": ") && strings.Contains(a, text) {
			return true
		}
	}
	return false
}

func TestBackupAlerts(t *testing.T) {
	cfg, clk := clockConfig(t)
	s := initVault(t, cfg)
	folder := t.TempDir()
	rk, err := backup.NewRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	// An extra recipient can read every later backup: administrators hear of it.
	if err := s.SetBackupSettings(BackupSettings{Dir: folder, Recipients: []string{rk.Recipient}, Schedule: backup.Daily}); err != nil {
		t.Fatal(err)
	}
	if !hasAlert(kinds(t, s), AlertBackup, "extra backup recipient") {
		t.Errorf("no alert for a new recipient: %v", kinds(t, s))
	}
	if _, err := s.BackupNow(context.Background(), "", nil); err != nil {
		t.Fatal(err)
	}
	// The folder vanishes (a USB stick pulled): one alert, not one per retry.
	if err := os.RemoveAll(folder); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := s.BackupNow(context.Background(), "", nil); err == nil {
			t.Fatal("backup to a vanished folder succeeded")
		}
	}
	failed := 0
	for _, a := range kinds(t, s) {
		if strings.Contains(a, "a backup failed") {
			failed++
		}
	}
	if failed != 1 {
		t.Errorf("%d failure alerts for three failed attempts", failed)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Four days later the daily backup is overdue: the administrator's
	// login says so.
	clk.Advance(4 * 24 * time.Hour)
	s, err = Login(cfg, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !hasAlert(kinds(t, s), AlertBackup, "older than the daily schedule allows") {
		t.Errorf("no overdue alert: %v", kinds(t, s))
	}
}

func TestRestoreLeavesAnAlertInTheRestoredVault(t *testing.T) {
	f := newBackupFixture(t)
	if _, err := f.s.BackupNow(context.Background(), f.dir, nil); err != nil {
		t.Fatal(err)
	}
	target := Config{DataDir: filepath.Join(t.TempDir(), "restored"), WorkFactor: testkit.CheapWorkFactor, Now: f.cfg.Now, AnchorDir: f.cfg.AnchorDir}
	if _, err := Restore(context.Background(), target, RestoreParams{From: f.dir, RecoveryKey: f.key(t)}); err != nil {
		t.Fatal(err)
	}
	s, err := Login(target, adminName, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !hasAlert(kinds(t, s), AlertRestore, "restored from a backup") {
		t.Errorf("no restore alert: %v", kinds(t, s))
	}
}

// Damage met while reading is raised once per record, with what to do,
// and written in the trail; the error still reaches the caller.
func TestDamageIsAlertedOnce(t *testing.T) {
	s := initVault(t, testConfig(t))
	damage := fmt.Errorf("read client: %w", &storage.DamagedError{Record: "client/3fa2", Problem: "its integrity tag does not match"})
	for range 3 {
		if err := s.reportDamage(damage); !errors.Is(err, ErrDamaged) {
			t.Fatalf("reportDamage returned %v", err)
		}
	}
	var found []string
	for _, a := range kinds(t, s) {
		if strings.HasPrefix(a, AlertDamaged+": ") {
			found = append(found, a)
		}
	}
	if len(found) != 1 || !strings.Contains(found[0], "client/3fa2") || !strings.Contains(found[0], "Restore them from the newest backup") {
		t.Errorf("damage alerts %q, want one naming the record and what to do", found)
	}
	before := len(kinds(t, s))
	if e := lastAudit(t, s); e.Action != "vault.damaged" || e.Detail != "client/3fa2" {
		t.Errorf("last audit entry %+v", e)
	}
	if err := s.reportDamage(errors.New("disk full")); err == nil || len(kinds(t, s)) != before {
		t.Errorf("another error was reported as damage: %v", kinds(t, s))
	}
}
