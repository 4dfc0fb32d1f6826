package cli

import (
	"errors"
	"flag"
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
// parseExport parses an export's flags and the numbers among them: flags
// may come before or after the numbers, and after "--" everything is a
// number. The folder *out must be given and exist.
func (c *ctx) parseExport(fs *flag.FlagSet, name string, args []string, out *string) ([]string, error) {
	var numbers []string
	rest, tail := args, []string(nil)
	if i := slices.Index(args, "--"); i >= 0 {
		rest, tail = args[:i], args[i+1:]
	}
	for {
		if err := c.parse(fs, rest, math.MaxInt); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		numbers = append(numbers, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	numbers = append(numbers, tail...)
	if *out == "" {
		return nil, usagef("%s: --out DIR is required", name)
	}
	if st, err := os.Stat(*out); err != nil {
		return nil, fmt.Errorf("export folder: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("export folder %s: not a folder", *out)
	}
	return numbers, nil
}

func runExportPDF(c *ctx, args []string) error {
	fs := c.flags("export-pdf")
	out := fs.String("out", "", "write the PDFs into `folder` (existing files are never replaced)")
	numbers, err := c.parseExport(fs, "export-pdf", args, out)
	if err != nil {
		return err
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
