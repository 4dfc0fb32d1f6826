package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"safeinvoice/auth"
	"safeinvoice/invoice"
	"safeinvoice/recurring"
)

// CheckProblem is one thing Check found wrong.
type CheckProblem struct {
	// Record is the key at fault ("invoice/3fa2…"), or what is at fault
	// when no single key is ("the database files", "count/client").
	Record string
	// Problem says what is wrong, in plain words.
	Problem string
}

func (p CheckProblem) String() string { return p.Record + ": " + p.Problem }

// RecordCount is how many records Check read, of every kind.
func (r CheckReport) RecordCount() int {
	n := 0
	for _, c := range r.Records {
		n += c
	}
	return n
}

// CheckReport is what Check read and found.
type CheckReport struct {
	// Records is how many records of each kind were read, checked and
	// decoded.
	Records map[string]int
	// AuditEntries is the length of the verified audit trail.
	AuditEntries uint64
	// Problems lists everything wrong, in key order; none means the books
	// are intact.
	Problems []CheckProblem
}

// checkKinds decode the payload of the kinds of record Check keeps nothing
// of (clients, invoices, summaries and alerts it decodes itself), so that
// a record whose MAC holds but which no longer decodes (written by another
// program with the keys) is found too.
var checkKinds = map[string]func(payload []byte) error{
	"user":     decodeAs[auth.User],
	"settings": decodeAs[Settings],
	"policy":   decodeAs[auth.Policy],
	"backup":   decodeAs[BackupState],
	"audit":    func(b []byte) error { _, err := decodeAudit(b); return err },
	"count":    eightBytes,
	"seq":      eightBytes,
	"stage":    decodeAs[stageMarker],
	"stagelog": decodeAs[stageLog],
	"auditsig": decodeAs[SignedHead],
	"mail":     decodeAs[MailSettings],
	"outbox":   decodeAs[OutboxEntry],
	"schedule": decodeAs[recurring.Schedule],
	"item":     decodeAs[invoice.Item],
}

func decodeAs[T any](b []byte) error {
	var v T
	return json.Unmarshal(b, &v)
}

func eightBytes(b []byte) error {
	if len(b) != 8 {
		return fmt.Errorf("%d bytes where a counter has 8", len(b))
	}
	return nil
}

// Check reads the whole vault, as `restic check` reads a repository: every
// table's checksums, every record's MAC and decoding, the links between
// records (each invoice's client, summary and claimed number), the kept
// counters against a count of the records, the alert numbering, and the
// audit chain. It reports every problem it finds rather than stopping at
// the first; the error is for a check that could not run (a closed vault,
// ctx done). progress, if not nil, is told how many records were read of
// about how many.
func (v *Vault) Check(ctx context.Context, progress func(done, total int64)) (CheckReport, error) {
	rep := CheckReport{Records: map[string]int{}}
	if err := v.checkOpen(); err != nil {
		return rep, err
	}
	add := func(record, problem string) {
		rep.Problems = append(rep.Problems, CheckProblem{Record: record, Problem: problem})
	}
	if err := v.verifyFiles(); err != nil {
		add("the database files", err.Error())
	}
	err := v.View(func(tx *Tx) (err error) {
		kept, cerr := tx.counters()
		if cerr != nil {
			add("count/…", cerr.Error())
		}
		var total int64
		for _, n := range kept {
			total += int64(n)
		}
		invoices := map[string]invoice.Invoice{}
		summaries := map[string]InvoiceSummary{}
		clients := map[string]bool{}
		numbers := map[string]string{}
		var alertSeqs []uint64
		scanned := map[string]int{}
		var done int64
		it := tx.txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 100})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if done%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if progress != nil {
					progress(done, max(total, done))
				}
			}
			item := it.Item()
			key := string(item.Key())
			kind := kindOf(key)
			if !isBookkeeping(key) {
				scanned[kind]++
			}
			done++
			val, err := item.ValueCopy(nil)
			if err != nil {
				add(key, readError(key, err).Error())
				continue
			}
			payload, err := v.macs.open(key, val)
			if err != nil {
				var de *DamagedError
				if errors.As(err, &de) {
					add(key, de.Problem)
				} else {
					add(key, err.Error())
				}
				continue
			}
			// The kinds whose links are checked are decoded once, into
			// what the links need; the others only to see that they do.
			id := strings.TrimPrefix(key, kind+"/")
			var derr error
			switch kind {
			case "client":
				clients[id] = true
				derr = decodeAs[invoice.Client](payload)
			case "invoice":
				var inv invoice.Invoice
				derr = json.Unmarshal(payload, &inv)
				invoices[id] = inv
			case "isum":
				summaries[id], derr = decodeSummary(payload)
			case "num":
				numbers[id] = string(payload)
			case "alert":
				var a Alert
				derr = json.Unmarshal(payload, &a)
				alertSeqs = append(alertSeqs, a.Seq)
			default:
				if decode := checkKinds[kind]; decode != nil && key != keyCountDone {
					derr = decode(payload)
				}
			}
			if derr != nil {
				add(key, "does not decode: "+derr.Error())
				continue
			}
			rep.Records[kind]++
		}
		if progress != nil {
			progress(done, done)
		}
		checkLinks(add, invoices, summaries, clients, numbers)
		for kind, n := range kept {
			if scanned[kind] != n {
				add(prefixCount+kind, fmt.Sprintf("%d %s records were written, %d are there", n, kind, scanned[kind]))
			}
		}
		for kind, n := range scanned {
			if _, ok := kept[kind]; !ok && n > 0 {
				add(prefixCount+kind, fmt.Sprintf("no %s records were written, %d are there", kind, n))
			}
		}
		if seq, err := tx.Seq("alert"); err != nil {
			add(prefixSeq+"alert", err.Error())
		} else {
			slices.Sort(alertSeqs)
			for i, s := range alertSeqs {
				if s != uint64(i+1) {
					add(alertKey(uint64(i+1)), "alert numbering has a gap here")
					break
				}
			}
			if uint64(len(alertSeqs)) != seq {
				add(prefixSeq+"alert", fmt.Sprintf("%d alerts were raised, %d are there", seq, len(alertSeqs)))
			}
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	audit, err := v.VerifyAuditContext(ctx)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return rep, err
	case err != nil:
		var ae *AuditError
		if errors.As(err, &ae) {
			add(auditKey(ae.Seq), ae.Problem)
		} else {
			add("audit/…", err.Error())
		}
	default:
		rep.AuditEntries = audit.Entries
	}
	slices.SortStableFunc(rep.Problems, func(a, b CheckProblem) int { return strings.Compare(a.Record, b.Record) })
	return rep, nil
}

// checkLinks reports invoices without their client, summary or claimed
// number, summaries without their invoice or that differ from it, and
// claimed numbers that point nowhere.
func checkLinks(add func(record, problem string), invoices map[string]invoice.Invoice, summaries map[string]InvoiceSummary,
	clients map[string]bool, numbers map[string]string) {
	for id, inv := range invoices {
		key := prefixInvoice + id
		if inv.ID != id {
			add(key, fmt.Sprintf("holds invoice %s", inv.ID))
		}
		if !clients[inv.ClientID] {
			add(key, fmt.Sprintf("its client %s is missing", inv.ClientID))
		}
		if inv.Number != "" && numbers[inv.Number] != id {
			add(key, fmt.Sprintf("its number %s is not claimed for it", inv.Number))
		}
		sum, ok := summaries[id]
		if !ok {
			add(prefixSummary+id, "the summary of an invoice is missing")
			continue
		}
		want, err := Summarize(&inv)
		if err != nil {
			add(key, "does not total: "+err.Error())
			continue
		}
		if !reflect.DeepEqual(normalSummary(want), normalSummary(sum)) {
			add(prefixSummary+id, "differs from its invoice (the list would show other figures)")
		}
	}
	for id := range summaries {
		if _, ok := invoices[id]; !ok {
			add(prefixSummary+id, "a summary without its invoice")
		}
	}
	for number, id := range numbers {
		if inv, ok := invoices[id]; !ok || inv.Number != number {
			add(prefixNumber+number, fmt.Sprintf("claimed for invoice %s, which does not carry it", id))
		}
	}
}

// normalSummary makes nil and empty payments alike and leaves out the
// timestamp, which lists do not show.
func normalSummary(s InvoiceSummary) InvoiceSummary {
	s.Updated = time.Time{}
	if len(s.Payments) == 0 {
		s.Payments = nil
	}
	return s
}

// Holds returns which of keys the vault holds with an intact value: how a
// vault restored from a backup tells which records that another copy lost
// it still has.
func (v *Vault) Holds(keys []string) (map[string]bool, error) {
	held := map[string]bool{}
	err := v.View(func(tx *Tx) error {
		for _, k := range keys {
			_, err := tx.getOptional(k)
			switch {
			case err == nil:
				held[k] = true
			case errors.Is(err, ErrNotFound), errors.Is(err, ErrDamaged):
			default:
				return err
			}
		}
		return nil
	})
	return held, err
}
