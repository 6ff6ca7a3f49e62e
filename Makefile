# The two commands a newcomer needs: `make demo` and `make test`.
SWIFT ?= swift
DATA ?= ./anyun-data
LISTEN ?= 127.0.0.1:8080
SYSLOG ?= 127.0.0.1:5514

.PHONY: demo test deps test-deps build release bench clean

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

release: deps
	$(SWIFT) build -c release --product anyun

build: deps
	$(SWIFT) build --product anyun

# Builds, starts the centre with a demo deployment (16 units, 80 systems, 300 hosts) and prints
# the console URL and the logins.
demo: release
	.build/release/anyun server --data $(DATA) --listen $(LISTEN) --demo --syslog-udp $(SYSLOG) --syslog-tcp $(SYSLOG)

# The whole suite: unit tests, HTTP tests, real-process integration tests, the browser test.
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) build --product anyun
	# A hung test fails the run after 45 minutes instead of eating the whole CI budget.
	timeout 2700 $(SWIFT) test --skip-build --disable-swift-testing

bench: test-deps
	Benchmarks/crypto.sh
	Benchmarks/api.sh

clean:
	rm -rf .build
