package cli

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
)

// runExportPDF is `export-pdf --out DIR [NUMBER...]`: every issued invoice
// and credit note when no number is named. Standard output gets one path
// per line and nothing else, also for the files written before an error;
// a progress line goes to standard error when it is a terminal. Ctrl-C
// stops the export, leaving only complete files.
func runExportPDF(c *ctx, args []string) error {
	fs := c.flags("export-pdf")
	out := fs.String("out", "", "write the PDFs into `folder` (existing files are never replaced)")
	// Flags may come before or after the numbers; after "--" everything is
	// a number.
	var numbers []string
	rest, tail := args, []string(nil)
	if i := slices.Index(args, "--"); i >= 0 {
		rest, tail = args[:i], args[i+1:]
	}
	for {
		if err := c.parse(fs, rest, math.MaxInt); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		numbers = append(numbers, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	numbers = append(numbers, tail...)
	if *out == "" {
		return usagef("export-pdf: --out DIR is required")
	}
	if st, err := os.Stat(*out); err != nil {
		return fmt.Errorf("export folder: %w", err)
	} else if !st.IsDir() {
		return fmt.Errorf("export folder %s: not a folder", *out)
	}
	s, err := c.session()
	if err != nil {
		return err
	}
	work, stop := c.longWork("Exporting PDFs", count)
	defer stop()
	paths, xerr := s.ExportPDFs(work.ctx, *out, numbers, work.progress)
	work.end()
	for _, p := range paths {
		fmt.Fprintln(c.env.Stdout, p)
	}
	return errors.Join(xerr, s.Close())
}
