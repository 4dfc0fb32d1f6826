package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"safeinvoice/internal/smtptest"
	"safeinvoice/internal/testkit"
	"safeinvoice/storage"
)

const envMailNumbers = "SAFEINVOICE_MAIL_CHILD_NUMBERS"

// smtpBooks is a vault whose mail settings point at a real SMTP server in
// the test, over STARTTLS with the test's CA, and n issued invoices.
func smtpBooks(t *testing.T, n int) (Config, *smtptest.Server, []string) {
	t.Helper()
	ca := smtptest.NewCA(t)
	cert := smtptest.Leaf(t, ca, "localhost")
	srv, port := smtptest.Start(t, smtptest.Options{Cert: &cert})
	cfg := testConfig(t)
	s := initVault(t, cfg)
	pw := smtptest.Password
	if err := s.SetMailSettings(MailSettings{Host: "localhost", Port: port, Security: "starttls", Username: smtptest.User,
		From: "billing@acme.example", CA: string(ca.PEM)}, &pw); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(context.Background(), bigImport(n), nil); err != nil {
		t.Fatal(err)
	}
	var numbers []string
	if err := s.vault.View(func(tx *storage.Tx) error {
		ids, err := issuedDocuments(tx, func(string) bool { return false })
		for _, id := range ids {
			inv, err := s.invoiceIn(tx, id)
			if err != nil {
				return err
			}
			numbers = append(numbers, inv.Number)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return cfg, srv, numbers
}

// received counts the messages the server took per invoice number (from
// the subject), and returns the attachments of each.
func received(t *testing.T, srv *smtptest.Server) (map[string]int, map[string][]byte) {
	t.Helper()
	counts, pdfs := map[string]int{}, map[string][]byte{}
	messages, _, _ := srv.Seen()
	for _, raw := range messages {
		p, err := smtptest.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		number := strings.Fields(p.Subject)[1] // "Invoice NUMBER from …"
		counts[number]++
		for _, data := range p.Files {
			pdfs[number] = data
		}
	}
	return counts, pdfs
}

func TestAnInvoiceSentOverSTARTTLSCarriesTheExportedPDF(t *testing.T) {
	cfg, srv, numbers := smtpBooks(t, 1)
	s := login(t, cfg)
	defer s.Close()
	results, err := s.SendInvoices(t.Context(), numbers, SendOptions{})
	if err != nil || results[0].Err != nil {
		t.Fatalf("send: %v %+v", err, results)
	}
	dir := t.TempDir()
	paths, err := s.ExportPDFs(t.Context(), dir, numbers, nil)
	if err != nil {
		t.Fatal(err)
	}
	exported, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	counts, pdfs := received(t, srv)
	if counts[numbers[0]] != 1 || !bytes.Equal(pdfs[numbers[0]], exported) {
		t.Errorf("received %v; the attachment is %d bytes, the exported PDF %d", counts, len(pdfs[numbers[0]]), len(exported))
	}
	if _, authed, before := srv.Seen(); len(authed) != 1 || before != 0 {
		t.Errorf("logins %v, AUTH before TLS %d", authed, before)
	}
}

func mailSenderChild() {
	cfg := Config{DataDir: os.Getenv(envImportData), AnchorDir: os.Getenv(envImportAnchors), WorkFactor: testkit.CheapWorkFactor}
	s, err := Login(cfg, adminName, adminPassword)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	fmt.Println(testkit.AckPrefix + "start")
	if _, err := s.SendInvoices(context.Background(), strings.Split(os.Getenv(envMailNumbers), ","), SendOptions{}); err != nil {
		fmt.Println("error", err)
		os.Exit(4)
	}
	fmt.Println(testkit.AckPrefix + "done")
}

// A batch send of 50 is killed halfway: every invoice the outbox marks
// sent reached the server exactly once, none reached it twice, and a
// second run sends the rest once while leaving those that may have gone
// to be asked about.
func TestKillDuringABatchSend(t *testing.T) {
	if testing.Short() || testkit.RaceEnabled {
		t.Skip("sends 50 messages in a child process (make crash runs it)")
	}
	cfg, srv, numbers := smtpBooks(t, 50)
	// A server that takes 20 ms a message: the batch lasts a second, so
	// the kill at 400 ms comes halfway however fast the machine is.
	srv.OnData(func(int) { time.Sleep(20 * time.Millisecond) })
	c := testkit.StartChild(t, "mail-sender", envImportData+"="+cfg.DataDir, envImportAnchors+"="+cfg.AnchorDir,
		envMailNumbers+"="+strings.Join(numbers, ","))
	rep := c.KillAfterAck(t, 400*time.Millisecond)
	if rep.Acks[len(rep.Acks)-1] == "done" {
		t.Fatal("the batch finished before the kill")
	}
	counts, _ := received(t, srv)
	if len(counts) == 0 || len(counts) >= 50 {
		t.Fatalf("%d invoices reached the server before the kill, want some but not all", len(counts))
	}
	s := login(t, cfg)
	defer s.Close()
	entries, err := s.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]string{}
	for _, e := range entries {
		state[e.Number] = e.State
	}
	for _, n := range numbers {
		switch got := counts[n]; {
		case got > 1:
			t.Errorf("%s reached the server %d times", n, got)
		case got == 1 && state[n] != storage.OutboxSent && state[n] != storage.OutboxSending:
			t.Errorf("%s reached the server but the outbox says %q", n, state[n])
		case state[n] == storage.OutboxSent && got != 1:
			t.Errorf("%s is marked sent but reached the server %d times", n, got)
		}
	}
	// The second run: the rest go once; those that may have gone are
	// refused until asked for.
	results, err := s.SendInvoices(t.Context(), numbers, SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	counts, _ = received(t, srv)
	for _, r := range results {
		was := state[r.Number]
		switch {
		case was == storage.OutboxSent || was == storage.OutboxSending:
			if !errors.Is(r.Err, ErrAlreadySent) {
				t.Errorf("%s (%s) was sent again: %v", r.Number, was, r.Err)
			}
		case r.Err != nil || counts[r.Number] != 1:
			t.Errorf("%s: %v, reached the server %d times", r.Number, r.Err, counts[r.Number])
		}
	}
	if n := slices.Max(mapsValues(counts)); n > 1 {
		t.Errorf("an invoice reached the server %d times", n)
	}
}

func mapsValues(m map[string]int) []int {
	out := []int{0}
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
