package cli

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// runCheck reads and checks every record of the books, as `restic check`
// does a repository, and prints what it read and every problem it found.
func runCheck(c *ctx, args []string) error {
	fs := c.flags("check")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	s, err := c.session()
	if err != nil {
		return err
	}
	work, stop := c.longWork("Checking", count)
	defer stop()
	res, cerr := s.CheckBooks(work.ctx, work.progress)
	work.end()
	if err := s.Close(); err != nil {
		return errors.Join(cerr, err)
	}
	if cerr != nil {
		return cerr
	}
	var parts []string
	for _, kind := range slices.Sorted(maps.Keys(res.Records)) {
		parts = append(parts, fmt.Sprintf("%s %d", kind, res.Records[kind]))
	}
	fmt.Fprintf(c.env.Stdout, "Read %s; audit trail %d entries.\n", strings.Join(parts, ", "), res.AuditEntries)
	if res.OK() {
		fmt.Fprintln(c.env.Stdout, "No problems found.")
		return nil
	}
	for _, p := range res.Problems {
		if h, ok := res.HeldBy[p.Record]; ok {
			fmt.Fprintf(c.env.Stdout, "DAMAGED  %s (intact in the backup of %s, %s)\n", p, h.At, h.Path)
		} else {
			fmt.Fprintf(c.env.Stdout, "DAMAGED  %s\n", p)
		}
	}
	if res.RestoreFrom != "" {
		return fmt.Errorf("%d problems in the books: restore them from the backup of %s (safeinvoice restore --from %s)", len(res.Problems), res.RestoreFromAt, res.RestoreFrom)
	}
	return fmt.Errorf("%d problems in the books, and no verified backup to restore them from", len(res.Problems))
}
