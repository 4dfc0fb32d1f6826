package search

import (
	"cmp"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"safeinvoice/invoice"
	"safeinvoice/storage"
)

// Index is the in-memory index behind the invoice list: every
// invoice summary, an inverted index of word prefixes over numbers, notes,
// line descriptions and client names, and sorted orders built on demand. It
// is filled from the vault's summaries at the first list after login and
// kept current by the session's own writes (only one process has a vault
// open). Safe for concurrent use.
type Index struct {
	mu sync.RWMutex
	// docs are slots; an updated invoice takes a new slot and its old one
	// is marked dead, so postings never need editing.
	docs  []Doc
	byID  map[string]int32
	dead  int
	words map[string][]int32 // word → slots, ascending
	// sortedWords is words' keys in order, for prefix ranges; rebuilt when
	// stale.
	sortedWords []string
	// wordsReady closes when words covers every slot. Opening a large
	// vault shows its first page before the word index is built; the
	// first search waits for it.
	wordsReady chan struct{}
	wordsBuilt bool
	// pendingText holds number and text of each loaded slot until
	// FinishLoad indexes them; documents do not keep their text.
	pendingText [][2]string
	// clients holds what is searchable and sortable of each client.
	clients     map[string]clientEntry
	clientWords map[string][]string // word → client ids
	sortedCW    []string
	orders      map[string][]int32 // sort key → live slots in order
}

// Doc is what the list keeps of an invoice: the summary without its
// text (only its words are kept) and without its timestamp.
type Doc struct {
	ID, Number, ClientID, Currency string
	IssueDate, DueDate             string
	Total, Balance                 string
	Kind                           invoice.Kind
	Status                         invoice.Status
	alive                          bool
	// issued and dueDay are IssueDate and DueDate as YYYYMMDD numbers,
	// for sorting without comparing strings; -1 when a date is not in
	// that form (the strings are compared then). dueDay is also -1 when
	// DueDate is not a day invoice.ParseDate takes: it is the due date of
	// the overdue rule (dueTime).
	issued, dueDay int32
	// Payments are the invoice's Payments (nil for most invoices), for
	// the dashboard's "paid this month"; Net, Rates and Credits are the
	// summary's, for the reports.
	Payments []storage.PaymentSummary
	Net      string
	Rates    []storage.RateSummary
	Credits  []storage.PaymentSummary
}

func docOf(s *storage.InvoiceSummary) Doc {
	return Doc{issued: dateKey(s.IssueDate), dueDay: dayKey(s.DueDate),
		ID: s.ID, Number: s.Number, ClientID: s.ClientID, Currency: s.Currency,
		IssueDate: s.IssueDate, DueDate: s.DueDate, Total: s.Total, Balance: s.Balance,
		Kind: s.Kind, Status: s.Status, alive: true, Payments: s.Payments, Net: s.Net, Rates: s.Rates, Credits: s.Credits}
}

// dateKey is a "YYYY-MM-DD" date as the number YYYYMMDD, which orders as
// the string does; -1 for anything else.
func dateKey(s string) int32 {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return -1
	}
	var n int32
	for i := 0; i < 10; i++ {
		if i == 4 || i == 7 {
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int32(c-'0')
	}
	return n
}

// dayKey is dateKey of a date invoice.ParseDate takes (a calendar day
// from the year 1900 on), -1 for anything else: the same test without
// parsing and formatting a time, which loading 100,000 summaries would
// pay for each.
func dayKey(s string) int32 {
	k := dateKey(s)
	if k < 0 {
		return -1
	}
	y, m, d := int(k/10000), time.Month(k/100%100), int(k%100)
	if y < 1900 || m < time.January || m > time.December || d < 1 || d > daysIn(y, m) {
		return -1
	}
	return k
}

// daysIn is the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// dueTime is the due date as invoice.ParseDate returns it, or the zero
// time (never overdue, as invoice.Invoice.IsOverdue) when it does not
// parse.
func (d *Doc) dueTime() time.Time {
	if d.dueDay < 0 {
		return time.Time{}
	}
	return time.Date(int(d.dueDay/10000), time.Month(d.dueDay/100%100), int(d.dueDay%100), 0, 0, 0, 0, time.UTC)
}

type clientEntry struct {
	name  string
	fold  string // folded name, for sorting
	words []string
}

func New() *Index {
	ready := make(chan struct{})
	close(ready)
	return &Index{
		byID:        map[string]int32{},
		words:       map[string][]int32{},
		clients:     map[string]clientEntry{},
		clientWords: map[string][]string{},
		orders:      map[string][]int32{},
		wordsReady:  ready,
		wordsBuilt:  true,
	}
}

// Grow makes room for n more documents before a load with Add, so that
// loading a large vault does not grow the slots and the map step by step.
func (x *Index) Grow(n int) {
	if n <= 0 {
		return
	}
	if len(x.byID) == 0 {
		x.byID = make(map[string]int32, n)
	}
	x.docs = slices.Grow(x.docs, n)
	x.pendingText = slices.Grow(x.pendingText, n)
}

// Add appends a summary while loading, before words are indexed; its text
// is returned for the word index and not kept in the document.
func (x *Index) Add(sum storage.InvoiceSummary) {
	x.byID[sum.ID] = int32(len(x.docs))
	x.pendingText = append(x.pendingText, [2]string{sum.Number, sum.Text})
	x.docs = append(x.docs, docOf(&sum))
}

// A Batch gathers documents for a load apart from the index, so that
// several goroutines can each decode their share of a vault's summaries;
// AddBatches then takes them in. The zero Batch is ready to use; a Batch is
// not safe for concurrent use.
type Batch struct {
	docs  []Doc
	texts [][2]string
}

// Grow makes room for n more documents.
func (b *Batch) Grow(n int) {
	b.docs = slices.Grow(b.docs, n)
	b.texts = slices.Grow(b.texts, n)
}

// Add appends a summary to the batch, as Index.Add would.
func (b *Batch) Add(sum storage.InvoiceSummary) {
	b.texts = append(b.texts, [2]string{sum.Number, sum.Text})
	b.docs = append(b.docs, docOf(&sum))
}

// AddBatches appends the batches' documents while loading, in the order
// given, as if each had been added with Add; the batches must not be used
// afterwards. The first batch's storage becomes the index's when the index
// is empty: grow it for all the documents to spare a copy.
func (x *Index) AddBatches(batches ...*Batch) {
	if len(x.byID) == 0 {
		total := 0
		for _, b := range batches {
			total += len(b.docs)
		}
		x.byID = make(map[string]int32, total)
	}
	for _, b := range batches {
		if len(x.docs) == 0 && len(x.pendingText) == 0 {
			x.docs, x.pendingText = b.docs, b.texts
			for i := range x.docs {
				x.byID[x.docs[i].ID] = int32(i)
			}
			continue
		}
		for i := range b.docs {
			x.byID[b.docs[i].ID] = int32(len(x.docs))
			x.docs = append(x.docs, b.docs[i])
		}
		x.pendingText = append(x.pendingText, b.texts...)
	}
}

// FinishLoad builds the word index of the documents added with add in the
// background; queries with text wait for it. Summaries put meanwhile are
// indexed as usual and merged in.
func (x *Index) FinishLoad() {
	x.mu.Lock()
	defer x.mu.Unlock()
	texts := x.pendingText
	x.pendingText = nil
	x.wordsBuilt = false
	x.wordsReady = make(chan struct{})
	go func() {
		words := map[string][]int32{}
		for slot, t := range texts {
			for _, w := range docWords(t[0], t[1]) {
				words[w] = append(words[w], int32(slot))
			}
		}
		x.mu.Lock()
		defer x.mu.Unlock()
		// Slots added or replaced while building were indexed into x.words
		// by putLocked; merge them in after the loaded ones, keeping each
		// posting list ascending.
		for w, slots := range x.words {
			words[w] = append(words[w], slots...)
		}
		packPostings(words)
		x.words, x.sortedWords, x.wordsBuilt = words, nil, true
		close(x.wordsReady)
		// Loading a large vault needed transient memory several times the
		// index's own size; give it back now rather than whenever the
		// runtime's scavenger gets to it.
		go debug.FreeOSMemory()
	}()
}

// packPostings moves every posting list into one shared array, exactly
// sized, dropping the slack that growing 100,000 small lists left behind.
// A later append to a packed list copies it (its capacity is its length).
func packPostings(words map[string][]int32) {
	total := 0
	for _, p := range words {
		total += len(p)
	}
	all := make([]int32, 0, total)
	for w, p := range words {
		start := len(all)
		all = append(all, p...)
		words[w] = all[start:len(all):len(all)]
	}
}

// docWords are the words under which a document is found. A number such
// as INV-2026-0042 is found through its parts, which a query's words
// match one by one.
func docWords(number, text string) []string {
	return tokenize(number + " " + text)
}

// tokenize splits text into folded words of letters and digits; an invoice
// number also counts whole.
func tokenize(s string) []string {
	f := invoice.Fold(s)
	words := strings.FieldsFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	slices.Sort(words)
	return slices.Compact(words)
}

func (x *Index) PutClient(c invoice.Client) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.putClientLocked(c)
}

func (x *Index) putClientLocked(c invoice.Client) {
	if old, ok := x.clients[c.ID]; ok {
		for _, w := range old.words {
			x.clientWords[w] = slices.DeleteFunc(x.clientWords[w], func(id string) bool { return id == c.ID })
			if len(x.clientWords[w]) == 0 {
				delete(x.clientWords, w)
			}
		}
	}
	words := tokenize(c.Name + " " + c.Email)
	x.clients[c.ID] = clientEntry{name: c.Name, fold: invoice.Fold(c.Name), words: words}
	for _, w := range words {
		x.clientWords[w] = append(x.clientWords[w], c.ID)
	}
	x.sortedCW = nil
	delete(x.orders, "client")
}

func (x *Index) RemoveClient(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if old, ok := x.clients[id]; ok {
		for _, w := range old.words {
			x.clientWords[w] = slices.DeleteFunc(x.clientWords[w], func(c string) bool { return c == id })
			if len(x.clientWords[w]) == 0 {
				delete(x.clientWords, w)
			}
		}
		delete(x.clients, id)
		x.sortedCW = nil
	}
}

// Put adds or replaces an invoice summary.
func (x *Index) Put(s storage.InvoiceSummary) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.putLocked(s)
}

func (x *Index) putLocked(s storage.InvoiceSummary) {
	x.removeLocked(s.ID)
	slot := int32(len(x.docs))
	words := docWords(s.Number, s.Text)
	x.docs = append(x.docs, docOf(&s))
	x.byID[s.ID] = slot
	for _, w := range words {
		p, seen := x.words[w]
		if !seen {
			x.sortedWords = nil
		}
		if len(p) == 0 || p[len(p)-1] != slot {
			x.words[w] = append(p, slot)
		}
	}
	clear(x.orders)
}

func (x *Index) Remove(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.removeLocked(id)
}

func (x *Index) removeLocked(id string) {
	slot, ok := x.byID[id]
	if !ok {
		return
	}
	x.docs[slot] = Doc{}
	delete(x.byID, id)
	x.dead++
	clear(x.orders)
	if x.wordsBuilt && x.dead > 1000 && x.dead > len(x.docs)/4 {
		x.compactLocked()
	}
}

// compactLocked renumbers the slots without the dead ones, carrying the
// word postings over (documents keep no text to index again).
func (x *Index) compactLocked() {
	renum := make([]int32, len(x.docs))
	live := x.docs[:0:0]
	for i, d := range x.docs {
		renum[i] = -1
		if d.alive {
			renum[i] = int32(len(live))
			live = append(live, d)
		}
	}
	for w, slots := range x.words {
		kept := slots[:0]
		for _, slot := range slots {
			if n := renum[slot]; n >= 0 {
				kept = append(kept, n)
			}
		}
		if len(kept) == 0 {
			delete(x.words, w)
			x.sortedWords = nil
		} else {
			x.words[w] = kept
		}
	}
	for id, slot := range x.byID {
		x.byID[id] = renum[slot]
	}
	x.docs, x.dead = live, 0
	clear(x.orders)
}

// Query selects, orders and pages the invoice list. Zero values mean
// "any"; Limit 0 means 50.
type Query struct {
	// Text is matched word by word against number, client name and email,
	// notes and line descriptions; every word must match the start of a word
	// there, ignoring case and accents.
	Text string
	// ClientID restricts to one client.
	ClientID string
	// Kind restricts to one kind of document; "" means invoices and
	// credit notes, which leaves quotes out: they owe nothing.
	Kind invoice.Kind
	// Status restricts to one status; invoice.StatusOverdue selects the
	// issued and partially paid invoices past their due date.
	Status invoice.Status
	// From and To bound the issue date, inclusive ("YYYY-MM-DD").
	From, To string
	// Sort is one of "date" (issue date, the default), "due", "number",
	// "client", "total", "balance", "status".
	Sort string
	// Desc reverses the order; the default for "date" is newest first,
	// which Desc=false gives (see Oldest).
	Desc   bool
	Offset int
	Limit  int
}

// Row is one line of the invoice list.
type Row struct {
	ID         string         `json:"id"`
	Number     string         `json:"number"`
	Kind       invoice.Kind   `json:"kind"`
	Status     invoice.Status `json:"status"`
	ClientID   string         `json:"-"`
	ClientName string         `json:"client"`
	IssueDate  string         `json:"issue_date"`
	DueDate    string         `json:"due_date"`
	Currency   string         `json:"currency"`
	Total      string         `json:"total"`
	Balance    string         `json:"balance"`
	// Sent is the date ("YYYY-MM-DD") the document was last e-mailed,
	// filled in by the app from its outbox; "" when never.
	Sent string `json:"sent,omitempty"`
}

// Page is one page of a query and the number of all matches.
type Page struct {
	Rows    []Row
	Matches int
}

// order returns the live slots sorted by key (ascending), cached.
func (x *Index) order(key string) []int32 {
	if o, ok := x.orders[key]; ok {
		return o
	}
	// The live slots in slot order: reading the documents one after
	// another, not in the map's order, keeps the loops below in the
	// cache.
	d := x.docs
	o := make([]int32, 0, len(x.byID))
	for i := range d {
		if d[i].alive {
			o = append(o, int32(i))
		}
	}
	// Numbers are compared by numKeys first (16 bytes as two integers)
	// and only in full where those are equal: numbers share long prefixes
	// ("INV-2026-0…"), which string comparisons walk again and again.
	keys := numKeys(d, o)
	byNumber := func(a, b int32) int {
		if c := keys[a].compare(keys[b]); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(d[a].Number, d[b].Number), cmp.Compare(d[a].ID, d[b].ID))
	}
	var f func(a, b int32) int
	switch key {
	case "due", "number", "date", "":
		sortByDateAndNumber(d, o, key, keys)
		x.orders[key] = o
		return o
	case "client":
		f = func(a, b int32) int {
			return cmp.Or(cmp.Compare(x.clients[d[a].ClientID].fold, x.clients[d[b].ClientID].fold), byNumber(a, b))
		}
	case "total":
		f = func(a, b int32) int { return cmp.Or(invoice.CompareDecimal(d[a].Total, d[b].Total), byNumber(a, b)) }
	case "balance":
		f = func(a, b int32) int {
			return cmp.Or(invoice.CompareDecimal(d[a].Balance, d[b].Balance), byNumber(a, b))
		}
	default: // status
		f = func(a, b int32) int { return cmp.Or(cmp.Compare(d[a].Status, d[b].Status), byNumber(a, b)) }
	}
	slices.SortFunc(o, f)
	x.orders[key] = o
	return o
}

// sortEntry is what the date and number orders sort: small and side by
// side in memory, where the documents (hundreds of bytes each) would be
// read in random order.
type sortEntry struct {
	num  numKey
	date int32 // issued or dueDay; 0 for the number order
	slot int32
}

// sortByDateAndNumber sorts slots by issue date ("date" or ""), due date
// ("due") or not at all ("number"), then by number and id, as comparing
// the strings would.
func sortByDateAndNumber(d []Doc, slots []int32, key string, keys []numKey) {
	e := make([]sortEntry, len(slots))
	for i, s := range slots {
		e[i] = sortEntry{num: keys[s], slot: s}
		switch key {
		case "due":
			e[i].date = d[s].dueDay
		case "number":
		default:
			e[i].date = d[s].issued
		}
	}
	dateOf := func(s int32) string {
		if key == "due" {
			return d[s].DueDate
		}
		return d[s].IssueDate
	}
	slices.SortFunc(e, func(a, b sortEntry) int {
		if a.date < 0 || b.date < 0 {
			if c := cmp.Compare(dateOf(a.slot), dateOf(b.slot)); c != 0 {
				return c
			}
		} else if a.date != b.date {
			return cmp.Compare(a.date, b.date)
		}
		if c := a.num.compare(b.num); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(d[a.slot].Number, d[b.slot].Number), cmp.Compare(d[a.slot].ID, d[b.slot].ID))
	})
	for i := range e {
		slots[i] = e[i].slot
	}
}

// numKey is 16 bytes of a number as two big-endian integers.
type numKey struct{ hi, lo uint64 }

func (a numKey) compare(b numKey) int {
	return cmp.Or(cmp.Compare(a.hi, b.hi), cmp.Compare(a.lo, b.lo))
}

// numKeys returns, for each slot in slots, the 16 bytes of its number that
// follow the prefix all those numbers share, as a numKey (a shorter rest
// is padded with zero bytes). Keys order as the numbers do wherever they
// differ: a shared prefix does not change an order, the first differing
// byte decides both, and a number that ends first (padded with zeros) is
// the smaller or, against a real zero byte, an equal key.
func numKeys(d []Doc, slots []int32) []numKey {
	keys := make([]numKey, len(d))
	if len(slots) == 0 {
		return keys
	}
	prefix := d[slots[0]].Number
	for _, s := range slots[1:] {
		n := d[s].Number
		i := 0
		for i < len(prefix) && i < len(n) && prefix[i] == n[i] {
			i++
		}
		prefix = prefix[:i]
	}
	for _, s := range slots {
		rest := d[s].Number[len(prefix):]
		var k [2]uint64
		for i := range 16 {
			k[i/8] <<= 8
			if i < len(rest) {
				k[i/8] |= uint64(rest[i])
			}
		}
		keys[s] = numKey{k[0], k[1]}
	}
	return keys
}

// prefixRange returns the words of sorted that start with p.
func prefixRange(sorted []string, p string) []string {
	lo, _ := slices.BinarySearch(sorted, p)
	hi := lo
	for hi < len(sorted) && strings.HasPrefix(sorted[hi], p) {
		hi++
	}
	return sorted[lo:hi]
}

// matchText returns the set of slots matching every word of text, or nil
// when text has no words (everything matches).
func (x *Index) matchText(text string) []bool {
	qs := tokenize(text)
	if len(qs) == 0 {
		return nil
	}
	if x.sortedWords == nil {
		x.sortedWords = make([]string, 0, len(x.words))
		for w := range x.words {
			x.sortedWords = append(x.sortedWords, w)
		}
		slices.Sort(x.sortedWords)
	}
	if x.sortedCW == nil {
		x.sortedCW = make([]string, 0, len(x.clientWords))
		for w := range x.clientWords {
			x.sortedCW = append(x.sortedCW, w)
		}
		slices.Sort(x.sortedCW)
	}
	var result []bool
	for _, q := range qs {
		hit := make([]bool, len(x.docs))
		for _, w := range prefixRange(x.sortedWords, q) {
			for _, slot := range x.words[w] {
				hit[slot] = true
			}
		}
		clientHit := map[string]bool{}
		for _, w := range prefixRange(x.sortedCW, q) {
			for _, id := range x.clientWords[w] {
				clientHit[id] = true
			}
		}
		if len(clientHit) > 0 {
			for slot, d := range x.docs {
				if d.alive && clientHit[d.ClientID] {
					hit[slot] = true
				}
			}
		}
		if result == nil {
			result = hit
			continue
		}
		for i := range result {
			result[i] = result[i] && hit[i]
		}
	}
	return result
}

// Query runs q; today decides which invoices are overdue.
func (x *Index) Query(q Query, today time.Time) Page {
	if strings.TrimSpace(q.Text) != "" {
		x.mu.Lock()
		ready := x.wordsReady
		x.mu.Unlock()
		<-ready
	}
	// Building caches (word lists, orders) needs the write lock.
	x.mu.Lock()
	defer x.mu.Unlock()
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	match := x.matchText(q.Text)
	order := x.order(q.Sort)
	// Newest first is the natural order of an invoice list.
	reverse := q.Desc != (q.Sort == "" || q.Sort == "date")
	page := Page{}
	for i := range order {
		slot := order[i]
		if reverse {
			slot = order[len(order)-1-i]
		}
		if match != nil && !match[slot] {
			continue
		}
		s := &x.docs[slot]
		if (q.Kind == "" && s.Kind == invoice.KindQuote) || (q.Kind != "" && s.Kind != q.Kind) ||
			(q.ClientID != "" && s.ClientID != q.ClientID) ||
			(q.From != "" && s.IssueDate < q.From) ||
			(q.To != "" && s.IssueDate > q.To) {
			continue
		}
		// The status is worked out only where it filters or is shown.
		var status invoice.Status
		if q.Status != "" {
			if status = s.EffectiveStatus(today); status != q.Status {
				continue
			}
		}
		if page.Matches >= q.Offset && len(page.Rows) < limit {
			if q.Status == "" {
				status = s.EffectiveStatus(today)
			}
			page.Rows = append(page.Rows, Row{
				ID: s.ID, Number: s.Number, Kind: s.Kind, Status: status,
				ClientID: s.ClientID, ClientName: x.clients[s.ClientID].name,
				IssueDate: s.IssueDate, DueDate: s.DueDate, Currency: s.Currency,
				Total: s.Total, Balance: s.Balance,
			})
		}
		page.Matches++
	}
	return page
}

// EffectiveStatus is invoice.Invoice.EffectiveStatus on a summary:
// StatusOverdue or StatusExpired when invoice.Effective says so, else the
// stored status.
func (d *Doc) EffectiveStatus(today time.Time) invoice.Status {
	return invoice.Effective(d.Kind, d.Status, d.dueTime(), today)
}

// ClientName is the name of client id as the index knows it.
func (x *Index) ClientName(id string) string {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.clients[id].name
}

// Each calls fn with every live document, holding the index's lock, and
// stops at the first error, which it returns. fn must not call back into
// the index.
func (x *Index) Each(fn func(d *Doc) error) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	for i := range x.docs {
		if !x.docs[i].alive {
			continue
		}
		if err := fn(&x.docs[i]); err != nil {
			return err
		}
	}
	return nil
}
