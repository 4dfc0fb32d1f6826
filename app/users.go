package app

import (
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"

	"safeinvoice/auth"
	"safeinvoice/storage"
)

// Errors of the account use cases.
var (
	// ErrUserExists means the name is taken.
	ErrUserExists = errors.New("a user with this name exists")
	// ErrLastAdministrator means the change would leave no active
	// administrator.
	ErrLastAdministrator = errors.New("the vault must keep at least one active administrator")
	// ErrSelf means an administrator tried to disable, remove or reset
	// their own account.
	ErrSelf = errors.New("not for your own account")
)

// Users lists the accounts by name. Password history is not returned.
func (s *Session) Users() ([]auth.User, error) {
	if err := s.require(auth.PermViewUsers); err != nil {
		return nil, err
	}
	var us []auth.User
	err := s.view(func(tx *storage.Tx) error {
		return tx.EachUser(func(u auth.User) error {
			u.PasswordHistory = nil
			us = append(us, u)
			return nil
		})
	})
	return us, err
}

// salt returns a fresh salt for the password history.
func newSalt() ([]byte, error) {
	salt := make([]byte, auth.MinSaltSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("generate salt: %w", err)
	}
	return salt, nil
}

func (s *Session) businessName() string {
	st, err := s.Settings()
	if err != nil {
		return ""
	}
	return st.BusinessName
}

// AddUser creates an account with a role and a first password, which must
// satisfy the policy; the user must change it at first login (the
// administrator knows it).
func (s *Session) AddUser(name string, role auth.Role, password string) error {
	if err := s.require(auth.PermManageUsers); err != nil {
		return err
	}
	if err := auth.ValidateUserName(name); err != nil {
		return err
	}
	if !role.Valid() {
		_, err := auth.ParseRole(string(role))
		return err
	}
	policy, err := s.policy()
	if err != nil {
		return err
	}
	password = auth.NormalizePassword(password)
	if err := policy.CheckPassword(password, auth.PasswordContext{UserName: name, BusinessName: s.businessName()}); err != nil {
		return err
	}
	if err := s.view(func(tx *storage.Tx) error {
		if _, err := tx.User(name); err == nil {
			return fmt.Errorf("%s: %w", name, ErrUserExists)
		} else if !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		return nil
	}); err != nil {
		return err
	}
	salt, err := newSalt()
	if err != nil {
		return err
	}
	now := s.cfg.now().UTC()
	u := auth.User{Name: name, Role: role, Created: now}
	if err := u.RecordPasswordChange(password, salt, policy, now); err != nil {
		return err
	}
	u.MustChange = true
	if u, err = s.signUser(u); err != nil {
		return err
	}
	signer, err := s.signerFor(role)
	if err != nil {
		return err
	}
	if err := s.vault.AddSlot(name, password, signer); err != nil {
		return err
	}
	err = s.update(func(tx *storage.Tx) error {
		if err := tx.PutUser(u); err != nil {
			return err
		}
		if err := s.raiseAlert(tx, AlertUsers, fmt.Sprintf("%s added the %s account %s", s.user.Name, role, name)); err != nil {
			return err
		}
		return tx.Audit("user.add", name, string(role))
	})
	if err != nil {
		return errors.Join(err, s.vault.RemoveSlot(name))
	}
	return nil
}

// checkOther loads another user's account for an administrator's change,
// refusing the administrator's own account and the last active
// administrator when remove or disable would take it away.
func (s *Session) checkOther(tx *storage.Tx, name string, takesAdminAway bool) (auth.User, error) {
	if name == s.user.Name {
		return auth.User{}, ErrSelf
	}
	u, err := tx.User(name)
	if err != nil {
		return u, err
	}
	if takesAdminAway && u.Role == auth.RoleAdministrator && !u.Disabled {
		admins := 0
		if err := tx.EachUser(func(o auth.User) error {
			if o.Role == auth.RoleAdministrator && !o.Disabled {
				admins++
			}
			return nil
		}); err != nil {
			return u, err
		}
		if admins <= 1 {
			return u, ErrLastAdministrator
		}
	}
	return u, nil
}

// SetUserDisabled disables or enables an account. A disabled user cannot
// log in; their key slot stays, so enabling needs no new password.
func (s *Session) SetUserDisabled(name string, disabled bool) error {
	if err := s.require(auth.PermManageUsers); err != nil {
		return err
	}
	var u auth.User
	if err := s.view(func(tx *storage.Tx) error {
		var err error
		u, err = s.checkOther(tx, name, disabled)
		return err
	}); err != nil {
		return err
	}
	suspended, err := s.vault.Suspended(name)
	if err != nil {
		return err
	}
	switch {
	case disabled && u.Disabled && suspended:
		return nil // done already
	case disabled:
		// Also a retry: an account whose disabling stopped before its key
		// was withdrawn is disabled again.
		return s.withdrawKey(u, !u.Disabled)
	case !u.Disabled && !suspended:
		return nil
	default:
		return s.grantKey(u)
	}
}

// withdrawKey disables account u and takes the vault's key from it: the
// identity's public key is kept in its user record (for grantKey), then its
// .key goes, then the master key is rotated, so its files, even copies
// kept elsewhere, open nothing (see storage.Vault.RotateKey for the
// limits). Each step may be repeated: disabling again finishes a disable
// that stopped half-way.
func (s *Session) withdrawKey(u auth.User, alert bool) error {
	recipient, err := s.vault.SlotRecipient(u.Name)
	if err != nil && !errors.Is(err, storage.ErrNoSlot) {
		return fmt.Errorf("withdraw the key of %s: %w", u.Name, err)
	}
	err = s.update(func(tx *storage.Tx) error {
		cur, err := tx.User(u.Name)
		if err != nil {
			return err
		}
		cur.Disabled = true
		if recipient != "" {
			cur.Recipient = recipient
		}
		if cur, err = s.signUser(cur); err != nil {
			return err
		}
		if err := tx.PutUser(cur); err != nil {
			return err
		}
		if alert {
			if err := s.raiseAlert(tx, AlertUsers, fmt.Sprintf("%s disabled the account %s; the master key was rotated", s.user.Name, u.Name)); err != nil {
				return err
			}
		}
		return tx.Audit("user.disable", u.Name, "")
	})
	if err != nil || recipient == "" {
		return err // no slot: nothing to withdraw
	}
	if _, err := s.vault.SuspendSlot(u.Name); err != nil {
		return fmt.Errorf("the account %s is disabled, but withdrawing its key failed (disable it again to retry): %w", u.Name, err)
	}
	if err := s.vault.RotateKey(); err != nil {
		return fmt.Errorf("the account %s is disabled, but rotating the master key failed (disable it again to retry): %w", u.Name, err)
	}
	return nil
}

// grantKey enables account u: the vault's current key is sealed to its
// identity, the public key its user record kept while it was disabled (or,
// should a disable have stopped before keeping it, the one its .slot
// states, which rotations trust as well), and only then is the record
// changed, so that a failed grant can be retried.
func (s *Session) grantKey(u auth.User) error {
	suspended, err := s.vault.Suspended(u.Name)
	if err != nil {
		return err
	}
	if suspended {
		recipient := u.Recipient
		if recipient == "" {
			if recipient, err = s.vault.SlotRecipient(u.Name); err != nil {
				return fmt.Errorf("enable %s: %w", u.Name, err)
			}
		}
		if err := s.vault.GrantKey(u.Name, recipient); err != nil {
			return fmt.Errorf("enable %s: grant its key: %w", u.Name, err)
		}
	}
	return s.update(func(tx *storage.Tx) error {
		cur, err := tx.User(u.Name)
		if err != nil {
			return err
		}
		cur.Disabled, cur.Recipient = false, ""
		if cur, err = s.signUser(cur); err != nil {
			return err
		}
		if err := tx.PutUser(cur); err != nil {
			return err
		}
		if err := s.raiseAlert(tx, AlertUsers, fmt.Sprintf("%s enabled the account %s; their key was granted again", s.user.Name, u.Name)); err != nil {
			return err
		}
		return tx.Audit("user.enable", u.Name, "")
	})
}

// RemoveUser deletes an account and its key slot, then rotates the master
// key so that the removed user's old key files, even kept elsewhere, open
// nothing (see storage.Vault.RotateKey for the limits).
func (s *Session) RemoveUser(name string) error {
	if err := s.require(auth.PermManageUsers); err != nil {
		return err
	}
	err := s.update(func(tx *storage.Tx) error {
		if _, err := s.checkOther(tx, name, true); err != nil {
			return err
		}
		if err := tx.DeleteUser(name); err != nil {
			return err
		}
		if err := s.raiseAlert(tx, AlertUsers, fmt.Sprintf("%s removed the account %s; the master key was rotated", s.user.Name, name)); err != nil {
			return err
		}
		return tx.Audit("user.remove", name, "")
	})
	if err != nil {
		return err
	}
	if err := s.vault.RemoveSlot(name); err != nil && !errors.Is(err, storage.ErrNoSlot) {
		return err
	}
	if err := s.vault.RotateKey(); err != nil {
		return fmt.Errorf("the account is removed but the master key was not rotated: %w", err)
	}
	return s.update(func(tx *storage.Tx) error {
		return tx.Audit("vault.rotate_key", "", "after removing "+name)
	})
}

// resetCodeGroups shapes a one-time reset code: 4 groups of 5 characters
// of base32, 100 bits.
const resetCodeGroups = 4

// ResetPassword lets a user who forgot their password back in: it replaces
// their key slot with one opened by a one-time code, returned here for the
// administrator to hand over, and makes them choose a new password at
// their next login.
func (s *Session) ResetPassword(name string) (string, error) {
	if err := s.require(auth.PermManageUsers); err != nil {
		return "", err
	}
	var disabled bool
	var role auth.Role
	if err := s.view(func(tx *storage.Tx) error {
		u, err := s.checkOther(tx, name, false)
		disabled, role = u.Disabled, u.Role
		return err
	}); err != nil {
		return "", err
	}
	// The new slot of an administrator holds the signing key; the record
	// is signed again (its recipient may change).
	signer, err := s.signerFor(role)
	if err != nil {
		return "", err
	}
	if s.signer == nil {
		return "", ErrNoSigningKey
	}
	raw := make([]byte, resetCodeGroups*5*5/8)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("generate reset code: %w", err)
	}
	enc := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw)
	var groups []string
	for i := 0; i+5 <= len(enc) && len(groups) < resetCodeGroups; i += 5 {
		groups = append(groups, enc[i:i+5])
	}
	code := strings.Join(groups, "-")
	// A disabled account gets its new identity without the vault's key,
	// which enabling it grants (SetUserDisabled).
	recipient := ""
	if disabled {
		var err error
		if recipient, err = s.vault.AddSuspendedSlot(name, code, signer); err != nil {
			return "", err
		}
	} else if err := s.vault.AddSlot(name, code, signer); err != nil {
		return "", err
	}
	err = s.update(func(tx *storage.Tx) error {
		u, err := tx.User(name)
		if err != nil {
			return err
		}
		if disabled {
			u.Recipient = recipient
		}
		u.MustChange = true
		if u, err = s.signUser(u); err != nil {
			return err
		}
		if err := tx.PutUser(u); err != nil {
			return err
		}
		if err := s.raiseAlert(tx, AlertUsers, fmt.Sprintf("%s reset the password of %s", s.user.Name, name)); err != nil {
			return err
		}
		return tx.Audit("user.reset_password", name, "")
	})
	return code, err
}

// ChangePassword replaces the logged-in user's password. The current one
// is asked again (an unlocked window left alone must not be enough); the
// new one must satisfy the policy, including reuse. Only the user's key
// slot is rewritten.
func (s *Session) ChangePassword(current, next string) error {
	if err := s.require(auth.PermChangeOwnPassword); err != nil {
		return err
	}
	current, next = auth.NormalizePassword(current), auth.NormalizePassword(next)
	if err := s.vault.CheckPassword(s.user.Name, current); err != nil {
		return fmt.Errorf("current password: %w", err)
	}
	policy, err := s.policy()
	if err != nil {
		return err
	}
	var u auth.User
	if err := s.view(func(tx *storage.Tx) error {
		var err error
		u, err = tx.User(s.user.Name)
		return err
	}); err != nil {
		return err
	}
	ctx := auth.PasswordContext{UserName: u.Name, BusinessName: s.businessName(), OldPassword: current, History: u.PasswordHistory}
	if err := policy.CheckPassword(next, ctx); err != nil {
		return err
	}
	salt, err := newSalt()
	if err != nil {
		return err
	}
	if err := u.RecordPasswordChange(next, salt, policy, s.cfg.now()); err != nil {
		return err
	}
	if err := s.vault.ChangePassword(u.Name, next); err != nil {
		return err
	}
	err = s.update(func(tx *storage.Tx) error {
		if err := tx.PutUser(u); err != nil {
			return err
		}
		return tx.Audit("user.password", u.Name, "")
	})
	if err == nil {
		s.user.MustChange, s.user.PasswordChanged = false, u.PasswordChanged
	}
	return err
}

// NeedsPasswordChange reports whether the user must choose a new password
// before doing anything else (an administrator's reset or new account, or
// the policy's maximum age), and why.
func (s *Session) NeedsPasswordChange() (bool, string) {
	p, err := s.policy()
	if err != nil {
		p = auth.DefaultPolicy()
	}
	return p.NeedsChange(s.user, s.cfg.now())
}

// Policy returns the password policy.
func (s *Session) Policy() (auth.Policy, error) {
	if err := s.require(auth.PermViewPolicy); err != nil {
		return auth.Policy{}, err
	}
	return s.policy()
}

// SetPolicy changes one key of the password policy (see auth.PolicyKeys),
// audited and alerted.
func (s *Session) SetPolicy(key, value string) error {
	if err := s.require(auth.PermManagePolicy); err != nil {
		return err
	}
	p, err := s.policy()
	if err != nil {
		return err
	}
	if err := p.Set(key, value); err != nil {
		return err
	}
	// The journal is read while the vault is locked, so it carries the
	// threshold; its new base is anchored in the same transaction (unless
	// the journal was already edited, which the next login then reports).
	release, err := storage.LockFile(s.cfg.DataDir, journalLock)
	if err != nil {
		return err
	}
	defer func() { _ = release() }()
	accounts, err := storage.SlotUsers(s.cfg.DataDir)
	if err != nil {
		return err
	}
	j, err := readJournal(s.cfg.DataDir, accounts, s.cfg.now())
	if err != nil {
		return err
	}
	next := j
	next.Base.Threshold = p.LockoutThreshold
	err = s.update(func(tx *storage.Tx) error {
		if err := tx.PutPolicy(p); err != nil {
			return err
		}
		if err := s.raiseAlert(tx, AlertPolicy, fmt.Sprintf("%s set the password policy's %s to %s", s.user.Name, key, value)); err != nil {
			return err
		}
		if anchor, err := tx.LockoutAnchor(); err != nil {
			return err
		} else if anchor == j.baseHash() {
			if err := tx.PutLockoutAnchor(next.baseHash()); err != nil {
				return err
			}
		}
		return tx.Audit("policy.set", key, value)
	})
	if err != nil {
		return err
	}
	return writeJournal(s.cfg.DataDir, next)
}
