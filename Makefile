# logifn: a logistics ERP as Go serverless functions.
SHELL    := /bin/bash
.SHELLFLAGS := -o pipefail -c
GO       ?= go
GOARCH   ?= amd64
FUNCTIONS := $(notdir $(patsubst %/cmd,%,$(wildcard functions/*/cmd)))
LDFLAGS  := -s -w
# Deployed functions run on MySQL: nosqlite leaves the embedded database
# (a third of a binary, and its start-up) out of them. Tests, `logifn serve`
# and the end-to-end suite build without it and run on SQLite.
TAGS     := lambda.norpc,nosqlite
# Each platform uses one object store, and its build leaves the other SDK
# out of the functions that use object storage: Function Compute uses OSS
# (nos3), Lambda uses S3 (nooss). Knative images (infra/docker) keep both,
# as do tests and `logifn serve`; the local directory store is always in.
FC_TAGS     := $(TAGS),nos3
LAMBDA_TAGS := $(TAGS),nooss
# build and package target Function Compute unless PLATFORM=lambda.
PLATFORM ?= fc
BUILD_TAGS = $(if $(filter lambda,$(PLATFORM)),$(LAMBDA_TAGS),$(FC_TAGS))
DIST     ?= dist

.PHONY: run test test-short vet fmt build package logifn clean help knative-validate

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: logifn ## start the local platform (every function on one port, SQLite under ./data)
	./bin/logifn serve

logifn: ## build the CLI into bin/logifn
	$(GO) build -o bin/logifn ./cmd/logifn

test: vet ## run every test; MySQL suites need LOGIFN_TEST_MYSQL_DSN (CI sets it)
	$(GO) build -o bin/testsummary ./tests/testsummary
	$(GO) test -count=1 -json ./... | ./bin/testsummary
	@# The object store each platform's build leaves out is refused by name.
	$(GO) test -count=1 -tags $(FC_TAGS) ./shared/app/storage/
	$(GO) test -count=1 -tags $(LAMBDA_TAGS) ./shared/app/storage/

test-short: ## unit tests only, no binaries or end-to-end runs
	$(GO) test -count=1 -short ./...

knative-validate: ## check infra/knative with Knative's own types and validation (nested module, heavy)
	cd infra/knative/validate && $(GO) test -count=1 ./...

vet: ## go vet and a gofmt check
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

fmt: ## format the code
	gofmt -w $$(git ls-files -co --exclude-standard '*.go')

.PHONY: smoke
smoke: ## build every function as deployed and start each on FC, Knative, plain HTTP and Lambda
	LOGIFN_SMOKE=1 $(GO) test -count=1 -run '^TestEveryBinaryStartsInEveryMode$$' -v ./tests | grep -E '^ *(--- |ok|FAIL|PASS)'

# fuzz finds every Fuzz* target of the module and runs each for FUZZTIME,
# printing its executions; the first crash stops it, with the failing input
# written under the package's testdata/fuzz. `make test` runs the seeds.
FUZZTIME ?= 20s
.PHONY: fuzz
fuzz: ## run every Fuzz* target for FUZZTIME (20s) each; stops at the first crash
	@$(GO) test -list '^Fuzz' ./... | awk '/^Fuzz/ { names = names " " $$1 } /^ok/ { if (names != "") print $$2 names; names = "" }' | \
	while read -r pkg targets; do \
		for t in $$targets; do \
			out=$$($(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) $$pkg 2>&1); rc=$$?; \
			execs=$$(echo "$$out" | grep -o 'execs: [0-9]*' | tail -1 | cut -d' ' -f2); \
			printf '%-52s %-28s %10s execs\n' "$$pkg" "$$t" "$${execs:-?}"; \
			if [ $$rc -ne 0 ]; then echo "$$out" | grep -v '^fuzz: elapsed' | tail -40; exit 1; fi; \
		done; \
	done

.PHONY: bench soak
BENCHFLAGS ?=
bench: logifn ## every scenario beside its baseline on MySQL, as ratios (bench/results.json; BENCHFLAGS="--only get,create")
	./bin/logifn bench $(BENCHFLAGS)

SOAKTIME ?= 2m
SOAKFLAGS ?=
soak: logifn ## mixed workload on MySQL for SOAKTIME (2m): requests, errors, memory and goroutines over time
	./bin/logifn bench soak --duration $(SOAKTIME) $(SOAKFLAGS)

build: ## build dist/<function>/bootstrap for every function (PLATFORM=fc|lambda, GOARCH=amd64|arm64)
	@$(if $(filter fc lambda,$(PLATFORM)),,echo "PLATFORM=$(PLATFORM): want fc or lambda"; exit 1;) \
	for f in $(FUNCTIONS); do \
		echo "build $$f ($(PLATFORM), $(GOARCH))"; \
		CGO_ENABLED=0 GOOS=linux GOARCH=$(GOARCH) $(GO) build -trimpath -tags $(BUILD_TAGS) -ldflags "$(LDFLAGS)" \
			-o $(DIST)/$$f/bootstrap ./functions/$$f/cmd || exit 1; \
	done

package: build ## zip dist/<function>.zip (bootstrap at the root) for PLATFORM (fc, or lambda)
	@for f in $(FUNCTIONS); do \
		rm -f $(DIST)/$$f.zip; \
		(cd $(DIST)/$$f && zip -q -X ../$$f.zip bootstrap) || exit 1; \
		echo "$(DIST)/$$f.zip $$(du -k $(DIST)/$$f.zip | cut -f1) KiB"; \
	done

# SAM's makefile build method (template.yaml, Metadata: BuildMethod: makefile)
# runs build-<LogicalId> with ARTIFACTS_DIR set; each builds one function's
# bootstrap for Lambda on arm64.
lambda-build = CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -trimpath -tags $(LAMBDA_TAGS) -ldflags "$(LDFLAGS)" \
	-o $(ARTIFACTS_DIR)/bootstrap ./functions/$(1)/cmd
build-ShipmentCreateFunction: ; $(call lambda-build,shipment-create)
build-ShipmentGetFunction: ; $(call lambda-build,shipment-get)
build-ShipmentListFunction: ; $(call lambda-build,shipment-list)
build-ShipmentScanFunction: ; $(call lambda-build,shipment-scan)
build-ShipmentReceiptFunction: ; $(call lambda-build,shipment-receipt)
build-ShipmentCancelFunction: ; $(call lambda-build,shipment-cancel)
build-ShipmentTrackFunction: ; $(call lambda-build,shipment-track)
build-StationPutFunction: ; $(call lambda-build,station-put)
build-StationListFunction: ; $(call lambda-build,station-list)
build-ItemListFunction: ; $(call lambda-build,item-list)
build-QuoteFunction: ; $(call lambda-build,quote)
build-RatesFunction: ; $(call lambda-build,rates)
build-ImageUploadFunction: ; $(call lambda-build,image-upload)
build-ImageListFunction: ; $(call lambda-build,image-list)
build-WaybillImageIngestFunction: ; $(call lambda-build,waybill-image-ingest)
build-ScanFileIngestFunction: ; $(call lambda-build,scan-file-ingest)
build-StaleSweepFunction: ; $(call lambda-build,stale-sweep)
build-AutoReceiptFunction: ; $(call lambda-build,auto-receipt)
build-DailyReportFunction: ; $(call lambda-build,daily-report)
build-HousekeepingFunction: ; $(call lambda-build,housekeeping)
build-WebhookEndpointsFunction: ; $(call lambda-build,webhook-endpoints)
build-WebhookDispatchFunction: ; $(call lambda-build,webhook-dispatch)
build-ConsoleFunction: ; $(call lambda-build,console)

clean: ## remove build output and local data
	rm -rf bin $(DIST) data
