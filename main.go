// Command safeinvoice is a desktop invoicing application for small
// businesses whose books stay encrypted at rest and in backups.
//
// Without a command it opens the window; with one it runs on the command
// line (see `safeinvoice help`). This file only wires the two front ends
// together; it is the only importer of fyne.io/fyne/v2/app.
package main

import (
	"os"
	"runtime/debug"

	fyneapp "fyne.io/fyne/v2/app"

	"safeinvoice/app/cli"
	"safeinvoice/app/ui"
	_ "safeinvoice/internal/localefix" // before Fyne's initializers
)

// appID is the application id, as in FyneApp.toml.
const appID = "com.safeinvoice.app"

// memoryLimit is the Go runtime's soft memory limit unless GOMEMLIMIT says
// otherwise: with 100,000 invoices open SafeInvoice needs about 90 MB of
// heap, and without a limit the collector would let the heap grow to twice
// that between cycles.
const memoryLimit = 128 << 20

func main() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryLimit)
	}
	if len(os.Args) > 1 {
		attachConsole()
	}
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
