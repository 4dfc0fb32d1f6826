package cli

import (
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"safeinvoice/app"
	"safeinvoice/auth"
)

// withSession logs in, runs fn and closes the session, joining the errors.
func (c *ctx) withSession(fn func(s *app.Session) error) error {
	s, err := c.session()
	if err != nil {
		return err
	}
	ferr := fn(s)
	return errors.Join(ferr, s.Close())
}

func runUser(c *ctx, args []string) error {
	if len(args) == 0 {
		return usagef("user: expected add, list, disable, enable, remove or reset-password")
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "add":
		fs := c.flags("user add")
		name := fs.String("name", "", "the new user's `name`")
		role := fs.String("role", "", "administrator, bookkeeper, clerk or auditor")
		pwFile := fs.String("new-password-file", "", "read the new user's first password from `file` (- for standard input)")
		if err := c.parse(fs, rest, 0); err != nil {
			return err
		}
		if *name == "" || *role == "" || *pwFile == "" {
			return usagef("user add: --name, --role and --new-password-file are required")
		}
		r, err := auth.ParseRole(*role)
		if err != nil {
			return usagef("user add: %v", err)
		}
		pw, err := readPasswordFile(*pwFile, c.env.Stdin)
		if err != nil {
			return err
		}
		return c.withSession(func(s *app.Session) error {
			if err := s.AddUser(*name, r, pw); err != nil {
				return err
			}
			fmt.Fprintf(c.env.Stdout, "Added %s as %s; they choose their own password at first login.\n", *name, r)
			return nil
		})
	case "list":
		fs := c.flags("user list")
		if err := c.parse(fs, rest, 0); err != nil {
			return err
		}
		return c.withSession(func(s *app.Session) error {
			us, err := s.Users()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(c.env.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tROLE\tSTATE\tLAST_LOGIN\tPASSWORD_CHANGED")
			for _, u := range us {
				state := "active"
				switch {
				case u.Disabled:
					state = "disabled"
				case u.MustChange:
					state = "must change password"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, state, day(u.LastLogin), day(u.PasswordChanged))
			}
			return tw.Flush()
		})
	case "disable", "enable", "remove", "reset-password":
		fs := c.flags("user " + sub)
		if err := c.parse(fs, rest, 1); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return usagef("user %s: expected the user's name", sub)
		}
		name := fs.Arg(0)
		return c.withSession(func(s *app.Session) error {
			switch sub {
			case "disable", "enable":
				if err := s.SetUserDisabled(name, sub == "disable"); err != nil {
					return err
				}
				fmt.Fprintf(c.env.Stdout, "%s is %sd.\n", name, sub)
			case "remove":
				if err := s.RemoveUser(name); err != nil {
					return err
				}
				fmt.Fprintf(c.env.Stdout, "Removed %s and rotated the master key.\n", name)
			default:
				code, err := s.ResetPassword(name)
				if err != nil {
					return err
				}
				fmt.Fprintf(c.env.Stdout, "One-time code for %s (give it to them in person; they choose a new password at login):\n%s\n", name, code)
			}
			return nil
		})
	}
	return usagef("user: unknown subcommand %q", sub)
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02")
}

func runPasswd(c *ctx, args []string) error {
	fs := c.flags("passwd")
	pwFile := fs.String("new-password-file", "", "read the new password from `file` (- for standard input)")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	if *pwFile == "" {
		return usagef("passwd: --new-password-file FILE is required")
	}
	if *pwFile == "-" && c.inv.Global.PasswordFile == "-" {
		return usagef("passwd: the current and the new password cannot both come from standard input")
	}
	next, err := readPasswordFile(*pwFile, c.env.Stdin)
	if err != nil {
		return err
	}
	current, err := c.password(fmt.Sprintf("Current password for %s: ", c.inv.Global.User), false)
	if err != nil {
		return err
	}
	c.loginPassword, c.allowStalePassword = current, true
	return c.withSession(func(s *app.Session) error {
		if err := s.ChangePassword(current, next); err != nil {
			return err
		}
		fmt.Fprintln(c.env.Stdout, "Password changed.")
		return nil
	})
}

func runPolicy(c *ctx, args []string) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "set") {
		return usagef("policy: expected show or set KEY VALUE")
	}
	fs := c.flags("policy " + args[0])
	maxArgs := 0
	if args[0] == "set" {
		maxArgs = 2
	}
	if err := c.parse(fs, args[1:], maxArgs); err != nil {
		return err
	}
	if args[0] == "set" {
		if fs.NArg() != 2 {
			return usagef("policy set: expected KEY VALUE")
		}
		return c.withSession(func(s *app.Session) error {
			if err := s.SetPolicy(fs.Arg(0), fs.Arg(1)); err != nil {
				return err
			}
			fmt.Fprintf(c.env.Stdout, "Set %s to %s.\n", fs.Arg(0), fs.Arg(1))
			return nil
		})
	}
	return c.withSession(func(s *app.Session) error {
		p, err := s.Policy()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(c.env.Stdout, 0, 0, 2, ' ', 0)
		for _, k := range auth.PolicyKeys() {
			v, err := p.Get(k.Key)
			if err != nil {
				return err
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", k.Key, v, k.Description)
		}
		return tw.Flush()
	})
}

func runAlerts(c *ctx, args []string) error {
	fs := c.flags("alerts")
	all := fs.Bool("all", false, "also alerts already acknowledged")
	ack := fs.String("ack", "", "acknowledge the alert with this `number` (or \"all\")")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	var seq uint64
	if *ack != "" && *ack != "all" {
		n, err := strconv.ParseUint(*ack, 10, 64)
		if err != nil || n == 0 {
			return usagef("alerts: --ack takes an alert's number or all, not %q", *ack)
		}
		seq = n
	}
	return c.withSession(func(s *app.Session) error {
		if seq != 0 {
			// An alert already acknowledged stays as it was.
			err := s.AckAlert(seq)
			if errors.Is(err, app.ErrNotFound) {
				return fmt.Errorf("alerts: there is no alert %d", seq)
			}
			return err
		}
		alerts, err := s.Alerts(!*all)
		if err != nil {
			return err
		}
		if *ack == "all" {
			for _, a := range alerts {
				if err := s.AckAlert(a.Seq); err != nil {
					return err
				}
			}
			return nil
		}
		for _, a := range alerts {
			seen := ""
			if a.AckBy != "" {
				seen = " (seen by " + a.AckBy + ")"
			}
			fmt.Fprintf(c.env.Stdout, "%d\t%s\t%s\t%s%s\n", a.Seq, a.Time.Format("2006-01-02 15:04"), a.Kind, oneLine(a.Message), seen)
		}
		return nil
	})
}
