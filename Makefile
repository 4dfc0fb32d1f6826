# SafeInvoice. `make run` starts the window on the default data directory;
# `make test` runs every check CI runs. Both install the Debian packages they
# need first (scripts/install-deps).

GO          ?= go
BIN         ?= safeinvoice
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
export LANG := en_US.UTF-8

.PHONY: all deps build run test check fmt-check vet staticcheck unit race bench clean

all: build

deps:
	@scripts/install-deps

build: deps
	$(GO) build -o $(BIN) .

## run: build and open the window on the default data directory
run: build
	./$(BIN)

## test: formatting, vet, staticcheck, and the whole test suite with -race
test: check race

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

## bench: the benchmarks of BENCHMARKS.md
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2s ./storage/ ./app/

clean:
	rm -f $(BIN)
