// The monitoring scenarios shared by the fixture capture (capture.ts, run against nats-server) and the
// differential test: the same configuration, the same client traffic, the same list of HTTP requests.
// A scenario run returns every response with its status, content type and body, so the two servers'
// answers can be compared key by key and type by type.
import { join } from "node:path";
import { connect, type NatsConnection, type NodeConnectionOptions } from "@nats-io/transport-node";

export const CERT_DIR = join(import.meta.dir, "fixtures", "certs");
export const CERT_FILE = join(CERT_DIR, "server-cert.pem");
export const KEY_FILE = join(CERT_DIR, "server-key.pem");

export interface MonitorRequest {
  path: string;
  method?: string;
  /** Send over https (the https_port listener). */
  https?: boolean;
}

export interface CapturedResponse {
  method: string;
  path: string;
  https: boolean;
  status: number;
  contentType: string | null;
  nosniff: boolean;
  location: string | null;
  body: string;
}

export interface ScenarioSpec {
  name: string;
  /** nats-server config text (written to a file and passed with -c), if any. */
  config?: string;
  /** Flags; the runners add the port and ports-file flags. */
  args: string[];
  /** Client options for each of the traffic's connections (auth, TLS). */
  client: (role: "subscriber" | "publisher" | "gone") => Partial<NodeConnectionOptions>;
  requests: MonitorRequest[];
}

const get = (...paths: string[]): MonitorRequest[] => paths.map((path) => ({ path }));

const CONNZ_SORTS = ["cid", "start", "subs", "pending", "msgs_to", "msgs_from", "bytes_to", "bytes_from", "last", "idle", "uptime"];

/** Every endpoint and query option of a server without clustering, gateways, leafnodes or JetStream. */
const DEFAULT_REQUESTS: MonitorRequest[] = [
  ...get("/", "/varz", "/varz?callback=cb"),
  ...get("/connz", "/connz?subs=1", "/connz?subs=true", "/connz?subs=detail", "/connz?subs=0"),
  ...CONNZ_SORTS.map((s) => ({ path: `/connz?sort=${s}` })),
  ...get(
    "/connz?state=open",
    "/connz?state=closed",
    "/connz?state=any",
    "/connz?state=all",
    "/connz?state=ALL",
    "/connz?state=closed&sort=stop",
    "/connz?state=closed&sort=reason",
    "/connz?state=closed&subs=1",
    "/connz?state=any&sort=uptime",
    "/connz?auth=1",
    "/connz?auth=true&state=any",
    "/connz?cid={subscriber}",
    "/connz?cid={subscriber}&state=closed",
    "/connz?cid={gone}&state=closed",
    "/connz?cid={gone}&state=any",
    "/connz?cid={gone}",
    "/connz?cid=999",
    "/connz?offset=1&limit=1",
    "/connz?offset=100",
    "/connz?offset=-5&limit=-1",
    "/connz?limit=0",
    "/connz?acc=$G",
    "/connz?acc=nope",
    "/connz?acc=$G&filter_subject=foo",
    "/connz?acc=$G&filter_subject=nomatch",
    "/connz?user=nobody",
    "/connz?mqtt_client=x",
    "/connz?callback=cb",
    // The reference's 400s
    "/connz?sort=foo",
    "/connz?sort=stop",
    "/connz?sort=reason",
    "/connz?sort=stop&state=any",
    "/connz?auth=x",
    "/connz?subs=x",
    "/connz?offset=x",
    "/connz?limit=1.5",
    "/connz?cid=-1",
    "/connz?cid=x",
    "/connz?state=x",
    "/connz?filter_subject=foo",
    // Last of the /connz requests: nats-server 2.9.10 keeps the detail list it adds to a closed connection
    // here, and shows it in every later /connz of that connection (a reference bug bnats does not copy).
    "/connz?state=closed&subs=detail",
  ),
  ...get(
    "/subsz",
    "/subscriptionsz",
    "/subsz?subs=1",
    "/subsz?subs=1&test=foo",
    "/subsz?subs=1&test=bar.x",
    "/subsz?subs=1&test=nomatch",
    "/subsz?subs=1&offset=1&limit=2",
    "/subsz?subs=1&offset=500",
    "/subsz?test=foo",
    "/subsz?acc=$G",
    "/subsz?subs=1&acc=nope",
    "/subsz?subs=1&test=foo.*",
    "/subsz?subs=x",
    "/subsz?offset=x",
    "/subsz?callback=cb",
  ),
  ...get(
    "/healthz",
    "/healthz?js-enabled-only=true",
    "/healthz?js-server-only=1",
    "/healthz?js-enabled=true",
    "/healthz?js-enabled-only=x",
    "/healthz?js-server-only=x",
    "/healthz?js-enabled=x",
    "/healthz?callback=cb",
  ),
  ...get("/routez", "/routez?subs=1", "/routez?subs=detail", "/routez?subs=x"),
  ...get("/gatewayz", "/gatewayz?accs=1", "/gatewayz?gw_name=x", "/gatewayz?acc_name=$G", "/gatewayz?accs=x"),
  ...get("/leafz", "/leafz?subs=1", "/leafz?acc=$G", "/leafz?subs=x"),
  ...get("/accountz", "/accountz?acc=$G", "/accountz?acc=nope"),
  ...get("/accstatz", "/accstatz?unused=1", "/accstatz?unused=x"),
  ...get(
    "/jsz",
    "/jsz?accounts=1",
    "/jsz?streams=1&consumers=1&config=1",
    "/jsz?acc=$G",
    "/jsz?offset=1&limit=5",
    "/jsz?leader-only=1",
    "/jsz?accounts=x",
    "/jsz?offset=x",
  ),
  ...get("/ipqueuesz", "/ipqueuesz?all=x"),
  // Unknown paths, trailing slashes, paths Go's ServeMux cleans.
  ...get("/nope", "/varz/", "/connz/x", "/VARZ", "/varz?foo=bar", "//varz", "/./varz"),
  { path: "/varz", method: "POST" },
  { path: "/healthz", method: "PUT" },
  { path: "/healthz", method: "HEAD" },
  // Last, so that it counts every request above.
  ...get("/varz"),
];

export const SCENARIOS: ScenarioSpec[] = [
  {
    name: "default",
    args: ["-m", "-1"],
    client: () => ({}),
    requests: DEFAULT_REQUESTS,
  },
  {
    name: "auth",
    config: `
server_name: "srv-a"
http_port: -1
max_subscriptions: 100
ping_interval: "30s"
write_deadline: "3s"
max_payload: 65536
server_tags: ["region:eu", "az:1"]
authorization {
  users: [
    { user: alice, password: secret, permissions: { publish: ">", subscribe: ">" } }
    { user: bob, password: pw }
  ]
}
`,
    args: [],
    client: (role) => (role === "publisher" ? { user: "bob", pass: "pw" } : { user: "alice", pass: "secret" }),
    requests: [
      ...get(
        "/varz",
        "/connz",
        "/connz?auth=1",
        "/connz?auth=1&user=alice",
        "/connz?auth=1&user=bob&state=any",
        "/connz?auth=1&state=closed",
        "/connz?auth=1&acc=$G",
        "/subsz?subs=1",
        "/accountz",
        "/healthz",
        "/varz",
      ),
    ],
  },
  {
    name: "basepath",
    config: `
http_port: -1
http_base_path: "/nats"
`,
    args: [],
    client: () => ({}),
    requests: get("/nats", "/nats/", "/nats/varz", "/nats/connz", "/nats/subsz", "/nats/healthz", "/varz", "/", "/natsx", "/nats/varz"),
  },
  {
    name: "tls",
    config: `
https_port: -1
tls {
  cert_file: "${CERT_FILE}"
  key_file: "${KEY_FILE}"
  timeout: 3
}
`,
    args: [],
    client: () => ({ tls: { caFile: CERT_FILE } }),
    requests: [
      { path: "/varz", https: true },
      { path: "/connz", https: true },
      { path: "/connz?auth=1&state=any", https: true },
      { path: "/healthz", https: true },
      { path: "/nope", https: true },
    ],
  },
];

/** The live client connections of a scenario's traffic; close them at the end of the run. */
export interface Traffic {
  subscriber: NatsConnection;
  publisher: NatsConnection;
  /** The server's cid of each of the three connections, for the `{role}` placeholders of request paths. */
  cids: Record<"subscriber" | "publisher" | "gone", number>;
  close(): Promise<void>;
}

/**
 * The traffic every scenario runs: a subscriber with four subscriptions (plain, wildcard, queue, and one
 * with a max), a publisher sending 10 messages to each, and a third connection that subscribes and closes
 * (so the closed-connections ring has one entry, reason "Client Closed").
 */
export async function driveTraffic(port: number, spec: ScenarioSpec): Promise<Traffic> {
  const opts = (role: "subscriber" | "publisher" | "gone"): NodeConnectionOptions => ({
    servers: `127.0.0.1:${port}`,
    name: role,
    ...spec.client(role),
  });
  const subscriber = await connect(opts("subscriber"));
  let received = 0;
  let wake: () => void = () => undefined;
  const callback = (): void => {
    received++;
    wake();
  };
  subscriber.subscribe("foo", { callback });
  subscriber.subscribe("bar.*", { callback });
  subscriber.subscribe("q.>", { queue: "g1", callback });
  subscriber.subscribe("limited", { max: 50, callback });
  await subscriber.flush();

  const publisher = await connect(opts("publisher"));
  for (let i = 0; i < 10; i++) {
    publisher.publish("foo", `hello ${i}`);
    publisher.publish("bar.x", "hi");
    publisher.publish("q.a", "queued");
    publisher.publish("limited", "l");
  }
  await publisher.flush();
  await new Promise<void>((resolve) => {
    wake = () => {
      if (received >= 40) resolve();
    };
    wake();
  });

  const gone = await connect(opts("gone"));
  gone.subscribe("gone.sub");
  await gone.flush();
  const cids = {
    subscriber: subscriber.info?.client_id ?? 0,
    publisher: publisher.info?.client_id ?? 0,
    gone: gone.info?.client_id ?? 0,
  };
  await gone.close();

  return {
    subscriber,
    publisher,
    cids,
    async close(): Promise<void> {
      await subscriber.close();
      await publisher.close();
    },
  };
}

export interface MonitorAddress {
  httpPort?: number;
  httpsPort?: number;
}

/** One HTTP request, captured without following redirects. */
export async function request(addr: MonitorAddress, req: MonitorRequest): Promise<CapturedResponse> {
  const https = req.https === true;
  const port = https ? addr.httpsPort : addr.httpPort;
  if (!port) throw new Error(`no ${https ? "https" : "http"} monitoring port`);
  const method = req.method ?? "GET";
  // fetch() would clean "//varz" and "/./varz" before sending; node:http sends the path as given.
  const res = await rawRequest(https, port, method, req.path);
  return {
    method,
    path: req.path,
    https,
    status: res.status,
    contentType: res.headers["content-type"] ?? null,
    nosniff: res.headers["x-content-type-options"] === "nosniff",
    location: res.headers["location"] ?? null,
    body: res.body,
  };
}

interface RawResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

async function rawRequest(https: boolean, port: number, method: string, path: string): Promise<RawResponse> {
  const mod = https ? await import("node:https") : await import("node:http");
  return new Promise((resolve, reject) => {
    const req = mod.request(
      { host: "127.0.0.1", port, method, path, rejectUnauthorized: false, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => {
          const headers: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : v;
          resolve({ status: res.statusCode ?? 0, headers, body });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Polls /connz?state=closed until the closed connection of the traffic shows (the close is asynchronous). */
export async function awaitClosed(addr: MonitorAddress, spec: ScenarioSpec, count = 1): Promise<void> {
  const https = addr.httpPort === undefined;
  const base = spec.name === "basepath" ? "/nats" : "";
  for (let i = 0; i < 200; i++) {
    const res = await request(addr, { path: `${base}/connz?state=closed`, https });
    if (res.status === 200 && (JSON.parse(res.body) as { total: number }).total >= count) return;
    await Bun.sleep(10);
  }
  throw new Error("the closed connection never showed in /connz?state=closed");
}

/** Runs a scenario's traffic and requests against a running server; returns every response. */
export async function runScenario(
  port: number,
  addr: MonitorAddress,
  spec: ScenarioSpec,
): Promise<CapturedResponse[]> {
  const traffic = await driveTraffic(port, spec);
  try {
    await awaitClosed(addr, spec);
    const out: CapturedResponse[] = [];
    for (const req of spec.requests) {
      // Paths keep their `{role}` placeholders in the captured response, so fixtures compare across servers.
      const path = req.path.replace(/\{(subscriber|publisher|gone)\}/g, (_, role: keyof Traffic["cids"]) =>
        String(traffic.cids[role]),
      );
      out.push({ ...(await request(addr, { ...req, path })), path: req.path });
    }
    return out;
  } finally {
    await traffic.close();
  }
}
