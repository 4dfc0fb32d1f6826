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
	n, gerr := s.GenerateDemo(app.DemoOptions{Clients: *clients, Invoices: *invoices, Seed: *seed,
		Progress: func(done, total int) { fmt.Fprintf(c.env.Stderr, "\r%d of %d invoices", done, total) }})
	if *invoices > 0 {
		fmt.Fprintln(c.env.Stderr)
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
