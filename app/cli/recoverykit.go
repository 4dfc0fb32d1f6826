package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"safeinvoice/internal/fsutil"
)

// runRecoveryKit is `recovery-kit --out FILE.pdf [--key-out FILE.txt]`:
// the recovery kit PDF and, if asked, the recovery key as an age identity
// file, both of mode 0600 and never over an existing file. Administrators
// only.
func runRecoveryKit(c *ctx, args []string) error {
	fl := c.flags("recovery-kit")
	out := fl.String("out", "", "write the recovery kit PDF to `file` (an existing file is not replaced)")
	keyOut := fl.String("key-out", "", "also write the recovery key as an age identity `file`")
	if err := c.parse(fl, args, 0); err != nil {
		return err
	}
	if *out == "" {
		return usagef("recovery-kit: --out FILE.pdf is required")
	}
	if *keyOut != "" && filepath.Clean(*keyOut) == filepath.Clean(*out) {
		return usagef("recovery-kit: --out and --key-out name the same file")
	}
	// Refuse before logging in and before writing anything.
	for _, p := range []string{*out, *keyOut} {
		if p == "" {
			continue
		}
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("%s: %w", p, fsutil.ErrExists)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	s, err := c.session()
	if err != nil {
		return err
	}
	kit, err := s.RecoveryKitPDF()
	var key []byte
	if err == nil && *keyOut != "" {
		key, err = s.RecoveryKeyFile()
	}
	if cerr := s.Close(); err != nil || cerr != nil {
		return errors.Join(err, cerr)
	}
	if err := fsutil.WriteBytes(*out, kit, 0o600, true); err != nil {
		return fmt.Errorf("write recovery kit: %w", err)
	}
	w := c.env.Stdout
	fmt.Fprintf(w, "Recovery kit written to %s.\n", *out)
	if *keyOut != "" {
		if err := fsutil.WriteBytes(*keyOut, key, 0o600, true); err != nil {
			return fmt.Errorf("write recovery key: %w", err)
		}
		fmt.Fprintf(w, "Recovery key written to %s.\n", *keyOut)
	}
	fmt.Fprintln(w, "Print the kit and keep it offline, apart from the backups; then delete the file:")
	fmt.Fprintln(w, "anyone who has it can read every backup.")
	return nil
}
