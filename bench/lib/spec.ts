// What the runner asks the load generator to do (passed as JSON on its command line) and what the load
// generator answers (one JSON line on stdout). Plain data so that it crosses the process boundary.

export interface SubSpec {
  /** Subjects this connection subscribes to (one SUB each). */
  subjects: string[];
  queue?: string;
}

export interface ThroughputSpec {
  kind: "throughput";
  port: number;
  /** The server's pid, to sample its CPU time over the measured window. */
  serverPid?: number;
  payload: number;
  /** Published round-robin from one connection. */
  pubSubjects: string[];
  /** One connection per entry. */
  subs: SubSpec[];
  /** Deliveries each published message must produce in total (0 for publish-only). */
  fanout: number;
  /** The measured window, after the warm-up. */
  durationMs: number;
  warmupMs: number;
  /** Publish exactly this many and stop (count-bounded run, the smoke test). Timers are then ignored. */
  maxMsgs?: number;
  /** Cap on bytes published but not yet delivered (keeps a fast publisher from turning the run into a slow-consumer test). */
  windowBytes?: number;
  /** Bytes of pre-built frames per publisher write. */
  blockBytes?: number;
  /** Every connection upgrades to TLS after INFO. */
  tls?: boolean;
  /**
   * Subscribers connect here instead of `port` (another member of a cluster): the run starts once the
   * subscriptions' interest has crossed the route, and ends once every routed message arrived.
   */
  subPort?: number;
  /** Every connection is a websocket client of this port (ws://, no TLS) instead of a TCP one. */
  wsPort?: number;
}

export interface ThroughputResult {
  kind: "throughput";
  sent: number;
  received: number;
  expected: number;
  /** received === expected once everything was flushed (PING/PONG on every connection). */
  complete: boolean;
  /** Messages published per second in the measured window (publish-only: until the server's PONG). */
  pubRate: number;
  /** Messages delivered to all subscribers per second in the measured window. */
  deliverRate: number;
  windowMs: number;
  serverCpuPct?: number;
  loadgenCpuPct: number;
  perSub: number[];
  errors: string[];
}

export interface LatencySpec {
  kind: "latency";
  port: number;
  serverPid?: number;
  payload: number;
  durationMs: number;
  warmupMs: number;
  maxReqs?: number;
  /** Log-ins of the two connections (a service import across accounts), and the subject requested. */
  requester?: { user: string; pass: string };
  responder?: { user: string; pass: string };
  subject?: string;
}

export interface LatencyResult {
  kind: "latency";
  count: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  meanUs: number;
  maxUs: number;
  serverCpuPct?: number;
  loadgenCpuPct: number;
  errors: string[];
}

export interface IdleSpec {
  kind: "idle";
  port: number;
  serverPid: number;
  conns: number;
  /** Connections opened concurrently. */
  batch: number;
  /** Wait after the last PONG before reading RSS. */
  settleMs: number;
}

export interface IdleResult {
  kind: "idle";
  conns: number;
  rssBefore: number;
  rssAfter: number;
  bytesPerConn: number;
  connectMs: number;
  errors: string[];
}

/** Connection set-up rate: connect, (TLS handshake,) CONNECT, PING/PONG, close; `concurrency` loops at once. */
export interface ConnectSpec {
  kind: "connect";
  port: number;
  serverPid?: number;
  tls: boolean;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  /** Stop after this many connections (count-bounded run). */
  maxConns?: number;
}

export interface ConnectResult {
  kind: "connect";
  count: number;
  perSecond: number;
  serverCpuPct?: number;
  loadgenCpuPct: number;
  errors: string[];
}

/**
 * Monitoring endpoint timings: open `conns` idle connections (each with one subscription), then GET each
 * path of `paths` from the monitoring port again and again, one request at a time.
 */
export interface ConnzSpec {
  kind: "connz";
  port: number;
  monitorPort: number;
  serverPid?: number;
  conns: number;
  batch: number;
  paths: string[];
  /** Timed requests per path: at least `minReqs`, at most `maxReqs`, and no more once `budgetMs` is spent. */
  minReqs: number;
  maxReqs: number;
  budgetMs: number;
}

export interface PathTiming {
  path: string;
  count: number;
  medianMs: number;
  maxMs: number;
  /** Size of the last response body. */
  bytes: number;
}

export interface ConnzResult {
  kind: "connz";
  conns: number;
  connectMs: number;
  paths: PathTiming[];
  errors: string[];
}

/**
 * The message path while the monitoring port is busy: with `idleConns` idle connections open, a 1 pub ->
 * 1 sub throughput run without monitoring load ("quiet"), then the same run while a separate process
 * GETs `path` back to back ("loaded").
 */
export interface UnderConnzSpec {
  kind: "under-connz";
  port: number;
  monitorPort: number;
  serverPid?: number;
  idleConns: number;
  path: string;
  payload: number;
  durationMs: number;
  warmupMs: number;
}

export interface UnderConnzResult {
  kind: "under-connz";
  quiet: ThroughputResult;
  loaded: ThroughputResult;
  /** loaded.deliverRate / quiet.deliverRate * 100. */
  keptPct: number;
  /** The monitoring requests answered during the loaded run (warm-up included), and their timings. */
  hammer: HammerResult;
  errors: string[];
}

/** The monitoring load of UnderConnzSpec, run in a process of its own until its stdin closes. */
export interface HammerSpec {
  kind: "hammer";
  monitorPort: number;
  path: string;
  /** Hard stop, whether or not stdin closed. */
  maxMs: number;
}

export interface HammerResult {
  kind: "hammer";
  count: number;
  medianMs: number;
  maxMs: number;
  cpuPct: number;
  errors: string[];
}

export type LoadSpec = ThroughputSpec | LatencySpec | IdleSpec | ConnectSpec | ConnzSpec | UnderConnzSpec | HammerSpec;
export type LoadResult =
  | ThroughputResult
  | LatencyResult
  | IdleResult
  | ConnectResult
  | ConnzResult
  | UnderConnzResult
  | HammerResult;
