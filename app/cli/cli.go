// Package cli is SafeInvoice's command-line front end. It parses the global
// flags and a command, reads passwords from a file, standard input or the
// terminal (never from the command line), and calls the app layer. Errors
// come out as one line on standard error with a non-zero exit status.
package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"

	"golang.org/x/term"

	"safeinvoice/app"
)

// Exit statuses.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// Env is what a command may touch of its process: its streams, the terminal
// for password prompts, and the configuration defaults (tests lower the KDF
// work factor and fix the clock there).
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// ReadPassword shows prompt and reads one line without echo from the
	// terminal. Nil when there is no terminal.
	ReadPassword func(prompt string) (string, error)
	// Config is the base configuration; its DataDir is used when
	// --data-dir is absent and it is not empty.
	Config app.Config
}

// StdEnv is the environment of the running process.
func StdEnv() Env {
	env := Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		env.ReadPassword = func(prompt string) (string, error) {
			fmt.Fprint(os.Stderr, prompt)
			b, err := term.ReadPassword(fd)
			fmt.Fprintln(os.Stderr)
			if err != nil {
				return "", fmt.Errorf("read password: %w", err)
			}
			return string(b), nil
		}
	}
	return env
}

// Global holds the flags every command accepts.
type Global struct {
	DataDir      string
	User         string
	PasswordFile string
}

func (g *Global) register(fs *flag.FlagSet) {
	fs.StringVar(&g.DataDir, "data-dir", g.DataDir, "data `directory` (default: the per-user data directory)")
	fs.StringVar(&g.User, "user", g.User, "user `name` to log in as")
	fs.StringVar(&g.PasswordFile, "password-file", g.PasswordFile, "read the password from the first line of `file` (- for standard input)")
}

// Invocation is a parsed command line. An empty Command means: open the
// window.
type Invocation struct {
	Global  Global
	Command string
	Args    []string
}

// errUsage marks errors that are the caller's wording, exit status 2.
var errUsage = errors.New("usage")

type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Unwrap() error { return errUsage }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// Parse reads the global flags and the command name. The command's own
// flags (which may repeat the global ones) are parsed when it runs.
func Parse(args []string) (Invocation, error) {
	var inv Invocation
	fs := flag.NewFlagSet("safeinvoice", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	inv.Global.register(fs)
	if err := fs.Parse(args); err != nil {
		return inv, usagef("%v (see safeinvoice help)", err)
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return inv, nil
	}
	inv.Command, inv.Args = rest[0], rest[1:]
	if _, ok := commands()[inv.Command]; !ok {
		return inv, usagef("unknown command %q (see safeinvoice help)", inv.Command)
	}
	return inv, nil
}

// Config resolves the invocation's app configuration from env's defaults
// and --data-dir.
func (inv Invocation) Config(env Env) (app.Config, error) {
	cfg := env.Config
	switch {
	case inv.Global.DataDir != "":
		cfg.DataDir = inv.Global.DataDir
	case cfg.DataDir == "":
		d, err := app.DefaultDataDir()
		if err != nil {
			return cfg, err
		}
		cfg.DataDir = d
	}
	return cfg, nil
}

// command is one subcommand: its synopsis and its body.
type command struct {
	synopsis string
	run      func(c *ctx, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"init":             {"init --user NAME [--business NAME] [--recovery-key-out PATH]   set up a new vault", runInit},
		"audit":            {"audit verify                      verify the audit chain", runAudit},
		"check":            {"check                             read and check every record; non-zero exit on any problem", runCheck},
		"import":           {"import PATH                       import invoices and clients (JSON or CSV), all or nothing", runImport},
		"list":             {"list [--json] [--kind invoice|credit_note|quote] [--status S] [--search WORDS]   list invoices (quotes with --kind quote)", runList},
		"export-csv":       {"export-csv --out FILE             export invoices and lines as CSV", runExportCSV},
		"export-pdf":       {"export-pdf --out DIR [NUMBER...]  export invoices as PDF (every issued one when none named); one path per line", runExportPDF},
		"issue":            {"issue ID|NUMBER...                 issue drafts (given by id), giving each its number", runIssue},
		"pay":              {"pay NUMBER --amount A [--date D] [--note TEXT]   record a payment received", runPay},
		"void":             {"void NUMBER --reason TEXT           void an issued invoice without payments (its number stays used)", runVoid},
		"duplicate":        {"duplicate NUMBER                  copy an invoice into a new draft dated today; prints the draft's id", runDuplicate},
		"recurring":        {"recurring add --from NUMBER --every week|month|quarter|year --start DATE [--until DATE | --count N] [--draft] | list | stop ID", runRecurring},
		"run-due":          {"run-due [--as-of DATE]            make the recurring invoices due (for a cron job); one line per invoice made", runRunDue},
		"quote":            {"quote accept NUMBER | quote decline NUMBER   record the client's answer to a sent quote", runQuote},
		"quote-to-invoice": {"quote-to-invoice NUMBER           make an accepted quote into a draft invoice; prints the draft's id", runQuoteToInvoice},
		"reminders":        {"reminders [--as-of DATE] [--json]  the invoices due for a payment reminder: number, level, days overdue, balance", runReminders},
		"remind":           {"remind NUMBER [--as-of DATE] --pdf FILE | --send [--to ADDR]   make the reminder an invoice is due for", runRemind},
		"reminder-levels":  {"reminder-levels [set DAYS... | text LEVEL TEXT | reset]   the reminder levels (administrators)", runReminderLevels},
		"catalogue":        {"catalogue list | add --description D --price P [--unit U] [--tax-rate R] [--tax-category C] | remove ID | import FILE.csv | export --out FILE.csv", runCatalogue},
		"report":           {"report aging [--as-of DATE] | report tax --from DATE --to DATE | report revenue --from DATE --to DATE   [--csv FILE] [--pdf FILE] [--json]", runReport},
		"credit":           {"credit NUMBER --reason TEXT         issue a credit note for the whole of an issued invoice", runCredit},
		"mail-settings":    {"mail-settings --host H --security starttls|tls --from ADDR [--port P] [--from-name N] [--username U] [--smtp-password-file F] [--ca-file PEM] | show | test --to ADDR", runMailSettings},
		"send":             {"send NUMBER... [--to ADDR] [--again] [--pdf-password-file F]   e-mail invoices (PDF, and the e-invoice for clients who receive one); one line per message", runSend},
		"outbox":           {"outbox [--json] [--retry]          the messages sent, queued and failed", runOutbox},
		"export-einvoice":  {"export-einvoice --out DIR [--format F] [NUMBER...]   export issued invoices as e-invoices (EN 16931); one path per line", runExportEInvoice},
		"settings":         {"settings show | settings set KEY VALUE   the business profile and payment details (administrators)", runSettings},
		"recovery-kit":     {"recovery-kit --out FILE.pdf [--key-out FILE.txt]   write the recovery kit (administrators)", runRecoveryKit},
		"demo-data":        {"demo-data [--invoices N] [--clients N] [--seed S]   fill the vault with made-up data", runDemoData},
		"backup":           {"backup [--to DIR]                 write a backup; prints its path on the last line", runBackup},
		"backup-verify":    {"backup-verify [--from DIR]        decrypt, check and test-restore every backup", runBackupVerify},
		"backup-settings":  {"backup-settings [--folder DIR] [--schedule S] [--add-recipient KEY] [--remove-recipient KEY] [--keep-last N] [--keep-daily N] [--keep-weekly N] [--keep-monthly N]", runBackupSettings},
		"backup-prune":     {"backup-prune [--from DIR] [--dry-run]   remove the backups the retention policy drops", runBackupPrune},
		"restore":          {"restore --from FILE|DIR --recovery-key PATH [--data-dir NEW] [--replace] [--plain DIR]   restore the books from a backup", runRestore},
		"user":             {"user add --name N --role R --new-password-file F | list | disable N | enable N | remove N | reset-password N", runUser},
		"passwd":           {"passwd --new-password-file F       change your password", runPasswd},
		"policy":           {"policy show | policy set KEY VALUE   the password policy", runPolicy},
		"alerts":           {"alerts [--all] [--ack SEQ]        administrators' alerts", runAlerts},
		"help":             {"help                              show this help", runHelp},
		"version":          {"version                           print the version", runVersion},
	}
}

// Version is the program's version. FyneApp.toml is its source: the
// builds set it from there with -ldflags "-X safeinvoice/app/cli.Version=…"
// (Makefile, scripts/windows-dist), and TestVersionIsFyneAppVersion keeps
// this default, which go test and go run use, the same.
var Version = "0.1.0"

// ctx is what a running command has at hand.
type ctx struct {
	env Env
	inv *Invocation
	// allowStalePassword lets passwd log in when the password must change.
	allowStalePassword bool
	// loginPassword, when set, is used instead of asking again.
	loginPassword string
}

// Run executes a parsed invocation and returns the exit status. Errors are
// printed as one line on env.Stderr.
func Run(inv Invocation, env Env) int {
	cmd, ok := commands()[inv.Command]
	if !ok {
		return Fail(env, usagef("unknown command %q (see safeinvoice help)", inv.Command))
	}
	if err := cmd.run(&ctx{env: env, inv: &inv}, inv.Args); err != nil {
		return Fail(env, err)
	}
	return ExitOK
}

// Fail prints err as one line and returns its exit status.
func Fail(env Env, err error) int {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	fmt.Fprintf(env.Stderr, "safeinvoice: %s\n", msg)
	if errors.Is(err, errUsage) {
		return ExitUsage
	}
	return ExitError
}

// flags returns a flag set for a command that also accepts the global flags.
func (c *ctx) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.inv.Global.register(fs)
	return fs
}

func (c *ctx) parse(fs *flag.FlagSet, args []string, maxArgs int) error {
	if err := fs.Parse(args); err != nil {
		return usagef("%s: %v", fs.Name(), err)
	}
	if fs.NArg() > maxArgs {
		return usagef("%s: unexpected argument %q", fs.Name(), fs.Arg(maxArgs))
	}
	return nil
}

// parseArgs parses fs's flags wherever they stand among the positional
// arguments (NUMBER... --to ADDR NUMBER...) and returns those in order.
func (c *ctx) parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := c.parse(fs, args, math.MaxInt); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func (c *ctx) config() (app.Config, error) { return c.inv.Config(c.env) }

// password returns the password from --password-file, standard input or the
// terminal. With confirm, a terminal user types it twice.
func (c *ctx) password(prompt string, confirm bool) (string, error) {
	if pf := c.inv.Global.PasswordFile; pf != "" {
		return readPasswordFile(pf, c.env.Stdin)
	}
	if c.env.ReadPassword == nil {
		return "", usagef("no password given: use --password-file FILE (or - for standard input), or run in a terminal")
	}
	pw, err := c.env.ReadPassword(prompt)
	if err != nil {
		return "", err
	}
	if confirm {
		again, err := c.env.ReadPassword("Repeat the password: ")
		if err != nil {
			return "", err
		}
		if again != pw {
			return "", errors.New("the two passwords differ")
		}
	}
	if pw == "" {
		return "", errors.New("empty password")
	}
	return pw, nil
}

// readPasswordFile returns the first line of path ("-": stdin) without its
// line ending. Other whitespace is part of the password.
func readPasswordFile(path string, stdin io.Reader) (string, error) {
	var r io.Reader
	if path == "-" {
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", fmt.Errorf("password file: %w", err)
		}
		defer f.Close()
		r = f
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("password file: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", fmt.Errorf("password file %s: the first line is empty", path)
	}
	return line, nil
}

// session logs in with --user and the password.
func (c *ctx) session() (*app.Session, error) {
	cfg, err := c.config()
	if err != nil {
		return nil, err
	}
	if c.inv.Global.User == "" {
		return nil, usagef("no user given: use --user NAME")
	}
	if !cfg.VaultExists() {
		return nil, fmt.Errorf("no vault in %s: set one up with safeinvoice init --user NAME", cfg.DataDir)
	}
	pw := c.loginPassword
	if pw == "" {
		if pw, err = c.password(fmt.Sprintf("Password for %s: ", c.inv.Global.User), false); err != nil {
			return nil, err
		}
	}
	s, err := app.Login(cfg, c.inv.Global.User, pw)
	if err != nil {
		return nil, err
	}
	if n := s.FailedLogins(); n.Count > 0 {
		fmt.Fprintf(c.env.Stderr, "warning: %s\n", n)
	}
	for _, d := range s.Discarded() {
		fmt.Fprintf(c.env.Stderr, "warning: %s\n", d)
	}
	if must, why := s.NeedsPasswordChange(); must && !c.allowStalePassword {
		return nil, errors.Join(fmt.Errorf("%s: change it first with safeinvoice passwd --new-password-file FILE", why), s.Close())
	}
	return s, nil
}

func runHelp(c *ctx, args []string) error {
	if err := c.parse(c.flags("help"), args, 0); err != nil {
		return err
	}
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	w := c.env.Stdout
	fmt.Fprintln(w, "Usage: safeinvoice [--data-dir DIR] [--user NAME] [--password-file PATH] COMMAND")
	fmt.Fprintln(w, "\nWithout a command, the window opens. Commands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %s\n", cmds[n].synopsis)
	}
	fmt.Fprintln(w, "\nPasswords are read from --password-file (its first line; - is standard input)")
	fmt.Fprintln(w, "or asked for on the terminal; never give one on the command line.")
	return nil
}

func runVersion(c *ctx, args []string) error {
	if err := c.parse(c.flags("version"), args, 0); err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "safeinvoice %s\n", Version)
	return nil
}
