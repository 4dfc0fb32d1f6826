package app

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"strings"

	"safeinvoice/auth"
	"safeinvoice/backup"
	"safeinvoice/storage"
)

// Roles and the trail anchored to administrators. Every key slot opens the
// master key, so anyone who knows a user's password and can run a program
// against the data folder can rewrite any record. The administrators'
// signing key (storage/signer.go) is the one thing such a person lacks: it
// is sealed inside administrators' key slots only. It signs every user
// record an administrator writes, and the audit head at every
// administrator login and backup.
//
// At each login the user records are checked against the administrators'
// public key: the one in the administrator's own slot, or for other users
// the one the books record. A record that fails is refused (its user cannot
// log in) and raises an AlertSigning; a public key in the books that is not
// the one an administrator's slot holds is put back and alerted, so a
// forgery that replaced the public key too is found at the next
// administrator's login. A signed head the chain no longer holds, or a
// chain shorter than one, is reported by login, `audit verify` and `check`.

// AlertSigning: a user record, the administrators' public key or the audit
// trail was changed outside SafeInvoice by someone without the
// administrators' signing key.
const AlertSigning = "signing"

// Errors of the signing checks.
var (
	// ErrUnsignedAccount means the user's record does not carry an
	// administrator's signature: it was written outside SafeInvoice.
	ErrUnsignedAccount = errors.New("this account's record was not made by an administrator (it was changed outside SafeInvoice); an administrator must reset its password or remove it")
	// ErrNoSigningKey means an administrator's key slot holds no signing
	// key (an account made before signing keys, in books that have one).
	ErrNoSigningKey = errors.New("your key slot holds no administrators' signing key; ask another administrator to reset your password, which gives your new key slot one")
)

// signingState is what a login found out about the signing key and the
// user records.
type signingState struct {
	// pub is the public key records are checked against; nil in books
	// that have none yet.
	pub ed25519.PublicKey
	// create: this login made the key (books from before signing keys);
	// every user record gets signed and the public key recorded.
	create bool
	// putBack: the books' public key was missing or not the one in the
	// administrator's slot, and is recorded again.
	putBack bool
	// unsigned are the other accounts whose records fail.
	unsigned []auth.User
	// own: the logging-in user's own record fails; ownClaim is what it
	// claimed.
	own      bool
	ownClaim string
}

// checkSigning, at login, settles which public key the session trusts (the
// one in an administrator's slot over the one in the books), makes the key
// for books that have none when an administrator logs in, and checks every
// user record. It keeps the key in the session.
func (s *Session) checkSigning(password string, self auth.User) (signingState, error) {
	var st signingState
	var stored ed25519.PublicKey
	var users []auth.User
	anySigned := false
	err := s.view(func(tx *storage.Tx) error {
		var err error
		if stored, err = tx.SigningPublicKey(); errors.Is(err, storage.ErrNoSigner) {
			stored, err = nil, nil
		}
		if err != nil {
			return err
		}
		return tx.EachUser(func(u auth.User) error {
			anySigned = anySigned || len(u.Signature) > 0
			users = append(users, u)
			return nil
		})
	})
	key := s.vault.Signer()
	if errors.Is(err, storage.ErrDamaged) {
		// A damaged record (alerted by view) must not lock everyone out,
		// the administrator who restores the books included: the check
		// waits for books that can be read.
		s.signer = key
		return signingState{}, nil
	}
	if err != nil {
		return st, err
	}
	switch {
	case key != nil:
		st.pub = key.Public().(ed25519.PublicKey)
		st.putBack = !bytes.Equal(stored, st.pub)
	case stored != nil:
		st.pub = stored
	case self.Role == auth.RoleAdministrator && !anySigned:
		// Books from before signing keys: the first administrator to log
		// in makes the key and signs the records as they are.
		if key, err = storage.NewSigningKey(); err != nil {
			return st, err
		}
		if err := s.vault.KeepSigner(password, key); err != nil {
			return st, fmt.Errorf("keep the new signing key: %w", err)
		}
		clear(key)
		key = s.vault.Signer()
		st.pub, st.create = key.Public().(ed25519.PublicKey), true
	case anySigned:
		// Records were signed, but the books lost the public key: no
		// record can be trusted until an administrator logs in.
		st.putBack = true
	}
	s.signer = key
	if st.pub == nil && !st.putBack {
		return st, nil // books without signing keys: nothing to check yet
	}
	if st.create {
		return st, nil
	}
	for _, u := range users {
		if st.pub != nil && s.vault.UserSigned(u, st.pub) {
			continue
		}
		if u.Name == self.Name {
			st.own, st.ownClaim = true, describeAccount(u)
		} else {
			st.unsigned = append(st.unsigned, u)
		}
	}
	return st, nil
}

// refuseUnsigned records a login refused because the account's own record
// carries no administrator's signature, and returns ErrUnsignedAccount.
func (s *Session) refuseUnsigned(st signingState) error {
	err := s.update(func(tx *storage.Tx) error {
		if err := s.recordSigning(tx, st); err != nil {
			return err
		}
		return tx.Audit("login.refused", s.user.Name, "the account record carries no administrator's signature")
	})
	return errors.Join(fmt.Errorf("user %q: %w", s.user.Name, ErrUnsignedAccount), err)
}

// recordSigning writes, inside the login's transaction, what checkSigning
// found: the key of books that had none with every record signed, the
// public key put back, and the alerts.
func (s *Session) recordSigning(tx *storage.Tx, st signingState) error {
	if st.create {
		if err := tx.PutSigningPublicKey(st.pub); err != nil {
			return err
		}
		var users []auth.User
		if err := tx.EachUser(func(u auth.User) error {
			users = append(users, u)
			return nil
		}); err != nil {
			return err
		}
		for _, u := range users {
			if err := tx.PutUser(s.vault.SignUser(u, s.signer)); err != nil {
				return err
			}
		}
		return tx.Audit("signing.create", "", fmt.Sprintf("administrators' signing key made; %d account records signed", len(users)))
	}
	if st.putBack && st.pub != nil {
		if err := tx.PutSigningPublicKey(st.pub); err != nil {
			return err
		}
		if err := s.raiseAlert(tx, AlertSigning, "The administrators' public key recorded in the books was missing or not the one in "+s.user.Name+
			"'s key slot: the books were changed outside SafeInvoice. It was put back; account records signed with another key are refused."); err != nil {
			return err
		}
		if err := tx.Audit("signing.restore", "", "administrators' public key put back"); err != nil {
			return err
		}
	}
	if st.putBack && st.pub == nil {
		if err := s.raiseAlert(tx, AlertSigning, "The administrators' public key is missing from the books, whose account records are signed: they were changed outside SafeInvoice. An administrator's login puts it back."); err != nil {
			return err
		}
	}
	if st.own && s.signer != nil {
		if err := s.raiseAlert(tx, AlertSigning, "The account record of "+s.user.Name+" was changed outside SafeInvoice (it claimed "+st.ownClaim+
			" without an administrator's signature); it was put back, since only an administrator's key slot holds the signing key."); err != nil {
			return err
		}
	}
	if len(st.unsigned) > 0 || (st.own && s.signer == nil) {
		var names []string
		for _, u := range st.unsigned {
			names = append(names, describeAccount(u))
		}
		if st.own && s.signer == nil {
			names = append(names, st.ownClaim)
		}
		if err := s.raiseAlert(tx, AlertSigning, fmt.Sprintf("These account records were not signed by an administrator, so they were changed outside SafeInvoice, and their logins are refused: %s. Reset the password of or remove each one.",
			strings.Join(names, ", "))); err != nil {
			return err
		}
	}
	return nil
}

// describeAccount names an account and what its record claims.
func describeAccount(u auth.User) string {
	state := "enabled"
	if u.Disabled {
		state = "disabled"
	}
	return fmt.Sprintf("%s (%s, %s)", u.Name, u.Role, state)
}

// signUser signs u with the session's administrators' key, for an
// administrator's change to an account.
func (s *Session) signUser(u auth.User) (auth.User, error) {
	if s.signer == nil {
		return u, ErrNoSigningKey
	}
	return s.vault.SignUser(u, s.signer), nil
}

// signerFor is the signing key a new key slot for an account of role gets:
// the session's for administrators, none for the others.
func (s *Session) signerFor(role auth.Role) (ed25519.PrivateKey, error) {
	if role != auth.RoleAdministrator {
		return nil, nil
	}
	if s.signer == nil {
		return nil, ErrNoSigningKey
	}
	return s.signer, nil
}

// signingPublicKey is the public key the session checks signatures with:
// the administrator's own, or the one the books record.
func (s *Session) signingPublicKey() ed25519.PublicKey {
	if s.signer != nil {
		return s.signer.Public().(ed25519.PublicKey)
	}
	pub, err := read(s, func(tx *storage.Tx) (ed25519.PublicKey, error) { return tx.SigningPublicKey() })
	if err != nil {
		return nil
	}
	return pub
}

// SignedHeadProblems compares the audit chain with the heads that
// administrators signed: the newest the books keep (all of them with all),
// the one in the anchor file and the one in the newest backup's manifest.
// Each problem is a sentence: a signature that does not verify, a signed
// entry the chain no longer holds, a chain shorter than a signed head.
func (s *Session) SignedHeadProblems(all bool) ([]string, error) {
	if err := s.require(auth.PermVerifyAudit); err != nil {
		return nil, err
	}
	return s.signedHeadProblems(all)
}

func (s *Session) signedHeadProblems(all bool) ([]string, error) {
	m, ok := s.newestManifest()
	return s.checkSignedHeads(all, m, ok)
}

// checkSignedHeads is signedHeadProblems with the newest manifest (m, when
// haveManifest) already read.
func (s *Session) checkSignedHeads(all bool, m backup.Manifest, haveManifest bool) ([]string, error) {
	pub := s.signingPublicKey()
	if pub == nil {
		return nil, nil
	}
	type source struct {
		head  storage.SignedHead
		where string
	}
	var heads []source
	err := s.view(func(tx *storage.Tx) error {
		if !all {
			h, ok, err := tx.NewestSignedHead()
			if ok {
				heads = append(heads, source{h, "in the books"})
			}
			return err
		}
		return tx.EachSignedHead(func(h storage.SignedHead) error {
			heads = append(heads, source{h, "in the books"})
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if a, ok, err := s.cfg.readAnchor(s.vault.ID()); err == nil && ok && a.Signed != nil {
		heads = append(heads, source{*a.Signed, "in the anchor file"})
	}
	if haveManifest && m.Signed != nil {
		heads = append(heads, source{fromBackupHead(*m.Signed), "in the backup of " + m.Created.Local().Format("2 Jan 2006 15:04")})
	}
	var problems []string
	for _, src := range heads {
		h := src.head
		when := fmt.Sprintf("audit entry %d, signed by %s on %s %s", h.Seq, h.User, h.Time.Local().Format("2 Jan 2006 15:04"), src.where)
		if !h.Verify(s.vault.ID(), pub) {
			problems = append(problems, "a signed audit head ("+when+") does not carry an administrator's signature")
			continue
		}
		pos, err := s.vault.HeadOnChain(h)
		if err != nil {
			var ae *storage.AuditError
			if errors.As(err, &ae) {
				problems = append(problems, fmt.Sprintf("the trail no longer holds the entry an administrator signed (%s): %v", when, err))
				continue
			}
			return nil, err
		}
		switch {
		case pos.Missing > 0:
			problems = append(problems, fmt.Sprintf("the trail is %d entries shorter than an administrator signed it (%s)", pos.Missing, when))
		case pos.Forked:
			problems = append(problems, "the trail no longer holds the entry an administrator signed ("+when+"): it was rewritten")
		}
	}
	return problems, nil
}

// signingProblems is the check's part: every user record without a valid
// administrators' signature, and every signed head the chain does not hold.
func (s *Session) signingProblems() ([]storage.CheckProblem, error) {
	pub := s.signingPublicKey()
	if pub == nil {
		return nil, nil
	}
	var problems []storage.CheckProblem
	err := s.view(func(tx *storage.Tx) error {
		return tx.EachUser(func(u auth.User) error {
			if !s.vault.UserSigned(u, pub) {
				problems = append(problems, storage.CheckProblem{Record: "user/" + u.Name,
					Problem: "the account record (" + describeAccount(u) + ") carries no administrator's signature: it was changed outside SafeInvoice"})
			}
			return nil
		})
	})
	if err != nil {
		return problems, err
	}
	heads, err := s.signedHeadProblems(true)
	for _, p := range heads {
		problems = append(problems, storage.CheckProblem{Record: "the audit trail", Problem: p})
	}
	return problems, err
}

// dropOffChainHeads deletes the signed heads the chain no longer holds,
// when an administrator acknowledges that the trail was cut: the books
// carry on from here.
func (s *Session) dropOffChainHeads() error {
	var off []storage.SignedHead
	if err := s.view(func(tx *storage.Tx) error {
		return tx.EachSignedHead(func(h storage.SignedHead) error {
			off = append(off, h)
			return nil
		})
	}); err != nil {
		return err
	}
	off = slices.DeleteFunc(off, func(h storage.SignedHead) bool {
		pos, err := s.vault.HeadOnChain(h)
		return err == nil && !pos.Behind()
	})
	if len(off) == 0 {
		return nil
	}
	return s.update(func(tx *storage.Tx) error {
		for _, h := range off {
			if err := tx.DeleteSignedHead(h.Seq); err != nil {
				return err
			}
		}
		return tx.Audit("signing.drop_heads", "", fmt.Sprintf("%d signed audit heads the trail no longer holds were dropped", len(off)))
	})
}

// toBackupHead and fromBackupHead carry a signed head in a manifest.
func toBackupHead(h storage.SignedHead) *backup.SignedHead {
	return &backup.SignedHead{Seq: h.Seq, Hash: h.Hash, User: h.User, Time: h.Time, Signature: h.Signature}
}

func fromBackupHead(h backup.SignedHead) storage.SignedHead {
	return storage.SignedHead{Seq: h.Seq, Hash: h.Hash, User: h.User, Time: h.Time, Signature: h.Signature}
}
