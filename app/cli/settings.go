package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"safeinvoice/app"
)

func runSettings(c *ctx, args []string) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "set") {
		return usagef("settings: expected show or set KEY VALUE")
	}
	fs := c.flags("settings " + args[0])
	maxArgs := 0
	if args[0] == "set" {
		maxArgs = 2
	}
	if err := c.parse(fs, args[1:], maxArgs); err != nil {
		return err
	}
	if args[0] == "set" {
		if fs.NArg() != 2 {
			return usagef("settings set: expected KEY VALUE")
		}
		return c.withSession(func(s *app.Session) error {
			if err := s.SetSetting(fs.Arg(0), fs.Arg(1)); err != nil {
				return err
			}
			st, err := s.Settings()
			if err != nil {
				return err
			}
			v, err := app.Setting(st, fs.Arg(0))
			if err != nil {
				return err
			}
			fmt.Fprintf(c.env.Stdout, "Set %s to %s.\n", fs.Arg(0), oneLineValue(v))
			return nil
		})
	}
	return c.withSession(func(s *app.Session) error {
		st, err := s.Settings()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(c.env.Stdout, 0, 0, 2, ' ', 0)
		for _, k := range app.SettingKeys() {
			v, err := app.Setting(st, k.Key)
			if err != nil {
				return err
			}
			if v == "" {
				v = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", k.Key, oneLineValue(v), k.Description)
		}
		return tw.Flush()
	})
}

// oneLineValue shows a multi-line value on one line.
func oneLineValue(v string) string { return strings.ReplaceAll(v, "\n", `\n`) }
