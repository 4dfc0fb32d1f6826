package cli

import (
	"errors"
	"fmt"

	"safeinvoice/app"
)

func runDemoData(c *ctx, args []string) error {
	fs := c.flags("demo-data")
	invoices := fs.Int("invoices", 1000, "how many `invoices` to make up")
	clients := fs.Int("clients", 50, "how many `clients` to make up")
	seed := fs.Uint64("seed", 1, "random `seed`, for reproducible data")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	s, err := c.session()
	if err != nil {
		return err
	}
	opts := app.DemoOptions{Clients: *clients, Invoices: *invoices, Seed: *seed}
	line := terminalLine(c.env.Stderr, "Making up invoices", count)
	if line != nil {
		opts.Progress = func(done, total int) { line.report(int64(done), int64(total)) }
	}
	n, gerr := s.GenerateDemo(opts)
	if line != nil {
		line.end()
	}
	if err := s.Close(); err != nil {
		return errors.Join(gerr, err)
	}
	if gerr != nil {
		return gerr
	}
	fmt.Fprintf(c.env.Stdout, "Made up %d invoices for %d clients.\n", n, *clients)
	return nil
}
