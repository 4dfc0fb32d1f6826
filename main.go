// Command safeinvoice is a desktop invoicing application for small
// businesses whose books stay encrypted at rest and in backups.
//
// Without a command it opens the window; with one it runs on the command
// line (see `safeinvoice help`). This file only wires the two front ends
// together; it is the only importer of fyne.io/fyne/v2/app.
package main

import (
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"safeinvoice/app/cli"
	"safeinvoice/app/ui"
	_ "safeinvoice/internal/localefix" // before Fyne's initializers
)

// appID is the application id, as in FyneApp.toml.
const appID = "com.safeinvoice.app"

func main() {
	env := cli.StdEnv()
	inv, err := cli.Parse(os.Args[1:])
	if err != nil {
		os.Exit(cli.Fail(env, err))
	}
	if inv.Command != "" {
		os.Exit(cli.Run(inv, env))
	}
	cfg, err := inv.Config(env)
	if err != nil {
		os.Exit(cli.Fail(env, err))
	}
	ui.New(fyneapp.NewWithID(appID), cfg).ShowAndRun()
}
