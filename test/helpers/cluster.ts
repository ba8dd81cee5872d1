// Real clusters for tests: nats-server processes and bnats nodes (in process, or the compiled binary) on
// random ports, joined by routes. Every node has monitoring on, so a test can wait for a route count
// (/routez) and for interest to reach a node by event: `awaitInterest` publishes probes until the
// subscriber sees one, which proves the publisher's node has the subscriber's interest.
import { connect, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { startBnats, startBnatsBinary, type InProcessServer } from "./bnats.ts";
import type { ProcessServer } from "./proc.ts";
import { startReference } from "./ref.ts";

export type NodeKind = "reference" | "bnats" | "bnats-binary";

export interface NodeSpec {
  kind: NodeKind;
  /** server_name (also used in test messages). */
  name: string;
  /** cluster name; undefined = dynamic (no name). */
  cluster?: string;
  /** Route URLs to solicit (nats://host:port, nats-route://user:pass@host:port). */
  routes?: string[];
  /** Extra config text inside the cluster block (authorization, permissions, no_advertise...). */
  clusterExtra?: string;
  /** Extra top-level config text. */
  extra?: string;
  /** A fixed cluster port (for a restart on the same address); default random. */
  clusterPort?: number;
  /** A fixed client port; default random. */
  port?: number;
}

export interface ClusterNode {
  readonly spec: NodeSpec;
  readonly port: number;
  readonly clusterPort: number;
  readonly httpPort: number;
  /** nats://127.0.0.1:<cluster port>, for other nodes' routes. */
  readonly routeURL: string;
  readonly url: string;
  logs(): string;
  stop(): Promise<void>;
  /** For in-process bnats nodes. */
  readonly inProcess?: InProcessServer;
  readonly process?: ProcessServer;
}

function configText(spec: NodeSpec): string {
  const routes = (spec.routes ?? []).map((r) => JSON.stringify(r)).join(", ");
  return [
    `server_name: ${JSON.stringify(spec.name)}`,
    `listen: "127.0.0.1:${spec.port ?? -1}"`,
    `http: "127.0.0.1:-1"`,
    "cluster {",
    spec.cluster !== undefined ? `  name: ${JSON.stringify(spec.cluster)}` : "",
    `  listen: "127.0.0.1:${spec.clusterPort ?? -1}"`,
    `  routes: [${routes}]`,
    spec.clusterExtra ?? "",
    "}",
    spec.extra ?? "",
    "",
  ].join("\n");
}

const ROUTE_LISTEN_RE = /Listening for route connections on [^\s]+:(\d+)/;

/** Starts one node of the given kind. */
export async function startNode(spec: NodeSpec): Promise<ClusterNode> {
  const config = configText(spec);
  if (spec.kind === "bnats") {
    const s = await startBnats({ config });
    const clusterPort = s.server.clusterPort;
    return node(spec, s.port, clusterPort, s.httpPort!, s.logs, () => s.stop(), { inProcess: s });
  }
  const p =
    spec.kind === "reference"
      ? await startReference({ config, fixedPort: true })
      : await startBnatsBinary({ config, fixedPort: true });
  await p.waitForLog(ROUTE_LISTEN_RE);
  const clusterPort = Number(ROUTE_LISTEN_RE.exec(p.logs())![1]);
  return node(spec, p.port, clusterPort, p.httpPort!, p.logs, () => p.stop(), { process: p });
}

function node(
  spec: NodeSpec,
  port: number,
  clusterPort: number,
  httpPort: number,
  logs: () => string,
  stop: () => Promise<void>,
  extra: { inProcess?: InProcessServer; process?: ProcessServer },
): ClusterNode {
  return {
    spec,
    port,
    clusterPort,
    httpPort,
    routeURL: `nats://127.0.0.1:${clusterPort}`,
    url: `127.0.0.1:${port}`,
    logs,
    stop,
    ...extra,
  };
}

export interface Routez {
  num_routes: number;
  routes: { remote_id: string; did_solicit: boolean; is_configured: boolean; ip: string; port: number; subscriptions: number; subscriptions_list?: string[] }[];
}

export async function routez(n: ClusterNode, query = ""): Promise<Routez> {
  const r = await fetch(`http://127.0.0.1:${n.httpPort}/routez${query}`);
  return (await r.json()) as Routez;
}

/** Polls /routez until the node has `count` routes (a cluster forming takes a few handshakes). */
export async function waitForRoutes(n: ClusterNode, count: number, timeoutMs = 10_000): Promise<Routez> {
  const deadline = Date.now() + timeoutMs;
  let last: Routez | undefined;
  while (Date.now() < deadline) {
    last = await routez(n);
    if (last.num_routes === count) return last;
    await Bun.sleep(25);
  }
  throw new Error(`${n.spec.name}: ${last?.num_routes} routes, wanted ${count}\n${n.logs()}`);
}

/** A full mesh: every node has routes to all the others. */
export async function waitForMesh(nodes: ClusterNode[], timeoutMs = 15_000): Promise<void> {
  await Promise.all(nodes.map((n) => waitForRoutes(n, nodes.length - 1, timeoutMs)));
}

export function client(n: ClusterNode, name?: string): Promise<NatsConnection> {
  return connect({ servers: n.url, name: name ?? `test-${n.spec.name}`, reconnect: false });
}

/**
 * Waits until a publish from `pub` on `subject` reaches `sub` (the subscriber's interest has crossed
 * the cluster). Probes carry the header-less payload "__probe__"; the caller's subscription callback must
 * ignore it (isProbe). Resolves when the first probe arrives.
 */
export async function awaitInterest(
  pub: NatsConnection,
  subject: string,
  seen: () => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!seen()) {
    if (Date.now() > deadline) throw new Error(`interest in ${subject} never arrived`);
    pub.publish(subject, PROBE);
    await pub.flush();
    await Bun.sleep(10);
  }
}

export const PROBE = new TextEncoder().encode("__probe__");

export function isProbe(data: Uint8Array): boolean {
  return data.length === PROBE.length && new TextDecoder().decode(data) === "__probe__";
}

/** Collects the non-probe messages of a subscription, and remembers whether a probe came. */
export function collect(sub: Subscription): { msgs: string[]; probed: () => boolean; done: Promise<void> } {
  const msgs: string[] = [];
  let probe = false;
  const done = (async () => {
    for await (const m of sub) {
      if (isProbe(m.data)) probe = true;
      else msgs.push(m.string());
    }
  })();
  return { msgs, probed: () => probe, done };
}

/** Resolves once `cond` holds (polled), or rejects after timeoutMs. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}
