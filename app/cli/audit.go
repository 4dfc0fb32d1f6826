package cli

import (
	"errors"
	"fmt"
)

func runAudit(c *ctx, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return usagef("audit: expected a subcommand: audit verify")
	}
	fs := c.flags("audit verify")
	if err := c.parse(fs, args[1:], 0); err != nil {
		return err
	}
	s, err := c.session()
	if err != nil {
		return err
	}
	rep, verr := s.VerifyAudit()
	if err := s.Close(); err != nil {
		return errors.Join(verr, err)
	}
	if verr != nil {
		return verr
	}
	fmt.Fprintf(c.env.Stdout, "Audit chain intact: %d entries, last entry %d (%.16s…).\n", rep.Entries, rep.Head.Seq, rep.Head.Hash)
	return nil
}
