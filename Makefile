# SafeInvoice. `make run` starts the window on the default data directory;
# `make test` runs every check CI runs. Both install the Debian packages they
# need first (scripts/install-deps).

GO          ?= go
BIN         ?= safeinvoice
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
# FyneApp.toml's Version is the program's: `safeinvoice version` prints it
# (app/cli.Version, set here) and the packages carry it.
VERSION     := $(shell sed -n 's/^ *Version = "\(.*\)"$$/\1/p' FyneApp.toml)
LDFLAGS     := -X safeinvoice/app/cli.Version=$(VERSION)
export LANG := en_US.UTF-8

.PHONY: all deps deps-test deps-windows build run test check fuzz fmt-check vet staticcheck unit race crash bench clean package smoke windows wine-test

all: build

deps:
	@scripts/install-deps

build: deps
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) .

## run: build and open the window on the default data directory
run: build
	./$(BIN)

## test: formatting, vet, staticcheck, the whole test suite with -race, the
## crash tests without it, a short fuzzing run of every fuzz target, and the
## Windows build with its tests under Wine
test: deps-test check race crash fuzz wine-test

deps-test:
	@scripts/install-deps test

deps-windows:
	@scripts/install-deps windows

check: deps fmt-check vet staticcheck

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run $(STATICCHECK) ./...

## unit: the tests without cgo or -race, as a quick loop while working
unit:
	CGO_ENABLED=0 $(GO) test ./...

race: deps
	$(GO) test -race -timeout 30m ./...

## crash: the crash tests that are too slow under -race (they skip
## themselves there): kills and a cancel during imports of 20,000 and
## 50,000 invoices, a kill during an export of 300 PDFs, during a batch
## send of 50 invoices to a real SMTP server and 20 during a catch-up of
## 520 recurring invoices, and two processes racing to run the schedules
crash: deps
	CGO_ENABLED=0 $(GO) test -count=1 -timeout 20m -run 'TestKillDuringImport|TestImportCancelledAt99Percent|TestKillDuringPDFExport|TestKillDuringABatchSend|TestKillDuringACatchUp|TestTwoProcessesRacingRunDue' -v ./app/

# Parsers of untrusted input get FUZZTIME each (30 s, as CI requires); the
# other targets a shorter run. Findings land in testdata/fuzz and fail here.
FUZZTIME      ?= 30s
FUZZTIME_MORE ?= 10s
FUZZ_LONG  = invoice:FuzzParseAmount invoice:FuzzParsePattern interchange:FuzzParseJSON interchange:FuzzParseCSV \
             interchange:FuzzParseCatalogueCSV
FUZZ_SHORT = invoice:FuzzLineNet invoice:FuzzScan auth:FuzzStrength storage:FuzzDecodeSummary \
             backup:FuzzOpenManifest pdf:FuzzSafeFileName reports:FuzzSum \
             app/internal/search:FuzzDueTimeIsParseDate

## fuzz: run every fuzz target for a while (scripts/fuzz-one)
fuzz:
	@set -e; for t in $(FUZZ_LONG); do \
	  echo "fuzz $$t ($(FUZZTIME))"; scripts/fuzz-one $${t%%:*} $${t#*:} $(FUZZTIME); \
	done; for t in $(FUZZ_SHORT); do \
	  echo "fuzz $$t ($(FUZZTIME_MORE))"; scripts/fuzz-one $${t%%:*} $${t#*:} $(FUZZTIME_MORE); \
	done

## bench: every benchmark of BENCHMARKS.md, side by side in one run.
## BENCH_N sizes the large vault (100,000 invoices; generated once into the
## temporary folder and reused). Chromium's comparison needs Debian's
## chromium package and skips without it.
BENCH_N ?= 100000
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2s ./storage/
	SAFEINVOICE_BENCH_N=$(BENCH_N) $(GO) test -run '^$$' -bench 'UnlockToFirstPage|Search|Import|ResidentMemory|CheckBooks|Reports|Dashboard' -benchtime 10x -timeout 60m ./app/
	SAFEINVOICE_BENCH_N=$(BENCH_N) $(GO) test -run '^$$' -bench 'Backup' -benchtime 2x -timeout 60m ./app/
	CGO_ENABLED=0 $(GO) test -run '^$$' -bench 'RenderOnePage$$|Render120|Export1000|Chromium' -benchtime 1x ./pdf/
	CGO_ENABLED=0 $(GO) test -run '^$$' -bench 'RenderOnePage$$' -benchtime 500x ./pdf/
	CGO_ENABLED=0 $(GO) test -run '^$$' -bench 'FacturXOnePage' -benchtime 200x ./pdf/
	CGO_ENABLED=0 $(GO) test -run '^$$' -bench 'Write' -benchtime 2000x ./einvoice/

## package: a Linux desktop package (SafeInvoice.tar.xz) with fyne.io/tools;
## it builds with cgo, like `make build`. fyne package bumps the build
## number in FyneApp.toml; the file is put back as it was.
FYNE ?= fyne.io/tools/cmd/fyne@v1.7.4
package: deps
	cp FyneApp.toml FyneApp.toml.orig
	GOFLAGS='-ldflags=-X=safeinvoice/app/cli.Version=$(VERSION)' CGO_ENABLED=1 $(GO) run $(FYNE) package -os linux -icon assets/Icon.png -name SafeInvoice -release; \
	  rc=$$?; mv FyneApp.toml.orig FyneApp.toml; exit $$rc

## smoke: the real window under Xvfb, screenshots in SMOKE_OUT
SMOKE_OUT ?= smoke-out
smoke: deps
	scripts/smoke-window $(SMOKE_OUT)

## windows: SafeInvoice.exe for 64-bit Windows, cross-built with mingw-w64
## (icon, version information), and dist/SafeInvoice-<version>-windows-amd64.zip
## with the licences (scripts/windows-dist)
windows: deps-windows
	GO=$(GO) FYNE=$(FYNE) scripts/windows-dist

## wine-test: the Windows build's tests under Wine (scripts/wine-test): the
## Windows test binaries of the packages that work with files, and the
## command line of dist/SafeInvoice.exe on a fresh prefix
wine-test: windows
	scripts/wine-test dist/SafeInvoice.exe

clean:
	rm -f $(BIN)
	rm -rf dist
