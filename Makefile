# bnats: `make run` starts a server with sensible defaults, `make test` installs what tests need and runs them.
# Bun comes from the npm package `bun` (a devDependency); a Bun already on the PATH is used when npm is absent.
BUN := $(if $(wildcard node_modules/.bin/bun),node_modules/.bin/bun,$(shell command -v bun || echo node_modules/.bin/bun))
PORT ?= 4222
HTTP_PORT ?= 8222

.PHONY: all deps build run test typecheck bench bench-dashboard clean

all: build

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else bun install --frozen-lockfile; fi
	@touch $@

deps: node_modules/.installed

build: deps
	$(BUN) build --compile --splitting --minify --bytecode --format=esm --bytecode-depth=0 src/main.ts --outfile dist/bnats

run: deps
	$(BUN) src/main.ts -p $(PORT) -m $(HTTP_PORT)

test: build
	$(BUN) run test/run.ts

typecheck: deps
	node_modules/.bin/tsc --noEmit -p .
	node_modules/.bin/tsc --noEmit -p src/monitor/dashboard/client

bench: build
	$(BUN) run bench/run.ts

# What an open dashboard costs the message path (bnats only): throughput with and without /dashboard viewers.
bench-dashboard: build
	$(BUN) run bench/dashboard.ts

clean:
	rm -rf dist node_modules
