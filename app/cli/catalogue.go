package cli

import (
	"fmt"
	"text/tabwriter"

	"safeinvoice/app"
	"safeinvoice/invoice"
)

func runCatalogue(c *ctx, args []string) error {
	if len(args) == 0 {
		return usagef("catalogue: list, add, remove, import or export (see safeinvoice help)")
	}
	rest := args[1:]
	switch args[0] {
	case "list":
		fs := c.flags("catalogue list")
		if err := c.parse(fs, rest, 0); err != nil {
			return err
		}
		return c.withSession(func(s *app.Session) error {
			items, err := s.Items()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(c.env.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tDESCRIPTION\tUNIT_PRICE\tUNIT\tTAX_RATE\tTAX_CATEGORY")
			for _, it := range items {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", it.ID, oneLine(it.Description), it.UnitPrice, it.Unit, it.TaxRate, it.TaxCategory)
			}
			return tw.Flush()
		})
	case "add":
		fs := c.flags("catalogue add")
		desc := fs.String("description", "", "what the line says (required)")
		price := fs.String("price", "", "the unit `price`, a decimal in the books' currency (required)")
		unit := fs.String("unit", "", "the `unit`, a UN/ECE Rec. 20 code: HUR (hour), DAY, C62 (piece)…")
		rate := fs.String("tax-rate", "0", "the tax `rate` in percent")
		category := fs.String("tax-category", "", "the VAT `category` when the rate needs one (E, Z, AE…)")
		if err := c.parse(fs, rest, 0); err != nil {
			return err
		}
		if *desc == "" || *price == "" {
			return usagef("catalogue add: --description and --price are required")
		}
		return c.withSession(func(s *app.Session) error {
			it, err := s.SaveItem(invoice.Item{Description: *desc, UnitPrice: *price, Unit: *unit, TaxRate: *rate, TaxCategory: *category})
			if err != nil {
				return err
			}
			fmt.Fprintf(c.env.Stdout, "Added %s: %s at %s.\n", it.ID, oneLine(it.Description), it.UnitPrice)
			return nil
		})
	case "remove":
		fs := c.flags("catalogue remove")
		pos, err := c.parseArgs(fs, rest)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usagef("catalogue remove: one item ID is required (catalogue list shows them)")
		}
		return c.withSession(func(s *app.Session) error {
			if err := s.DeleteItem(pos[0]); err != nil {
				return err
			}
			fmt.Fprintf(c.env.Stdout, "Removed %s; invoices that used it keep their lines.\n", pos[0])
			return nil
		})
	case "import":
		fs := c.flags("catalogue import")
		pos, err := c.parseArgs(fs, rest)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usagef("catalogue import: the CSV file is required")
		}
		return c.withSession(func(s *app.Session) error {
			res, err := s.ImportCatalogue(pos[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(c.env.Stdout, "Imported the catalogue: %d added, %d updated.\n", res.Created, res.Updated)
			return nil
		})
	case "export":
		fs := c.flags("catalogue export")
		out := fs.String("out", "", "write to `file` (an existing file is not replaced)")
		if err := c.parse(fs, rest, 0); err != nil {
			return err
		}
		if *out == "" {
			return usagef("catalogue export: --out FILE is required")
		}
		return c.withSession(func(s *app.Session) error {
			n, err := s.ExportCatalogue(*out)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.env.Stdout, "Exported %d items to %s.\n", n, *out)
			return nil
		})
	}
	return usagef("catalogue: unknown subcommand %q (list, add, remove, import or export)", args[0])
}
