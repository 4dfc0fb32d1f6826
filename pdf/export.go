package pdf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"safeinvoice/internal/fsutil"
	"safeinvoice/invoice"
)

// FilePerm is the permission of exported files: they hold client data, so
// only their owner may read them.
const FilePerm fs.FileMode = 0o600

// maxVariants bounds the " (N)" names tried for one document before Export
// gives up on it.
const maxVariants = 1000

// ErrNoFreeName is returned by Export when a document's name and its
// numbered variants up to " (1000)" all exist already.
var ErrNoFreeName = errors.New("no free file name")

// BatchOptions configure Export.
type BatchOptions struct {
	// Seller is printed on every document.
	Seller invoice.Party
	// Options apply to every document. With a zero CreationDate, each
	// document gets the time it was rendered.
	Options Options
	// Workers is the number of documents rendered and written at once;
	// when zero or negative, twice runtime.GOMAXPROCS(0): a worker
	// writing its file mostly waits for the disk, and another renders
	// meanwhile.
	Workers int
	// Progress, when not nil, is called after each file is written with
	// the number of files written so far and the number of documents. It
	// is called from the goroutine that called Export, one call at a
	// time, with done increasing from 1 to total on success; it must not
	// block for long, as it holds up the export.
	Progress func(done, total int)
}

// Export renders docs into the existing folder dir, one PDF per document,
// using opts.Workers goroutines, and returns the path of each file in the
// order of docs.
//
// Each file is named by SafeFileName from the invoice number ("Draft" for a
// draft) and the client's name, shortened where the folder's path is long
// so that the file's stays within MaxPathLength (FreeName; a folder that
// leaves no room fails with ErrPathTooLong before anything is written),
// and is written atomically (see
// fsutil.WriteFileDeferDirSync): it appears complete or not at all; the
// folder is synced once, before Export returns, so that then every file
// written and its name are on disk. An existing file is
// never overwritten: when the name is taken, Export uses the first free one
// of "NAME (2).pdf", "NAME (3).pdf", … up to " (1000)", then fails with
// ErrNoFreeName. Documents of the batch that share a name get theirs in
// the order of docs: the first of them the plain name (when it is free),
// the next " (2)", and so on. Files are created with FilePerm.
//
// On the first error, or when ctx is cancelled, Export stops starting new
// documents, waits for those in progress (at most one render and one write
// per worker), and returns. Files already written are complete and stay;
// their paths are in the returned slice, whose other entries are empty. No
// temporary file is left behind. A cancelled export returns ctx.Err()
// itself; other errors name the document.
func Export(ctx context.Context, docs []Document, dir string, opts BatchOptions) ([]string, error) {
	paths := make([]string, len(docs))
	if err := ctx.Err(); err != nil {
		return paths, err
	}
	if st, err := os.Stat(dir); err != nil {
		return paths, fmt.Errorf("export folder: %w", err)
	} else if !st.IsDir() {
		return paths, fmt.Errorf("export folder %s: not a folder", dir)
	}
	if _, err := nameRoom(dir); err != nil {
		return paths, fmt.Errorf("export folder: %w", err)
	}
	r, err := NewRenderer(opts.Seller, opts.Options)
	if err != nil {
		return paths, err
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = 2 * runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(docs))

	inner, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		i    int
		path string
		err  error
	}
	turns := nameTurns(docs)
	next := make(chan int)
	results := make(chan result)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				path, err := exportOne(inner, r, docs[i], dir, turns[i])
				close(turns[i].done)
				results <- result{i, path, err}
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range docs {
			select {
			case next <- i:
			case <-inner.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	var firstErr error
	done := 0
	for res := range results {
		switch {
		case res.err == nil:
			paths[res.i] = res.path
			done++
			if opts.Progress != nil && firstErr == nil && ctx.Err() == nil {
				opts.Progress(done, len(docs))
			}
		case firstErr == nil && !errors.Is(res.err, context.Canceled):
			firstErr = res.err
			cancel()
		}
	}
	if done > 0 {
		// The files' data reached the disk before their names appeared;
		// one sync of the folder makes the names of all of them durable.
		if err := fsutil.SyncDir(dir); err != nil && firstErr == nil {
			firstErr = fmt.Errorf("export folder: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return paths, err
	}
	return paths, firstErr
}

// nameTurn orders the documents of a batch that share a file name: a
// document takes its name only after the one before it with the same name
// (after, when there is one) has its file or has failed; done is closed
// when this one has.
type nameTurn struct {
	after <-chan struct{}
	done  chan struct{}
}

// nameTurns returns the nameTurn of each of docs. Names that differ only
// in case count as the same, as they do on Windows and macOS.
func nameTurns(docs []Document) []nameTurn {
	turns := make([]nameTurn, len(docs))
	last := make(map[string]int, len(docs))
	for i, doc := range docs {
		turns[i].done = make(chan struct{})
		number, client := docName(doc)
		key := strings.ToLower(SafeFileName(number, client))
		if j, ok := last[key]; ok {
			turns[i].after = turns[j].done
		}
		last[key] = i
	}
	return turns
}

// docName is the invoice number ("Draft" without one) and the client's
// name that a document's file is named by.
func docName(doc Document) (number, client string) {
	if doc.Invoice != nil {
		number = doc.Invoice.Number
	}
	if number == "" {
		number = "Draft"
	}
	if doc.Client != nil {
		client = doc.Client.Name
	}
	return number, client
}

// exportOne renders one document and writes it under a free name in dir,
// in its turn among the documents of the same name.
func exportOne(ctx context.Context, r *Renderer, doc Document, dir string, turn nameTurn) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	b, err := r.Render(doc)
	if err != nil {
		return "", err
	}
	if turn.after != nil {
		select {
		case <-turn.after:
		case <-ctx.Done():
		}
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	number, client := docName(doc)
	names, err := FreeNames(dir, number, client, fileExt)
	if err != nil {
		return "", fmt.Errorf("export %s: %w", doc.Title(), err)
	}
	for n := 1; n <= maxVariants; n++ {
		path := filepath.Join(dir, names.Variant(n))
		if _, err := os.Lstat(path); err == nil {
			continue // taken: try the next variant without writing
		}
		// The folder is synced once, by Export, when the batch is done.
		err = fsutil.WriteFileDeferDirSync(path, FilePerm, true, func(w io.Writer) error {
			if _, err := w.Write(b); err != nil {
				return fmt.Errorf("write %s: %w", path, err)
			}
			return nil
		})
		if errors.Is(err, fsutil.ErrExists) {
			continue // taken meanwhile, by another worker or program
		}
		if err != nil {
			return "", fmt.Errorf("export %s: %w", doc.Title(), err)
		}
		return path, nil
	}
	return "", fmt.Errorf("export %s as %q: %w", doc.Title(), SafeFileName(number, client), ErrNoFreeName)
}
