# luascope — the README's two commands are `make run` and `make test`.
GO      ?= go
BIN     := bin/luascope
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
# The binary is static (no cgo: Go's own DNS resolver and user lookup, no
# libc): it copies to any Linux server over SSH whatever its glibc, and it
# starts faster (no dynamic loader, no libc threads: `luascope keyslot`
# 8.8 → 4.5 ms of CPU, docs/performance.md). CGO_ENABLED=1 make build for
# a resolver that must go through the system's NSS modules. Tests keep cgo:
# the race detector needs it.
BUILD_ENV := CGO_ENABLED=$(or $(CGO_ENABLED),0)

.PHONY: all build install run test deps deps-redis deps-servers servers test-servers vet lint unit sweep cross bench bench-cli fuzz clean

all: build

build:
	$(BUILD_ENV) $(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

# Installs luascope into $(go env GOBIN) (default ~/go/bin) with its version
# set; the module path is not a URL, so `go install luascope@latest` cannot work.
install:
	$(BUILD_ENV) $(GO) install -ldflags "$(LDFLAGS)" .

# Installs redis-server and tmux when missing: the tests talk to real
# servers, and the end-to-end test drives the TUI in tmux.
deps:
	@bash .ci/deps.sh redis tmux

# Installs only redis-server: what `make run` needs.
deps-redis:
	@bash .ci/deps.sh redis

# Installs what tools/servers.sh needs (apt-get, dpkg-deb, the Debian
# archive keyring), not the servers themselves.
deps-servers:
	@bash .ci/deps.sh servers

# Unpacks Redis 8.0.2 and Valkey 8.1.1 (Debian trixie packages) into
# private roots under the user cache dir and prints their wrappers, for
# --server-bin or LUASCOPE_REDIS_SERVER (docs/servers.md). Cached: the
# second run touches no network.
servers: deps-servers
	@tools/servers.sh

# Every test once per server: the redis-server on PATH (7.0.15 here), Redis
# 8.0.2 and Valkey 8.1.1, each through LUASCOPE_REDIS_SERVER; a summary per
# server. Not part of `make test`, which needs only the server on PATH.
# TEST_SERVERS="valkey-8.1.1" picks servers, TEST_SERVERS_FLAGS="-race"
# adds flags, TEST_SERVERS_PKGS="./redisx/..." narrows the packages.
test-servers: deps deps-servers
	@tools/test-servers.sh

# Opens the TUI on a private sandbox redis-server with an example script.
run: build deps-redis
	./$(BIN) --sandbox testdata/example.lua rate:demo , 5 60

# gofmt first: merged branches left files unformatted once, and vet does not look.
vet:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt -w these files:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# staticcheck, pinned; `go run` fetches it through the module proxy, so
# go.mod stays luascope's own dependencies. A check silenced on one line
# says why there (//lint:ignore CHECK reason).
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
lint:
	$(STATICCHECK) ./...

# The init-time budget is a measurement: it runs on its own, after the
# other packages' tests, rather than beside them on a loaded machine.
unit:
	$(GO) test -race -count=1 -skip '^TestInitBudget$$' ./...
	$(GO) test -count=1 -run '^TestInitBudget$$' .

# The TUI at every size from 40x12 to 200x60, without the race detector
# (which makes each frame eight times slower and finds nothing in a
# one-goroutine draw loop). LUASCOPE_SWEEP=full draws every size for
# every state (minutes).
sweep:
	$(GO) test -count=1 -run TestViewSweep ./ui/

# Everything: dependencies, vet, staticcheck, every test under the race
# detector, and the size sweep.
test: deps vet lint unit sweep

# The systems luascope builds for besides this one: Linux on both
# architectures, macOS (both) and Windows (no sandbox there). Compiling and
# vetting catches a Unix-only call outside a build tag.
CROSS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64
cross:
	@for p in $(CROSS); do \
		echo "cross: $$p"; \
		GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build ./... && \
		GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) vet ./... || exit 1; \
	done

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The CLI against redis-cli and redis-benchmark on private sandbox servers,
# whole processes in paired rounds: each row of the performance table as a
# ratio next to its goal, PASS or MISS (docs/performance.md). Minutes; not
# part of `make test`. BENCH_ARGS narrows it: BENCH_ARGS="-rows batch -rounds 9".
bench-cli: build deps-redis
	$(GO) run ./tools/benchcli -luascope $(BIN) $(BENCH_ARGS)

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./redisx/resp/
	$(GO) test -run '^$$' -fuzz FuzzClassify -fuzztime 30s ./redisx/classify/
	$(GO) test -run '^$$' -fuzz FuzzUnescapeRoundTrip -fuzztime 30s ./redisx/
	$(GO) test -run '^$$' -fuzz FuzzLint -fuzztime 30s ./redisx/lint/
	$(GO) test -run '^$$' -fuzz FuzzLoad -fuzztime 30s ./history/
	$(GO) test -run '^$$' -fuzz FuzzEscape -fuzztime 30s ./redisx/resp/
	$(GO) test -run '^$$' -fuzz FuzzBatchParseLine -fuzztime 30s ./redisx/batch/
	$(GO) test -run '^$$' -fuzz FuzzParseLine -fuzztime 30s ./redisx/ldb/
	$(GO) test -run '^$$' -fuzz FuzzSplitEval -fuzztime 30s ./redisx/ldb/
	$(GO) test -run '^$$' -fuzz FuzzGuard -fuzztime 30s ./redisx/resp/

clean:
	rm -rf bin
