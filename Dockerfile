# bnats container image: the single executable on a small glibc base, run as a non-root user.
#
#   docker build -t bnats .
#   docker run -p 4222:4222 -p 8222:8222 bnats                         # the default config below
#   docker run bnats -c /etc/bnats/bnats.conf -DV                       # flags work as with the nats image
#   docker run -v $PWD/my.conf:/etc/bnats/bnats.conf bnats              # your own config
#
# As in the official `nats` image, the server is the ENTRYPOINT and the CMD is its default arguments,
# so `docker run IMAGE <flags>` replaces the CMD. The binary is also on the PATH as `nats-server`
# (the ENTRYPOINT uses that name: the process is then called nats-server, so `nats-server --signal
# reload` finds it, its ports file is nats-server_<pid>.ports, and the NATS Helm chart's exec hooks,
# e.g. `nats-server -sl=ldm=/var/run/nats/nats.pid`, work unchanged).

# ---- build: install the locked dependencies (Bun itself comes from npm) and compile one executable
FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY tsconfig.json ./
COPY src ./src
RUN node_modules/.bin/bun build --compile --splitting --minify --bytecode --format=esm --bytecode-depth=0 src/main.ts --outfile dist/bnats \
 && dist/bnats --version

# ---- run: Bun executables need glibc (libc, libm, libpthread, libdl): debian slim has them
FROM debian:bookworm-slim
RUN groupadd --system --gid 10001 nats \
 && useradd --system --uid 10001 --gid nats --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin nats \
 && mkdir -p /etc/bnats /var/run/nats \
 && chown nats:nats /var/run/nats
COPY --from=build /src/dist/bnats /usr/local/bin/bnats
RUN ln -s bnats /usr/local/bin/nats-server
COPY deploy/docker/bnats.conf /etc/bnats/bnats.conf
USER nats:nats
# 4222 clients, 8222 HTTP monitoring (/varz, /connz, /healthz, ...).
EXPOSE 4222 8222
ENTRYPOINT ["/usr/local/bin/nats-server"]
CMD ["--config", "/etc/bnats/bnats.conf"]
