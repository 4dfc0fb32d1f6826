package storage

import (
	"fmt"
	"time"
)

const prefixAlert = "alert/"

// Alert is a notice for administrators: failed-login bursts, a broken audit
// chain, a vault changed while SafeInvoice was closed, bulk exports,
// restores, user and policy changes, backup trouble. Alerts stay in the
// vault until an administrator acknowledges them.
type Alert struct {
	Seq     uint64    `json:"seq"`
	Time    time.Time `json:"time"`
	Kind    string    `json:"kind"`
	Message string    `json:"message"`
	// AckBy and AckTime are set when an administrator has seen it.
	AckBy   string    `json:"ack_by,omitempty"`
	AckTime time.Time `json:"ack_time,omitempty"`
}

func alertKey(seq uint64) string { return fmt.Sprintf("%s%016d", prefixAlert, seq) }

// AddAlert stores a new alert and returns it with its sequence number.
func (tx *Tx) AddAlert(kind, message string) (Alert, error) {
	seq, err := tx.NextSeq("alert")
	if err != nil {
		return Alert{}, err
	}
	a := Alert{Seq: seq, Time: tx.Now().UTC(), Kind: kind, Message: message}
	return a, putJSON(tx, alertKey(seq), a)
}

// Alert returns the alert with seq, or ErrNotFound.
func (tx *Tx) Alert(seq uint64) (Alert, error) { return getJSON[Alert](tx, alertKey(seq)) }

// PutAlert replaces an alert (to acknowledge it).
func (tx *Tx) PutAlert(a Alert) error { return putJSON(tx, alertKey(a.Seq), a) }

// EachAlert calls fn for every alert, oldest first, until fn returns an
// error.
func (tx *Tx) EachAlert(fn func(Alert) error) error { return eachJSON(tx, prefixAlert, fn) }
