// Plain-object servers and clients for unit tests of the endpoint functions (no sockets).
import { defaultOptions, type Options } from "../../src/options.ts";
import type { ServerInfo } from "../../src/protocol/info.ts";
import type { SublistStats } from "../../src/subjects/sublist.ts";
import type { MonitoredClient, MonitoredServer, MonitoredSubscription } from "../../src/monitor/types.ts";

export interface FakeClient extends MonitoredClient {
  subs: Map<string, MonitoredSubscription>;
  rttPings: number;
}

export function fakeClient(cid: number, over: Partial<MonitoredClient> = {}): FakeClient {
  const start = new Date(Date.UTC(2026, 0, 1, 0, 0, 0) + cid * 1000);
  const c: FakeClient = {
    cid,
    start,
    lastActivity: new Date(start.getTime() + 500),
    rtt: 1.5,
    ip: "127.0.0.1",
    port: 40000 + cid,
    inMsgs: 0,
    outMsgs: 0,
    inBytes: 0,
    outBytes: 0,
    pendingBytes: 0,
    subs: new Map(),
    name: `c${cid}`,
    lang: "",
    version: "",
    user: "",
    rttPings: 0,
    sendRTTPing(): void {
      this.rttPings++;
    },
    ...over,
  } as FakeClient;
  return c;
}

export function addSub(c: FakeClient, subject: string, sid: string, queue?: string, max = 0, delivered = 0): MonitoredSubscription {
  const s: MonitoredSubscription = { subject, queue, sid, max, delivered, conn: c };
  c.subs.set(sid, s);
  return s;
}

export interface FakeServer extends MonitoredServer {
  clients: Map<number, MonitoredClient>;
  closed: MonitoredClient[];
  shuttingDown: boolean;
  opts: Options;
}

export function fakeServer(clients: MonitoredClient[] = [], closed: MonitoredClient[] = [], opts: Partial<Options> = {}): FakeServer {
  const map = new Map<number, MonitoredClient>();
  for (const c of clients) map.set(c.cid, c);
  const all = (): MonitoredSubscription[] => [...map.values()].flatMap((c) => [...c.subs.values()]);
  const stats: SublistStats = {
    numSubs: 0,
    numCache: 2,
    numInserts: 0,
    numRemoves: 0,
    numMatches: 7,
    cacheHitRate: 0.5,
    maxFanout: 3,
    avgFanout: 1.5,
  };
  const info: ServerInfo = {
    server_id: "NFAKE",
    server_name: "fake",
    version: "2.9.10",
    proto: 1,
    go: "go1.19.5",
    host: "0.0.0.0",
    port: 4222,
    headers: true,
    max_payload: 1048576,
  };
  return {
    opts: { ...defaultOptions(), ...opts },
    baseInfo: () => ({ ...info }),
    startTime: new Date(Date.UTC(2026, 0, 1)),
    configTime: new Date(Date.UTC(2026, 0, 1)),
    clients: map,
    closed,
    sublist: {
      stats: () => ({ ...stats, numSubs: all().length }),
      count: () => all().length,
      all,
    },
    stats: {
      inMsgs: 1,
      outMsgs: 2,
      inBytes: 3,
      outBytes: 4,
      slowConsumers: 5,
      slowConsumerStats: { clients: 5, routes: 0, gateways: 0, leafs: 0 },
      totalConnections: 6,
    },
    shuttingDown: false,
  };
}
