# logifn: a logistics ERP as Go serverless functions.
SHELL    := /bin/bash
.SHELLFLAGS := -o pipefail -c
GO       ?= go
GOARCH   ?= amd64
FUNCTIONS := $(notdir $(patsubst %/cmd,%,$(wildcard functions/*/cmd)))
LDFLAGS  := -s -w
DIST     ?= dist

.PHONY: run test test-short vet fmt build logifn clean help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: logifn ## start the local platform (every function on one port, SQLite under ./data)
	./bin/logifn serve

logifn: ## build the CLI into bin/logifn
	$(GO) build -o bin/logifn ./cmd/logifn

test: vet ## run every test; MySQL suites need LOGIFN_TEST_MYSQL_DSN (CI sets it)
	$(GO) build -o bin/testsummary ./tests/testsummary
	$(GO) test -count=1 -json ./... | ./bin/testsummary

test-short: ## unit tests only, no binaries or end-to-end runs
	$(GO) test -count=1 -short ./...

vet: ## go vet and a gofmt check
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

fmt: ## format the code
	gofmt -w $$(git ls-files -co --exclude-standard '*.go')

build: ## build dist/<function>/bootstrap for every function (GOARCH=amd64|arm64)
	@for f in $(FUNCTIONS); do \
		echo "build $$f ($(GOARCH))"; \
		CGO_ENABLED=0 GOOS=linux GOARCH=$(GOARCH) $(GO) build -trimpath -tags lambda.norpc -ldflags "$(LDFLAGS)" \
			-o $(DIST)/$$f/bootstrap ./functions/$$f/cmd || exit 1; \
	done

clean: ## remove build output and local data
	rm -rf bin $(DIST) data
