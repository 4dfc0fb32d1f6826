package backup

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
)

func TestRecoveryKeyFileRoundTripAndDecrypts(t *testing.T) {
	k, err := NewRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(k.Identity, "AGE-SECRET-KEY-1") || !strings.HasPrefix(k.Recipient, "age1") {
		t.Fatalf("unexpected key shapes %q %q", k.Identity[:16], k.Recipient)
	}
	file := k.KeyFile("v123", "Acme\nGmbH", time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
	if bytes.Count(file, []byte(k.Identity)) != 1 || !bytes.Contains(file, []byte("# business: Acme GmbH\n")) {
		t.Fatalf("key file:\n%s", file)
	}
	got, err := ParseKeyFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got != k {
		t.Fatalf("parsed %+v, want %+v", got, k)
	}
	// The file is a valid age identity file: age itself decrypts with it.
	ids, err := age.ParseIdentities(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	rcpt, err := age.ParseX25519Recipient(k.Recipient)
	if err != nil {
		t.Fatal(err)
	}
	var ct bytes.Buffer
	w, err := age.Encrypt(&ct, rcpt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, "books"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := age.Decrypt(&ct, ids...)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(r)
	if err != nil || string(plain) != "books" {
		t.Fatalf("decrypted %q, %v", plain, err)
	}
}

func TestParseKeyFileRejects(t *testing.T) {
	k, err := NewRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{
		"empty":        "",
		"only comment": "# nothing\n",
		"two keys":     k.Identity + "\n" + k.Identity + "\n",
		"public key":   k.Recipient + "\n",
		"garbage":      "AGE-SECRET-KEY-1NOTAKEY\n",
		"one typo":     typo(k.Identity) + "\n",
		"lower case":   strings.ToLower(typo(k.Identity)) + "\n",
	} {
		_, err := ParseKeyFile([]byte(data))
		if !errors.Is(err, ErrBadRecoveryKey) {
			t.Errorf("%s: got %v, want ErrBadRecoveryKey", name, err)
			continue
		}
		// No part of a secret key, even a mistyped one, in the message.
		secret := strings.ToUpper(strings.TrimPrefix(k.Identity, "AGE-SECRET-KEY-1"))
		for i := 0; i+8 <= len(secret); i++ {
			if strings.Contains(strings.ToUpper(err.Error()), secret[i:i+8]) {
				t.Errorf("%s: the error %q quotes the key", name, err)
				break
			}
		}
	}
}

// typo changes one character in the middle of a key.
func typo(key string) string {
	b := []byte(key)
	i := len(b) / 2
	if b[i] == 'Q' {
		b[i] = 'P'
	} else {
		b[i] = 'Q'
	}
	return string(b)
}
