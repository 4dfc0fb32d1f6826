package archtest

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "safeinvoice"

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// listPackages runs `go list -deps` style listing over the whole module.
func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", module+"/...")
	cmd.Dir = "../.."
	// main reaches Fyne's GLFW driver, which only exists with cgo; listing
	// needs no C compiler, so ask for the cgo view whatever the test runs with.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	if len(pkgs) < 8 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

func rel(path string) string {
	if path == module {
		return "main"
	}
	return strings.TrimPrefix(path, module+"/")
}

func isProject(path string) bool {
	return path == module || strings.HasPrefix(path, module+"/")
}

// allowed lists, for each package, the project packages it may import
// directly: what the code needs, no more (see ARCHITECTURE.md). A package
// missing here may not exist: add it with its rule. Only the imports of
// non-test files count: tests may also import internal/testkit, which no
// package lists, so that no product code can.
var allowed = map[string][]string{
	// The domain imports nothing of the project.
	"invoice": {},
	"auth":    {},
	// Leaves.
	"assets":             {},
	"internal/fsutil":    {},
	"internal/archtest":  {},
	"internal/localefix": {},
	// Test helpers, imported by the tests of every package; importing a
	// project package would make an import cycle with that package's tests.
	"internal/testkit": {},
	// A real SMTP server for the tests of the code that sends mail.
	"internal/smtptest": {},
	// The vault knows the records it stores and who may log in.
	"storage": {"invoice", "auth", "recurring", "internal/fsutil"},
	// Backups move encrypted streams and know nothing of invoices or users.
	"backup": {"internal/fsutil"},
	// Documents and file formats read invoices; they know no users.
	"pdf":         {"invoice", "reports", "internal/fsutil", "assets"},
	"interchange": {"invoice"},
	"einvoice":    {"invoice"},
	// Recurring schedules: dates and the invoice each occurrence makes.
	"recurring": {"invoice"},
	// Reports: sums over what the list keeps of each document.
	"reports": {"invoice"},
	// Mail knows SMTP and MIME, nothing of invoices.
	"email": {},
	// The use cases tie everything together; the index is theirs alone.
	"app":                 {"invoice", "auth", "storage", "backup", "pdf", "interchange", "einvoice", "email", "recurring", "reports", "internal/fsutil", "app/internal/search"},
	"app/internal/search": {"invoice", "storage"},
	// Front ends go through app, never to storage, backup or pdf.
	"app/ui":  {"app", "invoice", "auth", "recurring", "assets", "internal/fsutil"},
	"app/cli": {"app", "invoice", "auth", "recurring", "internal/fsutil"},
	"main":    {"app/ui", "app/cli", "internal/localefix"},
}

func TestDependencyRule(t *testing.T) {
	pkgs := listPackages(t)
	for path, p := range pkgs {
		if !isProject(path) {
			continue
		}
		name := rel(path)
		ok, known := allowed[name]
		if !known {
			t.Errorf("package %s has no dependency rule; add it to allowed", name)
			continue
		}
		for _, imp := range p.Imports {
			if isProject(imp) && !slices.Contains(ok, rel(imp)) {
				t.Errorf("%s imports %s, which the dependency rule forbids", name, rel(imp))
			}
		}
	}
}

func TestDomainImportsNoProjectPackage(t *testing.T) {
	pkgs := listPackages(t)
	for _, name := range []string{"invoice", "auth"} {
		for _, d := range pkgs[module+"/"+name].Deps {
			if isProject(d) {
				t.Errorf("domain package %s depends on %s", name, rel(d))
			}
		}
	}
}

func TestOnlyUIAndMainReachFyne(t *testing.T) {
	pkgs := listPackages(t)
	for path, p := range pkgs {
		if !isProject(path) {
			continue
		}
		name := rel(path)
		for _, d := range p.Deps {
			if !strings.HasPrefix(d, "fyne.io/") {
				continue
			}
			if name != "app/ui" && name != "main" {
				t.Errorf("%s depends on Fyne (%s)", name, d)
				break
			}
		}
		for _, imp := range p.Imports {
			if imp == "fyne.io/fyne/v2/app" && name != "main" {
				t.Errorf("%s imports fyne.io/fyne/v2/app; only main may", name)
			}
		}
	}
}

func TestOnlyStorageImportsBadger(t *testing.T) {
	pkgs := listPackages(t)
	for path, p := range pkgs {
		if !isProject(path) {
			continue
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, "github.com/dgraph-io/") && rel(path) != "storage" {
				t.Errorf("%s imports %s; only storage may", rel(path), imp)
			}
		}
	}
}
