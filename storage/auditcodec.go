package storage

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
)

// auditFormat starts a stored audit value: the format byte, the 32-byte
// chain hash, the 32-byte tag, then the entry's exact JSON bytes. Binary
// framing, because decoding JSON was most of the cost of verifying 100,000
// entries.
const auditFormat = 1

var errBadAudit = errors.New("damaged audit entry")

func encodeAudit(sa storedAudit) ([]byte, error) {
	h, err := hex.DecodeString(sa.Hash)
	if err != nil || len(h) != 32 {
		return nil, errBadAudit
	}
	t, err := hex.DecodeString(sa.Tag)
	if err != nil || len(t) != 32 {
		return nil, errBadAudit
	}
	out := make([]byte, 0, 65+len(sa.Entry))
	out = append(out, auditFormat)
	out = append(out, h...)
	out = append(out, t...)
	return append(out, sa.Entry...), nil
}

// decodeAudit reads a stored audit value. The entry aliases val.
func decodeAudit(val []byte) (storedAudit, error) {
	if len(val) > 0 && val[0] == '{' {
		// A value written as JSON (by a tool, or a test tampering with
		// the database): read it the long way.
		var sa storedAudit
		if err := json.Unmarshal(val, &sa); err != nil {
			return sa, errBadAudit
		}
		return sa, nil
	}
	if len(val) < 65 || val[0] != auditFormat {
		return storedAudit{}, errBadAudit
	}
	return storedAudit{
		Hash:  hex.EncodeToString(val[1:33]),
		Tag:   hex.EncodeToString(val[33:65]),
		Entry: json.RawMessage(val[65:]),
	}, nil
}

// entryLinks returns an entry's sequence number and previous hash. Entries
// are written by json.Marshal of AuditEntry, so they begin {"seq":N, and
// end ,"prev":"HEX"}; anything else is parsed in full.
func entryLinks(entry []byte) (uint64, string, error) {
	const head, tail = `{"seq":`, `"}`
	const prevKey = `,"prev":"`
	if bytes.HasPrefix(entry, []byte(head)) && bytes.HasSuffix(entry, []byte(tail)) && len(entry) > len(head)+len(prevKey)+64+len(tail) {
		rest := entry[len(head):]
		end := bytes.IndexByte(rest, ',')
		p := len(entry) - len(tail) - 64
		if end > 0 && bytes.Equal(entry[p-len(prevKey):p], []byte(prevKey)) {
			if seq, err := strconv.ParseUint(string(rest[:end]), 10, 64); err == nil {
				return seq, string(entry[p : p+64]), nil
			}
		}
	}
	var e struct {
		Seq  uint64 `json:"seq"`
		Prev string `json:"prev"`
	}
	if err := json.Unmarshal(entry, &e); err != nil {
		return 0, "", errBadAudit
	}
	return e.Seq, e.Prev, nil
}
