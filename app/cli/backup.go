package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"safeinvoice/app"
)

// stringList is a flag that may be repeated.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

func runBackup(c *ctx, args []string) error {
	fs := c.flags("backup")
	to := fs.String("to", "", "write the backup to `folder` (default: the backup folder; the first one used becomes it)")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	s, err := c.session()
	if err != nil {
		return err
	}
	work, stop := c.longWork("Backing up", byteSize)
	defer stop()
	info, berr := s.BackupNow(work.ctx, *to, work.progress)
	work.end()
	if err := s.Close(); err != nil {
		return errors.Join(berr, err)
	}
	if errors.Is(berr, app.ErrNoBackupFolder) {
		return usagef("backup: no backup folder is set: use --to FOLDER")
	}
	if berr != nil {
		return berr
	}
	m := info.Manifest
	kind := "Full"
	if m.Kind == app.BackupIncremental {
		kind = "Incremental"
	}
	fmt.Fprintf(c.env.Stdout, "%s backup written: %d records, %s of data, audit entry %d.\n", kind, m.Records(), byteSize(m.StreamSize), m.Audit.Seq)
	fmt.Fprintln(c.env.Stdout, info.Path)
	return nil
}

func runBackupVerify(c *ctx, args []string) error {
	fs := c.flags("backup-verify")
	from := fs.String("from", "", "verify the backups in `folder` (default: the backup folder)")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	s, err := c.session()
	if err != nil {
		return err
	}
	work, stop := c.longWork("Verifying", byteSize)
	defer stop()
	rep, verr := s.VerifyBackups(work.ctx, *from, work.progress)
	work.end()
	if err := s.Close(); err != nil {
		return errors.Join(verr, err)
	}
	if errors.Is(verr, app.ErrNoBackupFolder) {
		return usagef("backup-verify: no backup folder is set: use --from FOLDER")
	}
	if verr != nil {
		return verr
	}
	printReport(c, rep)
	if n := rep.Problems(); n > 0 {
		return fmt.Errorf("%d problems in %s: do not rely on the backups marked BAD", n, rep.Dir)
	}
	if len(rep.Results) == 0 {
		return fmt.Errorf("%s: %w", rep.Dir, app.ErrNoBackup)
	}
	return nil
}

func printReport(c *ctx, rep app.BackupReport) {
	w := c.env.Stdout
	type line struct{ name, text string }
	var lines []line
	for _, r := range rep.Results {
		if r.Err != nil {
			lines = append(lines, line{r.Name, "BAD  " + r.Name + ": " + singleLine(r.Err.Error())})
			continue
		}
		m := r.Manifest
		kind := "full"
		if m.Kind == app.BackupIncremental {
			kind = "incremental"
		}
		lines = append(lines, line{r.Name, fmt.Sprintf("ok   %s: %s, %s, %d records, restored and checked", r.Name, kind,
			m.Created.UTC().Format("2006-01-02 15:04 UTC"), m.Records())})
	}
	for _, ig := range rep.Ignored {
		tag := "skip "
		if ig.Bad {
			tag = "BAD  "
		}
		lines = append(lines, line{ig.Name, tag + ig.Name + ": " + ig.Reason})
	}
	slices.SortFunc(lines, func(a, b line) int { return strings.Compare(a.name, b.name) })
	for _, l := range lines {
		fmt.Fprintln(w, l.text)
	}
}

// restorePlain writes the books of a backup as a plain data folder.
func restorePlain(c *ctx, from string, key []byte, dir string) error {
	work, stop := c.longWork("Restoring", byteSize)
	defer stop()
	res, err := app.RestorePlain(work.ctx, app.PlainRestoreParams{From: from, Key: key, Target: dir, Progress: work.progress})
	work.end()
	if err != nil {
		return err
	}
	w := c.env.Stdout
	fmt.Fprintf(w, "Wrote the books of the backup of %s (%d records, from %d files) as a plain data folder in %s.\n",
		res.Created.UTC().Format(time.RFC3339), res.Records, res.Files, res.Dir)
	fmt.Fprintln(w, "It is not a SafeInvoice data folder: no accounts, no keys, and SafeInvoice cannot open it. Its database is not encrypted; README.txt in it says how to read it. Keep it as safe as the books, and delete it when done.")
	if res.AsRecipient {
		fmt.Fprintln(w, "This key is one of the backup's extra recipients: the data matches its manifests, but only the recovery key can prove the manifests are the books' own.")
	}
	return nil
}

func runRestore(c *ctx, args []string) error {
	fs := c.flags("restore")
	from := fs.String("from", "", "the backup `file` to restore, or a folder (its newest backup)")
	keyPath := fs.String("recovery-key", "", "the recovery key `file`")
	replace := fs.Bool("replace", false, "replace the data directory's books; the current ones are kept beside it")
	plain := fs.String("plain", "", "write the books' data as a plain, unencrypted data `folder` (not a vault), with an extra recipient's key or the recovery key")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	if *from == "" || *keyPath == "" {
		return usagef("restore: --from FILE|FOLDER and --recovery-key FILE are required")
	}
	if *plain != "" && *replace {
		return usagef("restore: --plain writes a new folder; --replace is for the data directory")
	}
	key, err := os.ReadFile(*keyPath)
	if err != nil {
		return fmt.Errorf("recovery key: %w", err)
	}
	defer clear(key)
	if *plain != "" {
		return restorePlain(c, *from, key, *plain)
	}
	cfg, err := c.config()
	if err != nil {
		return err
	}
	work, stop := c.longWork("Restoring", byteSize)
	defer stop()
	res, err := app.Restore(work.ctx, cfg, app.RestoreParams{From: *from, RecoveryKey: key, Replace: *replace, Progress: work.progress})
	work.end()
	if err != nil {
		return err
	}
	w := c.env.Stdout
	fmt.Fprintf(w, "Restored the backup of %s (%d records, from %d files) into %s.\n",
		res.Created.UTC().Format(time.RFC3339), res.Records, res.Files, res.DataDir)
	if res.Previous != "" {
		fmt.Fprintf(w, "The previous data directory is kept at %s; delete it once you are satisfied.\n", res.Previous)
	}
	fmt.Fprintln(w, "Every user logs in with the password they had when the backup was made.")
	return nil
}

func runBackupSettings(c *ctx, args []string) error {
	fs := c.flags("backup-settings")
	folder := fs.String("folder", "", "set the backup `folder` (it must exist)")
	schedule := fs.String("schedule", "", "when backups run by themselves: manual, on-close, hourly or daily")
	var add, remove stringList
	fs.Var(&add, "add-recipient", "also encrypt backups to this age public `key` (age1…); may repeat")
	fs.Var(&remove, "remove-recipient", "stop encrypting backups to this age public `key`; may repeat")
	last := fs.Int("keep-last", -1, "retention: keep the `n` newest backups")
	daily := fs.Int("keep-daily", -1, "retention: keep one backup for each of the last `n` days")
	weekly := fs.Int("keep-weekly", -1, "retention: keep one backup for each of the last `n` weeks")
	monthly := fs.Int("keep-monthly", -1, "retention: keep one backup for each of the last `n` months")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	// -1 is the flags' "unchanged"; given on the command line, a negative
	// count is a mistake.
	var bad error
	fs.Visit(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, "keep-") && strings.HasPrefix(f.Value.String(), "-") && bad == nil {
			bad = usagef("backup-settings: --%s takes a count of 0 or more, not %s", f.Name, f.Value)
		}
	})
	if bad != nil {
		return bad
	}
	s, err := c.session()
	if err != nil {
		return err
	}
	defer s.Close()
	bs, err := s.BackupSettings()
	if err != nil {
		return err
	}
	changed := false
	set := func(dst *int, v int) {
		if v >= 0 {
			*dst, changed = v, true
		}
	}
	if *folder != "" {
		bs.Dir, changed = *folder, true
	}
	if *schedule != "" {
		bs.Schedule, changed = app.BackupSchedule(*schedule), true
	}
	for _, r := range add {
		canon, err := app.ParseBackupRecipient(r)
		if err != nil {
			return err
		}
		if !slices.Contains(bs.Recipients, canon) {
			bs.Recipients = append(bs.Recipients, canon)
		}
		changed = true
	}
	for _, r := range remove {
		i := slices.Index(bs.Recipients, strings.TrimSpace(r))
		if i < 0 {
			return fmt.Errorf("backup-settings: %s is not a recipient", r)
		}
		bs.Recipients = slices.Delete(bs.Recipients, i, i+1)
		changed = true
	}
	set(&bs.Retention.Last, *last)
	set(&bs.Retention.Daily, *daily)
	set(&bs.Retention.Weekly, *weekly)
	set(&bs.Retention.Monthly, *monthly)
	if changed {
		if err := s.SetBackupSettings(bs); err != nil {
			return err
		}
		if bs, err = s.BackupSettings(); err != nil {
			return err
		}
	}
	w := c.env.Stdout
	dir := bs.Dir
	if dir == "" {
		dir = "(none: set one with --folder, or back up with backup --to FOLDER)"
	}
	fmt.Fprintf(w, "folder: %s\nschedule: %s\n", dir, bs.Schedule)
	p := bs.Retention
	fmt.Fprintf(w, "keep: last %d, daily %d, weekly %d, monthly %d\n", p.Last, p.Daily, p.Weekly, p.Monthly)
	fmt.Fprintln(w, "recipients: the recovery key")
	for _, r := range bs.Recipients {
		fmt.Fprintf(w, "recipient: %s\n", r)
	}
	if st, err := s.BackupState(); err == nil && !st.LastFailure.IsZero() && st.LastFailure.After(st.LastSuccess) {
		fmt.Fprintf(w, "last attempt failed %s: %s\n", st.LastFailure.Format(time.RFC3339), st.LastError)
	}
	return s.Close()
}

func runBackupPrune(c *ctx, args []string) error {
	fs := c.flags("backup-prune")
	from := fs.String("from", "", "prune the backups in `folder` (default: the backup folder)")
	dry := fs.Bool("dry-run", false, "only say what would be removed")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	s, err := c.session()
	if err != nil {
		return err
	}
	res, perr := s.PruneBackups(*from, *dry)
	if err := s.Close(); err != nil {
		return errors.Join(perr, err)
	}
	if errors.Is(perr, app.ErrNoBackupFolder) {
		return usagef("backup-prune: no backup folder is set: use --from FOLDER")
	}
	verb := "removed"
	if *dry {
		verb = "would remove"
	}
	for _, n := range res.Removed {
		fmt.Fprintf(c.env.Stdout, "%s %s\n", verb, n)
	}
	for _, n := range res.Pinned {
		fmt.Fprintf(c.env.Stdout, "kept %s: it holds books newer than these (they were put back from an older copy)\n", n)
	}
	fmt.Fprintf(c.env.Stdout, "%d backups kept.\n", len(res.Kept))
	return perr
}

func singleLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
