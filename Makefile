# PortBooks — the commands a person types (README). `make test` is what CI runs.
SWIFT ?= swift
SWIFT_FORMAT ?= swift format
CONFIGURATION ?= debug
## make bench SIZE=small: the same measurements in under a minute.
SIZE ?= full

.PHONY: all deps build test lint schema-check demo bench chaos undo-chaos lifecycle fixtures schema clean install

all: build

deps:
	@scripts/deps.sh

build: deps
	$(SWIFT) build -c $(CONFIGURATION)

## The whole suite: format lint, the schemas under standard validators, the embedded XSD, the Swift
## tests under a watchdog (scripts/test.sh: a hang fails in PORTBOOKS_TEST_MINUTES and says where), and
## the billing lifecycle at a small size.
test: deps lint schema-check
	$(SWIFT) build
	scripts/test.sh
	python3 scripts/lifecycle.py --days 7 --per-day 5 --seed 3 --build debug

lint:
	$(SWIFT_FORMAT) lint --strict --recursive --configuration .swift-format Sources Tests Package.swift

schema-check:
	python3 scripts/check-schemas.py
	@scripts/embed-schema.sh --check

## The main job on the embedded defaults: qbo-sandbox plus a SQLite ledger.
demo: deps
	$(SWIFT) build
	scripts/demo.sh

## Measured ratios, side by side in one run (see scripts/bench.py).
bench:
	@scripts/deps.sh --bench
	$(SWIFT) build -c release
	python3 scripts/bench.py --size $(SIZE) $(BENCH_ARGS)

## Faults, SIGKILL and restart over N generated invoices, then an exact audit (see scripts/chaos.py).
N ?= 2000
chaos: deps
	$(SWIFT) build -c release
	python3 scripts/chaos.py --invoices $(N) $(CHAOS_ARGS)

## portbooks undo over N generated invoices: killed KILLS times under server errors and dropped answers,
## then QuickBooks audited against before the run, and a re-sync against after it (scripts/undo-check.py).
UNDO_N ?= 2000
KILLS ?= 8
undo-chaos: deps
	$(SWIFT) build -c release
	python3 scripts/undo-check.py --build release --invoices $(UNDO_N) --kills $(KILLS) --faults $(UNDO_ARGS)

## PortPro billing over time (edits, voids, credit memos, part and over payments, CAD), synced after every
## day, QuickBooks' balances audited against PortPro's (see scripts/lifecycle.py). LIFECYCLE_ARGS=--faults
## mixes in server errors, dropped answers and throttles.
lifecycle: deps
	$(SWIFT) build
	python3 scripts/lifecycle.py $(LIFECYCLE_ARGS)

## Regenerate fixtures/drop-example from scripts/make-fixtures.py.
fixtures:
	python3 scripts/make-fixtures.py

## Re-embed schemas/portpro-export.xsd into the binary after editing it.
schema:
	scripts/embed-schema.sh

## Installs portbooks and qbo-sandbox into $(PREFIX)/bin, their man pages (generated from the commands'
## help, scripts/make-man.py) into $(PREFIX)/share/man/man1, and the shell completions (bash, zsh, fish).
## A release build unless CONFIGURATION=debug is given. DESTDIR stages the files for a package.
PREFIX ?= /usr/local
install: CONFIGURATION = release
install: deps
	$(SWIFT) build -c $(CONFIGURATION)
	@bin="$$($(SWIFT) build -c $(CONFIGURATION) --show-bin-path)"; \
	root="$(DESTDIR)$(PREFIX)"; \
	install -d "$$root/bin" "$$root/share/man/man1" "$$root/share/bash-completion/completions" \
	  "$$root/share/zsh/site-functions" "$$root/share/fish/vendor_completions.d"; \
	install -m 755 "$$bin/portbooks" "$$bin/qbo-sandbox" "$$root/bin/"; \
	python3 scripts/make-man.py "$$bin/portbooks" "$$root/share/man/man1"; \
	python3 scripts/make-man.py "$$bin/qbo-sandbox" "$$root/share/man/man1"; \
	"$$bin/portbooks" --generate-completion-script bash > "$$root/share/bash-completion/completions/portbooks"; \
	"$$bin/portbooks" --generate-completion-script zsh > "$$root/share/zsh/site-functions/_portbooks"; \
	"$$bin/portbooks" --generate-completion-script fish > "$$root/share/fish/vendor_completions.d/portbooks.fish"; \
	echo "installed into $$root: bin/portbooks bin/qbo-sandbox, share/man/man1/*.1, bash/zsh/fish completions"

clean:
	rm -rf .build demo bench-out
