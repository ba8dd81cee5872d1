// Multi-server topologies for leafnode tests: a hub and its leafs, each played by the reference
// nats-server (a process) or by bnats (in-process), so that one scenario runs against every pairing.
// Readiness is awaited by events: log lines of the reference, and monitoring (/leafz) polled until a
// condition holds (bounded), never a fixed sleep.
import { startBnats, type InProcessServer } from "./bnats.ts";
import { startReference, type ProcessServer } from "./ref.ts";

export type Impl = "reference" | "bnats";

/** A server of a topology, whatever plays it. */
export interface TopoServer {
  readonly impl: Impl;
  /** Client port. */
  readonly port: number;
  readonly httpPort: number;
  /** Leafnode listen port (hubs only). */
  readonly leafPort: number;
  readonly proc?: ProcessServer;
  readonly bnats?: InProcessServer;
  logs(): string;
  stop(): Promise<void>;
}

const LEAF_LISTEN_RE = /Listening for leafnode connections on [^\s]*:(\d+)/;

/**
 * Starts a server with `config` (server_name, leafnodes, accounts, ...); monitoring on a random port.
 * For a hub, `config` has `leafnodes { listen: "127.0.0.1:-1" }` (or a fixed port to restart on).
 */
export async function startServer(impl: Impl, config: string): Promise<TopoServer> {
  const text = `http: "127.0.0.1:-1"\n${config}\n`;
  if (impl === "reference") {
    const proc = await startReference({ config: text });
    // Readiness may come from the ports file before the log pump has read the leafnode listen line.
    if (/leafnodes\s*\{[^}]*listen/.test(config)) await proc.waitForLog(LEAF_LISTEN_RE, 5000);
    const m = LEAF_LISTEN_RE.exec(proc.logs());
    return {
      impl,
      port: proc.port,
      httpPort: proc.httpPort ?? 0,
      leafPort: m ? Number(m[1]) : 0,
      proc,
      logs: () => proc.logs(),
      stop: () => proc.stop(),
    };
  }
  const b = await startBnats({ config: text });
  const server = b.server;
  return {
    impl,
    port: b.port,
    httpPort: b.httpPort ?? 0,
    leafPort: server.leafPort,
    bnats: b,
    logs: () => b.logs(),
    stop: () => b.stop(),
  };
}

/** A hub accepting leafs on a random port, with `leafExtra` inside its leafnodes block. */
export function startHub(impl: Impl, opts: { name?: string; leafExtra?: string; extra?: string; leafPort?: number } = {}): Promise<TopoServer> {
  const listen = `127.0.0.1:${opts.leafPort ?? -1}`;
  return startServer(impl, `server_name: ${opts.name ?? "hub"}\nleafnodes {\n  listen: "${listen}"\n  ${opts.leafExtra ?? ""}\n}\n${opts.extra ?? ""}`);
}

/** A leaf soliciting `url` (default: the hub's leaf port), with `remoteExtra` in its remote. */
export function startLeaf(
  impl: Impl,
  hub: TopoServer | string,
  opts: { name?: string; remoteExtra?: string; extra?: string; reconnect?: number } = {},
): Promise<TopoServer> {
  const url = typeof hub === "string" ? hub : `nats-leaf://127.0.0.1:${hub.leafPort}`;
  const reconnect = opts.reconnect !== undefined ? `reconnect: ${opts.reconnect}\n  ` : "";
  return startServer(
    impl,
    `server_name: ${opts.name ?? `leaf-${impl}`}\nleafnodes {\n  ${reconnect}remotes: [ { url: "${url}"\n    ${opts.remoteExtra ?? ""} } ]\n}\n${opts.extra ?? ""}`,
  );
}

/** Calls `fn` until it returns something other than undefined/false; rejects after `timeoutMs`. */
export async function pollUntil<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await Bun.sleep(25);
  }
}

export interface LeafInfo {
  account: string;
  ip: string;
  port: number;
  subscriptions: number;
  subscriptions_list?: string[];
  in_msgs: number;
  out_msgs: number;
}

export interface Leafz {
  leafnodes: number;
  leafs: LeafInfo[] | null;
}

export async function leafz(s: TopoServer, query = ""): Promise<Leafz> {
  const r = await fetch(`http://127.0.0.1:${s.httpPort}/leafz${query}`);
  return (await r.json()) as Leafz;
}

/** Waits until `s` has `n` leaf connections (default: at least one). */
export async function waitLeafs(s: TopoServer, n = 1, others: TopoServer[] = []): Promise<Leafz> {
  try {
    return await pollUntil(async () => {
      const z = await leafz(s);
      return z.leafnodes === n ? z : undefined;
    }, `${s.impl} to have ${n} leaf connection(s)`);
  } catch (e) {
    // The logs say why (auth, TLS, dial errors): part of the failure message.
    const tail = (t: TopoServer): string => t.logs().split("\n").slice(-25).join("\n");
    throw new Error(`${(e as Error).message}\n--- ${s.impl} log:\n${tail(s)}${others.map((o) => `\n--- ${o.impl} log:\n${tail(o)}`).join("")}`);
  }
}

/** Waits until one of `s`'s leaf connections lists `subject` (as "subject" or "subject queue") among its subscriptions, or none does. */
export function waitLeafSub(s: TopoServer, subject: string, present = true): Promise<true> {
  return pollUntil(async () => {
    const z = await leafz(s, "?subs=1");
    const has = (z.leafs ?? []).some((l) => (l.subscriptions_list ?? []).some((x) => x === subject || x.startsWith(`${subject} `)));
    return has === present ? true : undefined;
  }, `${s.impl} leaf subscriptions ${present ? "to include" : "to lose"} ${subject}`);
}
