package cli

import (
	"fmt"

	"safeinvoice/app"
)

func runInit(c *ctx, args []string) error {
	fs := c.flags("init")
	business := fs.String("business", "", "business `name` printed on invoices")
	keyOut := fs.String("recovery-key-out", "", "write the recovery key to `path` (mode 0600)")
	if err := c.parse(fs, args, 0); err != nil {
		return err
	}
	user := c.inv.Global.User
	if user == "" {
		return usagef("init: --user NAME is required")
	}
	cfg, err := c.config()
	if err != nil {
		return err
	}
	pw, err := c.password(fmt.Sprintf("New password for %s: ", user), true)
	if err != nil {
		return err
	}
	s, err := app.Init(cfg, app.InitParams{User: user, Password: pw, Business: *business, RecoveryKeyOut: *keyOut})
	if err != nil {
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	out := c.env.Stdout
	fmt.Fprintf(out, "Vault created in %s with administrator %s.\n", cfg.DataDir, user)
	if *keyOut != "" {
		fmt.Fprintf(out, "Recovery key written to %s. Keep it offline, apart from the backups:\nit is the only way to restore a backup if every password is lost.\n", *keyOut)
	} else {
		fmt.Fprintln(out, "No recovery key file was written; the key is kept inside the vault until you print the recovery kit.")
	}
	return nil
}
