// The narrow view of the server that the monitoring endpoints read. The endpoints are plain functions of
// (MonitoredServer, query) -> JSON object, so tests can call them with plain objects; the real Server and
// Client satisfy these interfaces structurally.
import type { Options, SubjectPermission } from "../options.ts";
import type { ServerInfo } from "../protocol/info.ts";
import type { SublistStats } from "../subjects/sublist.ts";

export interface MonitoredSubscription {
  readonly subject: string;
  readonly queue: string | undefined;
  readonly sid: string;
  /** Messages delivered (the reference's nm). */
  readonly delivered: number;
  /** Auto-unsubscribe limit; 0 = none. */
  readonly max: number;
  readonly conn: { readonly cid: number; readonly kind?: number; readonly account?: { readonly name: string } };
}

export interface MonitoredClient {
  readonly cid: number;
  readonly start: Date;
  readonly lastActivity: Date;
  /** Set once the connection closed. */
  readonly stop?: Date;
  readonly closeReason?: string;
  /** Last measured round trip in ms; 0 = not measured yet. */
  readonly rtt: number;
  readonly ip: string;
  readonly port: number;
  readonly inMsgs: number;
  readonly outMsgs: number;
  readonly inBytes: number;
  readonly outBytes: number;
  /** Bytes queued for the socket and not yet taken by the kernel (the reference's out.pb). */
  readonly pendingBytes: number;
  readonly subs: ReadonlyMap<string, MonitoredSubscription>;
  /** From CONNECT; "" when not given. */
  readonly name: string;
  readonly lang: string;
  readonly version: string;
  /** The authenticated user name (the reference's getRawAuthUser); "" when none. */
  readonly user: string;
  /** The account the connection is bound to (absent in plain test objects: `$G`). */
  readonly account?: { readonly name: string };
  readonly tlsVersion?: string;
  readonly tlsCipher?: string;
  /** A websocket client: connz type "websocket" (client.go clientTypeString). */
  readonly websocket?: boolean;
  /** The byte pipe; `tls` is set once a TLS handshake completed (src/tls TLSState). */
  readonly transport?: { readonly tls?: MonitoredTLS };
  /**
   * Sends a PING to measure the RTT, as nats-server's getRTT() does for a client with rtt 0 and a
   * `lang` (a real client library). Optional: plain test objects leave it out.
   */
  sendRTTPing?(): void;
}

/** What /connz reads of a connection's negotiated TLS state. */
export interface MonitoredTLS {
  /** The handshake came before INFO (handshake_first): /connz tls_first (nats-server 2.10). */
  readonly first: boolean;
  /** The client's certificate, DER, when it presented one: /connz tls_peer_certs with auth=1. */
  readonly peerCertificate?: unknown;
}

export interface SlowConsumerStats {
  clients: number;
  routes: number;
  gateways: number;
  leafs: number;
}

export interface MonitoredStats {
  readonly inMsgs: number;
  readonly outMsgs: number;
  readonly inBytes: number;
  readonly outBytes: number;
  readonly slowConsumers: number;
  readonly slowConsumerStats: SlowConsumerStats;
  readonly totalConnections: number;
}

export interface MonitoredSublist<S extends MonitoredSubscription = MonitoredSubscription> {
  stats(): SublistStats;
  count(): number;
  /** Every subscription (order as the index keeps them). */
  all(): S[];
}

/** One route (src/cluster RouteConnection), as /routez reads it. */
export interface MonitoredRoute {
  readonly cid: number;
  readonly remoteID: string;
  /** The peer's server name (route.remoteName: STATSZ routes[].name). */
  readonly remoteName?: string;
  readonly didSolicit: boolean;
  /** Configured in `routes` (explicit), rather than learned by gossip. */
  readonly isConfigured: boolean;
  readonly ip: string;
  readonly port: number;
  readonly start: Date;
  readonly lastActivity: Date;
  readonly rtt: number;
  readonly inMsgs: number;
  readonly outMsgs: number;
  readonly inBytes: number;
  readonly outBytes: number;
  readonly pendingBytes: number;
  /** The peer's interest on this route. */
  remoteSubscriptions(): Iterable<{ readonly sub: MonitoredSubscription }>;
  readonly numRemoteSubs: number;
  /** The peer's route permissions from its INFO. */
  readonly remoteImport?: SubjectPermission;
  readonly remoteExport?: SubjectPermission;
}

export interface MonitoredCluster {
  readonly name: string;
  /** The bound route port. */
  readonly port: number;
  /** Registered routes by rid. */
  readonly routes: ReadonlyMap<number, MonitoredRoute>;
  /** The connect_urls clients get (ours and the members'), undefined before the first route. */
  clientConnectURLs(): string[] | undefined;
}

/** A leafnode link as /leafz reads it (src/leaf LeafConnection). */
export interface MonitoredLeaf {
  readonly account: { readonly name: string };
  readonly ip: string;
  readonly port: number;
  readonly rtt: number;
  readonly inMsgs: number;
  readonly outMsgs: number;
  readonly inBytes: number;
  readonly outBytes: number;
  readonly subs: ReadonlyMap<string, { readonly subject: string }>;
}

/** The leafnode side of the server (src/leaf LeafNodes). */
export interface MonitoredLeafNodes {
  /** Links that are up, by cid. */
  readonly leafs: ReadonlyMap<number, MonitoredLeaf>;
  /** The bound leafnode port, 0 when not accepting. */
  readonly port: number;
}

/** An export as /accountz reads it (accounts/imports.ts StreamExport, ServiceExport). */
export interface MonitoredExport {
  readonly approved?: ReadonlySet<string>;
  readonly respType?: string;
  readonly latency?: { readonly sampling: number; readonly subject: string };
}

/** An import as /accountz reads it (accounts/imports.ts StreamImport, ServiceImport). */
export interface MonitoredImport {
  readonly acc: { readonly name: string };
  readonly from: string;
  readonly to: string;
  readonly invalid: boolean;
  readonly share?: boolean;
}

/** One account (src/accounts Account): its subject space, connections, counters, exports and imports. */
export interface MonitoredAccount {
  readonly name: string;
  readonly updated: Date;
  readonly sublist: MonitoredSublist;
  /** Local connections of every kind bound to it (clients and leaf links). */
  readonly conns: ReadonlySet<{ readonly kind: number }>;
  readonly stats: {
    readonly inMsgs: number;
    readonly inBytes: number;
    readonly outMsgs: number;
    readonly outBytes: number;
    readonly slowConsumers: number;
  };
  readonly mappings: { all(): readonly { readonly src: string; destinations(): { subject: string; weight: number; cluster?: string }[] }[] };
  readonly streamExports: ReadonlyMap<string, MonitoredExport>;
  readonly serviceExports: ReadonlyMap<string, MonitoredExport>;
  readonly streamImports: readonly MonitoredImport[];
  readonly serviceImports: ReadonlyMap<string, MonitoredImport>;
  /** Pending response imports (exports.responses). */
  readonly replies: { readonly responses: ReadonlyMap<string, MonitoredImport> };
}

/** The server's accounts (src/accounts Accounts). */
export interface MonitoredAccounts {
  all(): Iterable<MonitoredAccount>;
  lookup(name: string): MonitoredAccount | undefined;
  /** The system account; undefined with no_system_account. */
  readonly system: MonitoredAccount | undefined;
}

export interface MonitoredServer {
  /** The accounts (absent in plain test objects: `$G` and `$SYS` as a default nats-server has them). */
  readonly accounts?: MonitoredAccounts;
  /** Leafnode links (absent in plain test objects: none). */
  readonly leafnodes?: MonitoredLeafNodes;
  /** Clustering, when configured. */
  readonly cluster?: MonitoredCluster;
  readonly opts: Options;
  /** The INFO fields shared by every client (the reference's s.info): id, name, host, port, flags. */
  baseInfo(): ServerInfo;
  /** When the server started (varz `start`), and when its configuration was last (re)loaded. */
  readonly startTime: Date;
  readonly configTime: Date;
  /** Open client connections by cid, in cid order (a Map keeps insertion order and cids only grow). */
  readonly clients: ReadonlyMap<number, MonitoredClient>;
  /** Closed connections, oldest first, bounded by opts.maxClosedClients. */
  readonly closed: readonly MonitoredClient[];
  readonly sublist: MonitoredSublist;
  readonly stats: MonitoredStats;
  /** Set while shutting down (or in lame duck mode): the client listener no longer accepts, /healthz fails. */
  readonly shuttingDown: boolean;
  /** Lame duck mode (SIGUSR2): the listener is closed, /healthz fails as the reference's readyForConnections. */
  readonly lameDuckMode?: boolean;
  /** The bound websocket port (varz websocket.port when the block's port was -1); 0 = none. */
  readonly websocketPort?: number;
  /** The loaded client TLS configuration (src/tls TLSContext), when TLS is configured; a reload replaces it. */
  readonly tls?: { readonly ctx: { readonly certNotAfter: Date } };
}
