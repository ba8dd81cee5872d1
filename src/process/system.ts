// The system account's services and events beside a server (events.go setSystemAccount), composed by the
// entry points like the monitor: an internal connection in the system account (src/conn/internal.ts), the
// handlers and events of src/system over the monitoring view, and the server's client and account
// notifications turned into events. `no_system_account` leaves it all off.
import { GLOBAL_ACCOUNT, type Account } from "../accounts/account.ts";
import { SystemClient } from "../conn/internal.ts";
import { Kind } from "../conn/kind.ts";
import type { ConnAccount, Subscription } from "../conn/connection.ts";
import { subjectIsLiteral, subjectIsSubsetMatch } from "../subjects/subject.ts";
import { newContext, type MonitorContext } from "../monitor/context.ts";
import { ProcessUsage } from "../monitor/usage.ts";
import type { ClientConnection } from "../server/client.ts";
import type { ClientEvents, Server, ServerService } from "../server/server.ts";
import type { AccountStat, EventClient } from "../system/messages.ts";
import { SystemServices } from "../system/system.ts";

/** What the system account's events read of a client (ClientInfo). */
export function eventClient(c: ClientConnection): EventClient {
  const creds = c.credentials;
  // getRawAuthUser: the nkey, else the user, else the token, as presented.
  const raw = creds?.nkey || creds?.user || creds?.auth_token || "";
  // clientTypeString: "websocket" for a websocket client, "nats" otherwise (no MQTT in bnats).
  const clientType = c.websocket ? "websocket" : "nats";
  return {
    start: c.start,
    ip: c.ip,
    cid: c.cid,
    account: c.account.name,
    rawAuthUser: raw,
    name: c.name,
    lang: c.lang,
    version: c.version,
    rtt: c.rtt,
    kind: "Client",
    clientType,
    // issuerForClient: an nkey user's account.
    issuerKey: creds?.nkey && c.user !== "" ? c.account.name : "",
    inMsgs: c.inMsgs,
    inBytes: c.inBytes,
    outMsgs: c.outMsgs,
    outBytes: c.outBytes,
  };
}

/**
 * totalSubs / the wildcard walk of debugSubscribers: client subscriptions on a literal subject (or covered
 * by a wildcard one), only those of `queue` when given.
 */
export function countSubscribers(sublist: ConnAccount["sublist"], subject: string, queue?: string): number {
  const counts = (sub: Subscription): boolean => sub.conn.kind === Kind.CLIENT && (queue === undefined || sub.queue === queue);
  let n = 0;
  if (subjectIsLiteral(subject)) {
    const r = sublist.match(subject);
    if (queue === undefined) for (const sub of r.psubs) if (counts(sub)) n++;
    for (const group of r.qsubs) for (const sub of group) if (counts(sub)) n++;
    return n;
  }
  for (const sub of sublist.all()) if (counts(sub) && subjectIsSubsetMatch(sub.subject, subject)) n++;
  return n;
}

/** Local client and leaf connections per account, kept as connections join and leave. */
class ConnCounts {
  private readonly clients = new Map<string, number>();
  private readonly leafs = new Map<string, number>();
  /**
   * Connections that joined an account from inside the Connection constructor, before their subclass
   * set `kind` (class fields are assigned after super()): counted once their kind is known.
   */
  private readonly pending = new Map<{ readonly kind: number }, string>();

  join(account: string, conn: { readonly kind: number }): void {
    if ((conn.kind as number | undefined) === undefined) this.pending.set(conn, account);
    else this.change(account, conn.kind, 1);
  }

  leave(account: string, conn: { readonly kind: number }): void {
    this.resolve();
    this.change(account, conn.kind, -1);
  }

  private resolve(): void {
    for (const [conn, account] of this.pending) {
      if ((conn.kind as number | undefined) === undefined) continue;
      this.pending.delete(conn);
      this.change(account, conn.kind, 1);
    }
  }

  change(account: string, kind: number, by: number): void {
    const m = kind === Kind.CLIENT ? this.clients : kind === Kind.LEAF ? this.leafs : undefined;
    if (m !== undefined) m.set(account, (m.get(account) ?? 0) + by);
  }

  statz(acc: { readonly name: string; readonly stats: Account["stats"] }): AccountStat {
    this.resolve();
    const conns = this.clients.get(acc.name) ?? 0;
    const leafnodes = this.leafs.get(acc.name) ?? 0;
    const st = acc.stats;
    return {
      acc: acc.name,
      conns,
      leafnodes,
      total_conns: conns + leafnodes,
      sent: { msgs: st.outMsgs, bytes: st.outBytes },
      received: { msgs: st.inMsgs, bytes: st.inBytes },
      slow_consumers: st.slowConsumers,
    };
  }
}

export class SystemService implements ServerService, ClientEvents {
  services: SystemServices | undefined;
  private readonly counts = new ConnCounts();
  private usage: ProcessUsage | undefined;

  /** `monitorCtx` shares the monitoring context (request counters, usage sampler) when monitoring runs. */
  constructor(
    private readonly server: Server,
    private readonly monitorCtx: () => MonitorContext | undefined = () => undefined,
  ) {}

  /** setSystemAccount: the account, its internal connection, the subscriptions and the STATSZ timer. */
  start(): void {
    const server = this.server;
    const accounts = server.accounts;
    // configureAccounts chose it (system_account, an account named $SYS, or $SYS); none with no_system_account.
    const account = accounts.system;
    if (account === undefined) return;
    const sysName = account.name;
    // Count what is already connected, then follow every join and leave.
    for (const acc of accounts.all()) for (const c of acc.conns) this.counts.join(acc.name, c);
    accounts.setConnsListener((acc, conn, joined) => {
      if (joined) this.counts.join(acc.name, conn);
      else this.counts.leave(acc.name, conn);
      // The update is built after the current call returns: a connection joins from its constructor,
      // before it knows its kind (accConnsUpdate counts it).
      const services = this.services;
      if (services !== undefined) queueMicrotask(() => services.accountConnsChanged(acc.name, joined));
    });
    const client = new SystemClient(server, account, server.nextCid());
    let ctx = this.monitorCtx();
    if (ctx === undefined) {
      this.usage = new ProcessUsage();
      this.usage.start();
      ctx = newContext(server, this.usage);
    }
    this.services = new SystemServices({
      ctx,
      identity: () => {
        const info = server.baseInfo();
        return {
          name: info.server_name,
          host: info.host,
          id: info.server_id,
          cluster: server.cluster?.name ?? "",
          domain: "",
          tags: server.opts.tags,
          jetstream: false,
        };
      },
      client,
      systemAccount: sysName,
      globalAccount: GLOBAL_ACCOUNT,
      accountStat: (name) => {
        const acc = accounts.lookup(name);
        return acc === undefined ? undefined : this.counts.statz(acc);
      },
      activeAccounts: () => {
        let n = 0;
        for (const acc of accounts.all()) if (acc.conns.size > 0) n++;
        return n;
      },
      countSubscribers: (name, subject, queue) => {
        const acc = accounts.lookup(name);
        return acc === undefined ? undefined : countSubscribers(acc.sublist, subject, queue);
      },
      hasLocalConnections: (name) => {
        const acc = accounts.lookup(name);
        return acc !== undefined && this.counts.statz(acc).total_conns > 0;
      },
      error: (msg) => server.log.error(msg),
    });
    this.services.start();
    server.clientEvents.push(this);
  }

  /** shutdownEventing: the SHUTDOWN event, before the connections close. */
  beforeShutdown(): void {
    this.services?.shutdown();
    this.usage?.stop();
  }

  stop(): void {
    this.beforeShutdown();
  }

  /** A reload that changed what STATSZ reports (server tags) sends one at once (reload.go). */
  statszChanged(): void {
    this.services?.sendStatsz();
  }

  // ---- ClientEvents

  connected(client: ClientConnection): void {
    this.services?.clientConnected(eventClient(client));
  }

  authFailed(client: ClientConnection): void {
    this.services?.authFailed(eventClient(client), client.closeReason ?? "Authentication Failure");
  }

  closed(client: ClientConnection): void {
    this.services?.clientDisconnected(eventClient(client), client.closeReason ?? "", client.stop?.getTime());
  }
}

/** Attach the system account's services to a server that has not started yet (after the monitor). */
export function attachSystem(server: Server, monitorCtx?: () => MonitorContext | undefined): SystemService {
  const svc = new SystemService(server, monitorCtx);
  server.attach(svc);
  return svc;
}
