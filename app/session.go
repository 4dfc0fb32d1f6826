package app

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"safeinvoice/app/internal/search"
	"safeinvoice/auth"
	"safeinvoice/backup"
	"safeinvoice/internal/fsutil"
	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// Sentinel errors of the app layer, checked with errors.Is. Errors from the
// layers below (storage.ErrWrongPassword, auth.ErrPermission, …) pass through
// wrapped.
var (
	// ErrDisabled means the account was disabled by an administrator.
	ErrDisabled = errors.New("this account is disabled")
	// ErrNoAccount means a key slot exists but no user record does.
	ErrNoAccount = errors.New("no account record for this user")
	// ErrBadLogin is a login refused for a wrong password or a name
	// without an account, which it does not tell apart (see loginError).
	ErrBadLogin = errors.New("wrong user name or password")

	// The vault's errors that front ends tell apart, so that they need not
	// import storage.
	ErrWrongPassword = storage.ErrWrongPassword
	ErrNoSuchUser    = storage.ErrNoSlot
	ErrSlotDamaged   = storage.ErrSlotDamaged
	ErrAlreadyOpen   = storage.ErrAlreadyOpen
	ErrVaultExists   = storage.ErrVaultExists
	ErrAuditBroken   = storage.ErrAuditBroken
	// ErrDiskFull means too little free disk space for a write; the error
	// names the folder. Nothing half-written is left.
	ErrDiskFull = storage.ErrDiskFull
)

// Default settings of a new vault.
const (
	DefaultCurrency    = "EUR"
	DefaultPaymentDays = 30
)

// Session is a logged-in user with the vault unlocked. It is safe for
// concurrent use. The caller must Close it, which drops the master key.
type Session struct {
	cfg   Config
	vault *storage.Vault
	user  auth.User
	// The audit verification started at login runs in the background, so
	// that a large vault's first screen does not wait for it; auditDone
	// closes when auditErr is set. Close cancels it.
	auditDone   chan struct{}
	auditErr    error
	auditCancel context.CancelFunc
	// filesDone closes when the database files' background check ended.
	filesDone chan struct{}

	// failed are the failed attempts before this login.
	failed FailedLogins

	// Alerts raised by the transaction in progress, handed to onAlert
	// after it commits.
	updateMu sync.Mutex // one session update at a time (see update)
	imports  importGuard
	alertMu  sync.Mutex
	raised   []storage.Alert
	onAlert  func(storage.Alert)
	// damageSeen are the damaged records already reported (reportDamage).
	damageSeen map[string]bool
	// rolledBack is set at login when the vault is older than its anchors
	// (see anchors.go), until an administrator acknowledges the alert.
	rolledBack bool
	// signer is the administrators' signing key, for an administrator
	// whose key slot holds it (see signing.go).
	signer ed25519.PrivateKey

	// idx is the invoice list's index, loaded at the first list; idxMu
	// orders its loading with the updates that writes make to it.
	idxMu sync.Mutex
	idx   *search.Index
	// sent maps each e-mailed invoice to the date of its last sent
	// message (sentDates), loaded from the outbox at the first list and
	// dropped when a delivery is recorded; sentGen counts the drops, so
	// that a load that raced one is not kept. Guarded by sentMu.
	sentMu  sync.Mutex
	sent    map[string]string
	sentGen uint64
}

// InitParams are what set-up asks for.
type InitParams struct {
	// User becomes the first administrator.
	User     string
	Password string
	// Business is the business name printed on invoices.
	Business string
	// RecoveryKeyOut, if set, is where the recovery key file is written
	// (mode 0600; an existing file is never replaced).
	RecoveryKeyOut string
}

// Init sets up a new vault in cfg.DataDir: the administrator's account and
// key slot, default settings and policy, and the recovery key that backups
// are encrypted to. The administrator's password must satisfy the default
// policy. Init is all-or-nothing: on error nothing is left behind. The
// returned session is logged in as the administrator.
func Init(cfg Config, p InitParams) (*Session, error) {
	if err := auth.ValidateUserName(p.User); err != nil {
		return nil, err
	}
	business := strings.TrimSpace(p.Business)
	policy := auth.DefaultPolicy()
	password := auth.NormalizePassword(p.Password)
	if err := policy.CheckPassword(password, auth.PasswordContext{UserName: p.User, BusinessName: business}); err != nil {
		return nil, err
	}
	if p.RecoveryKeyOut != "" {
		if err := checkNewFile(p.RecoveryKeyOut); err != nil {
			return nil, fmt.Errorf("recovery key file: %w", err)
		}
	}
	if storage.Exists(cfg.DataDir) {
		return nil, fmt.Errorf("%s: %w", cfg.DataDir, storage.ErrVaultExists)
	}
	rk, err := backup.NewRecoveryKey()
	if err != nil {
		return nil, err
	}
	signer, err := storage.NewSigningKey()
	if err != nil {
		return nil, err
	}
	undo, err := prepareDir(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	v, err := storage.Create(cfg.DataDir, p.User, password, signer, cfg.storageOptions())
	if err != nil {
		undo()
		return nil, fmt.Errorf("create vault: %w", err)
	}
	fail := func(err error) (*Session, error) {
		_ = v.Close()
		undo()
		return nil, err
	}
	now := cfg.now()
	admin := auth.User{Name: p.User, Role: auth.RoleAdministrator, Created: now.UTC(), LastLogin: now.UTC()}
	salt := make([]byte, auth.MinSaltSize)
	if _, err := rand.Read(salt); err != nil {
		return fail(fmt.Errorf("generate salt: %w", err))
	}
	if err := admin.RecordPasswordChange(password, salt, policy, now); err != nil {
		return fail(err)
	}
	settings := storage.Settings{
		BusinessName:      business,
		Currency:          DefaultCurrency,
		NumberPattern:     invoice.DefaultPattern,
		CreditNotePattern: DefaultCreditNotePattern,
		QuotePattern:      DefaultQuotePattern,
		PaymentDays:       DefaultPaymentDays,
	}
	admin = v.SignUser(admin, signer)
	err = v.Update(p.User, func(tx *storage.Tx) error {
		for _, err := range []error{
			tx.PutSigningPublicKey(signer.Public().(ed25519.PublicKey)),
			tx.PutUser(admin), tx.PutSettings(settings), tx.PutPolicy(policy),
			tx.PutRecoveryIdentity(rk.Identity),
		} {
			if err != nil {
				return err
			}
		}
		if err := tx.Audit("vault.init", p.User, "administrator account, signing key, settings and recovery key created"); err != nil {
			return err
		}
		_, err := tx.SignHead(p.User, signer)
		return err
	})
	if err != nil {
		return fail(fmt.Errorf("set up vault: %w", err))
	}
	if p.RecoveryKeyOut != "" {
		data := rk.KeyFile(v.ID(), business, now)
		if err := fsutil.WriteBytes(p.RecoveryKeyOut, data, 0o600, true); err != nil {
			return fail(fmt.Errorf("write recovery key: %w", err))
		}
	}
	return &Session{cfg: cfg, vault: v, user: admin, signer: v.Signer()}, nil
}

// checkNewFile makes sure a file can be created at path without replacing
// anything, before any work is done.
func checkNewFile(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s: %w", path, fsutil.ErrExists)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	st, err := os.Stat(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("folder of %s: %w", path, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a folder", filepath.Dir(path))
	}
	return nil
}

// prepareDir creates the data directory if needed and returns a function
// that removes what Init created there, for a failed set-up.
func prepareDir(dir string) (undo func(), err error) {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		return func() { _ = fsutil.RemoveAll(dir) }, nil
	} else if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	var ours []string // what Init may create and is not there yet
	for _, name := range []string{"db", "keyslots", "safeinvoice.json", "lock"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); errors.Is(err, fs.ErrNotExist) {
			ours = append(ours, name)
		}
	}
	return func() {
		for _, name := range ours {
			_ = fsutil.RemoveAll(filepath.Join(dir, name))
		}
	}, nil
}

// Login unlocks the vault in cfg.DataDir for user with password. Errors wrap
// ErrBadLogin (with storage.ErrWrongPassword or storage.ErrNoSlot, which it
// does not tell apart in its message), storage.ErrSlotDamaged,
// storage.ErrAlreadyOpen, storage.ErrNoVault, auth.ErrLockedOut or
// ErrDisabled.
//
// Failed attempts are journalled in the data directory before anything is
// unlocked (lockout.json, see lockout.go: per account, and one bucket for
// names without an account) and survive restarts; after the policy's
// threshold of consecutive failures, attempts are refused for a back-off
// that doubles up to 15 minutes, without trying the password.
// The next successful login reports them (FailedLogins), records them in
// the audit trail and, past the threshold, raises an alert.
//
// The audit chain is verified in the background; a broken chain does not
// refuse the login (an administrator must be able to look), it is reported
// by AuditProblem and raised as an alert.
func Login(cfg Config, user, password string) (*Session, error) {
	if !storage.Exists(cfg.DataDir) {
		_, err := storage.VaultID(cfg.DataDir)
		return nil, err
	}
	release, err := storage.LockFile(cfg.DataDir, journalLock)
	if err != nil {
		return nil, err
	}
	defer func() { _ = release() }() // nothing was written under it that a failed release could lose
	now := cfg.now()
	accounts, err := storage.SlotUsers(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	j, err := readJournal(cfg.DataDir, accounts, now)
	if err != nil {
		return nil, err
	}
	account := "" // the shared bucket of names without an account
	if slices.Contains(accounts, user) {
		account = user
	}
	lock := j.state(account)
	if err := lock.Check(now); err != nil {
		return nil, err
	}
	if account == "" {
		// Not an account (nor a case variant of one, which a
		// case-insensitive disk would open as the account's file): no slot
		// is read under that name, and the attempt costs what a real one
		// does.
		storage.SpendSlotTime(cfg.DataDir, auth.NormalizePassword(password))
		j.fail("", now)
		return nil, errors.Join(&loginError{user: user, cause: fmt.Errorf("user %q: %w", user, storage.ErrNoSlot)}, writeJournal(cfg.DataDir, j))
	}
	v, err := storage.Unlock(cfg.DataDir, user, auth.NormalizePassword(password), cfg.storageOptions())
	if errors.Is(err, storage.ErrWrongPassword) || errors.Is(err, storage.ErrNoSlot) {
		j.fail(account, now)
		return nil, errors.Join(&loginError{user: user, cause: err}, writeJournal(cfg.DataDir, j))
	}
	if errors.Is(err, storage.ErrSuspended) {
		return nil, fmt.Errorf("user %q: %w", user, ErrDisabled)
	}
	if err != nil {
		return nil, err
	}
	s := &Session{cfg: cfg, vault: v}
	var u auth.User
	var policy auth.Policy
	err = v.View(func(tx *storage.Tx) error {
		var err error
		if u, err = tx.User(user); err != nil {
			return err
		}
		policy, err = tx.Policy()
		if errors.Is(err, storage.ErrNotFound) {
			policy, err = auth.DefaultPolicy(), nil
		}
		return err
	})
	if errors.Is(err, storage.ErrNotFound) {
		err = fmt.Errorf("user %q: %w", user, ErrNoAccount)
	}
	var signing signingState
	if err == nil {
		s.user = u
		signing, err = s.checkSigning(auth.NormalizePassword(password), u)
	}
	if err == nil && signing.own {
		if s.signer == nil {
			// A record no administrator signed grants nothing.
			err = s.refuseUnsigned(signing)
		} else {
			// Only administrators' slots hold the key, and a disabled or
			// removed one opens no vault: the record was forged.
			u.Role, u.Disabled, u.Recipient = auth.RoleAdministrator, false, ""
		}
	}
	if err == nil && u.Disabled {
		err = fmt.Errorf("user %q: %w", user, ErrDisabled)
	}
	if err != nil {
		_ = v.Close()
		return nil, err
	}
	failures, last := lock.RecordSuccess()
	s.failed = FailedLogins{Count: failures, Last: last}
	next := j.settled(user, accounts)
	next.Base.Threshold = policy.LockoutThreshold // back, should the journal have lost it
	u.LastLogin = now.UTC()
	s.user = u
	seal, _ := v.Seal()
	// The newest backup's manifest, read once for both comparisons.
	manifest, haveManifest := s.newestManifest()
	rollback := s.rollbackAgainst(manifest, haveManifest)
	s.rolledBack = rollback != ""
	headProblems, err := s.checkSignedHeads(false, manifest, haveManifest)
	if err != nil {
		// Unreadable heads (damage, alerted) do not refuse the login.
		headProblems = append(headProblems, "the signed audit heads could not be read: "+err.Error())
	}
	err = s.update(func(tx *storage.Tx) error {
		if err := s.recordSigning(tx, signing); err != nil {
			return err
		}
		own := u
		if s.signer != nil && (signing.create || signing.own) {
			own = s.vault.SignUser(u, s.signer)
		}
		if err := tx.PutUser(own); err != nil {
			return err
		}
		if failures > 0 {
			if err := tx.Audit("login.failures", user, fmt.Sprintf("%d failed attempts before this login", failures)); err != nil {
				return err
			}
			if failures >= max(policy.LockoutThreshold, 1) {
				if err := s.raiseAlert(tx, AlertFailedLogins, fmt.Sprintf("%d failed login attempts for %s, the last at %s",
					failures, user, last.UTC().Format("2006-01-02 15:04 MST"))); err != nil {
					return err
				}
			}
		}
		switch seal {
		case storage.SealChanged:
			if err := s.raiseAlert(tx, AlertChangedClosed, "the vault changed while SafeInvoice was closed, or its state file was altered; the audit trail is being verified in full"); err != nil {
				return err
			}
		case storage.SealUnclean:
			if err := tx.Audit("vault.unclean_close", "", "the previous session did not close cleanly"); err != nil {
				return err
			}
		}
		if rollback != "" {
			if err := s.raiseAlert(tx, AlertRolledBack, rollback); err != nil {
				return err
			}
		}
		if u.Role == auth.RoleAdministrator {
			if err := s.alertBackupOverdue(tx, now); err != nil {
				return err
			}
		}
		if err := s.anchorJournal(tx, j, next); err != nil {
			return err
		}
		if len(headProblems) > 0 {
			if err := s.raiseAlert(tx, AlertSigning, "The audit trail does not match what administrators signed: "+strings.Join(headProblems, "; ")+"."); err != nil {
				return err
			}
		}
		if err := tx.Audit("user.login", user, ""); err != nil {
			return err
		}
		if s.signer != nil {
			_, err := tx.SignHead(user, s.signer)
			return err
		}
		return nil
	})
	var headErr error
	switch {
	case errors.Is(err, storage.ErrAuditBroken):
		// The chain cannot be extended; let the user in to see why.
		headErr = err
	case err != nil:
		_ = v.Close()
		return nil, fmt.Errorf("record login: %w", err)
	}
	// The settled journal only with its anchor: when the trail could not
	// be extended (headErr), the login's transaction, anchor included,
	// did not commit, and the journal stays as it was.
	if headErr == nil {
		if err := writeJournal(cfg.DataDir, next); err != nil {
			_ = v.Close()
			return nil, err
		}
	}
	s.startAuditCheck(headErr)
	return s, nil
}

// loginError is a login refused for a wrong password or a name without an
// account: it says the same in both cases, so that the login screen does
// not tell which names have accounts (nor does the time it takes: see
// storage.Unlock). It wraps ErrBadLogin and the vault's cause.
type loginError struct {
	user  string
	cause error
}

func (e *loginError) Error() string   { return fmt.Sprintf("user %q: %v", e.user, ErrBadLogin) }
func (e *loginError) Unwrap() []error { return []error{ErrBadLogin, e.cause} }

// anchorJournal, inside the login's transaction, raises AlertLockoutJournal
// when the failed-login journal j was damaged, removed or edited since the
// last good login, and keeps the hash of next, the journal this login
// writes after its transaction.
func (s *Session) anchorJournal(tx *storage.Tx, j, next journal) error {
	anchor, err := tx.LockoutAnchor()
	if err != nil {
		return err
	}
	if problem := j.journalProblem(anchor); problem != "" {
		if err := s.raiseAlert(tx, AlertLockoutJournal, problem); err != nil {
			return err
		}
	}
	return tx.PutLockoutAnchor(next.baseHash())
}

// FailedLogins returns the failed attempts for this user since their
// previous login ("3 failed attempts since your last login, last at …").
func (s *Session) FailedLogins() FailedLogins { return s.failed }

// Discarded returns the unfinished changes (imports a crash or a failed
// undo left behind) that this login undid, for a notice.
func (s *Session) Discarded() []storage.Discarded { return s.vault.Discarded() }

// Close locks the vault again and drops the master key.
func (s *Session) Close() error {
	if s.auditCancel != nil {
		s.auditCancel()
		<-s.auditDone
		<-s.filesDone
	}
	// The anchor is a safeguard on top of the books: failing to write it
	// (a read-only configuration folder) does not fail the close.
	if err := s.writeAnchor(); err != nil {
		s.cfg.logf("app: %v", err)
	}
	return s.vault.Close()
}

// User returns the logged-in user as of login.
func (s *Session) User() auth.User { return s.user }

// DataDir returns the session's data directory.
func (s *Session) DataDir() string { return s.cfg.DataDir }
