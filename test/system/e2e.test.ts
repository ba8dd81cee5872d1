// The system account in a running bnats, with the official client: the STATSZ heartbeat, a reload of the
// tags, SHUTDOWN before the connections close, CLIENT.AUTH.ERR, no_system_account, and isolation from
// the global account.
import { afterEach, describe, expect, test } from "bun:test";
import { wsconnect } from "@nats-io/nats-core";
import { connect, type Msg, type NatsConnection } from "@nats-io/transport-node";
import { configToOptions } from "../../src/config/load.ts";
import { parseTokens } from "../../src/config/parser.ts";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { mergeOptions } from "../../src/options.ts";
import { Reloader } from "../../src/server/reload.ts";
import { startBnats, type InProcessServer } from "../helpers/bnats.ts";
import { requestAll, SYS_CONFIG } from "./harness.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(config = ""): Promise<InProcessServer> {
  const b = await startBnats({ config });
  cleanups.push(() => b.stop());
  return b;
}

/** A client bound to the system account by hand (as a login into it would, once users in accounts run). */
async function systemUser(b: InProcessServer, opts: { user?: string; pass?: string } = {}): Promise<NatsConnection> {
  const nc = await connect({ port: b.port, name: "sys", ...opts });
  cleanups.push(() => nc.close().catch(() => undefined));
  await nc.flush();
  const sysAcc = b.server.accounts.lookup("$SYS");
  if (sysAcc === undefined) throw new Error("no system account");
  for (const c of b.server.clients.values()) if (c.name === "sys") c.bindAccount(sysAcc);
  return nc;
}

/** The next message on `subject`, or undefined after `ms`. */
async function next(nc: NatsConnection, subject: string, ms = 2000, after?: () => void | Promise<void>): Promise<Msg | undefined> {
  const sub = nc.subscribe(subject, { max: 1 });
  await nc.flush();
  await after?.();
  const timer = setTimeout(() => sub.unsubscribe(), ms);
  for await (const m of sub) {
    clearTimeout(timer);
    return m;
  }
  clearTimeout(timer);
  return undefined;
}

describe("system account events in a running server", () => {
  test("STATSZ goes out on the heartbeat (first after 250 ms) on $SYS.SERVER.<id>.STATSZ", async () => {
    const b = await server();
    const nc = await systemUser(b);
    const m = await next(nc, `$SYS.SERVER.${b.server.id}.STATSZ`, 3000);
    expect(m).toBeDefined();
    const j = m!.json<{ server: { id: string; seq: number }; statsz: { connections: number; active_accounts: number } }>();
    expect(j.server.id).toBe(b.server.id);
    expect(j.statsz.connections).toBe(1);
    expect(j.statsz.active_accounts).toBeGreaterThanOrEqual(1);
  });

  test("a reload that changes the tags sends STATSZ at once, with the new tags", async () => {
    // A real user of the system account: a reload re-judges logins, and a client bound by hand would
    // be closed as moved to another account (reload.go clientHasMovedToDifferentAccount).
    const accounts = "accounts { $SYS: { users: [{user: sys, password: sys}] } }\n";
    const b = await server(`server_tags: [a]\n${accounts}`);
    const nc = await connect({ port: b.port, user: "sys", pass: "sys" });
    cleanups.push(() => nc.close().catch(() => undefined));
    // Wait for the third start-up heartbeat (at 250 + 500 + 1000 ms): the next one is 2 s away.
    const beats = nc.subscribe(`$SYS.SERVER.${b.server.id}.STATSZ`);
    for await (const _ of beats) if (Date.now() - b.server.startTime.getTime() > 1500) break;
    const reloader = new Reloader(b.server, {});
    const m = await next(nc, `$SYS.SERVER.${b.server.id}.STATSZ`, 1500, () =>
      reloader.reloadOptions(mergeOptions(configToOptions(parseTokens(`server_tags: [a, b]\n${accounts}`, "test.conf"), "test.conf"), { port: -1 })),
    );
    expect(m?.json<{ server: { tags?: string[] } }>().server.tags).toEqual(["a", "b"]);
  });

  test("SHUTDOWN reaches the subscribers before their connections close", async () => {
    const b = await startBnats();
    const nc = await systemUser(b);
    const m = await next(nc, `$SYS.SERVER.${b.server.id}.SHUTDOWN`, 2000, () => b.stop());
    expect(m?.json<{ id: string }>().id).toBe(b.server.id);
  });

  test("a refused login sends CLIENT.AUTH.ERR with the client's details and Authentication Failure", async () => {
    const b = await server("authorization { users: [{user: sys, password: sys}, {user: a, password: a}] }\n");
    const nc = await systemUser(b, { user: "sys", pass: "sys" });
    const m = await next(nc, `$SYS.SERVER.${b.server.id}.CLIENT.AUTH.ERR`, 2000, async () => {
      await connect({ port: b.port, user: "a", pass: "wrong", name: "bad", reconnect: false }).then(
        (c) => c.close(),
        () => undefined,
      );
    });
    const j = m!.json<{ type: string; client: Record<string, unknown>; reason: string }>();
    expect(j.type).toBe("io.nats.server.advisory.v1.client_disconnect");
    expect(j.reason).toBe("Authentication Failure");
    expect(j.client).toMatchObject({ acc: "$G", user: "a", name: "bad", lang: "nats.js", kind: "Client", client_type: "nats" });
  });

  test("a client of the global account cannot see the system account's subjects", async () => {
    const b = await server();
    const plain = await connect({ port: b.port });
    cleanups.push(() => plain.close());
    const seen: string[] = [];
    const sub = plain.subscribe("$SYS.>", {
      callback: (_e, m) => {
        seen.push(m.subject);
      },
    });
    await plain.flush();
    const nc = await systemUser(b);
    await nc.request("$SYS.REQ.SERVER.PING.HEALTHZ", "", { timeout: 1000 });
    await nc.flush();
    await plain.flush();
    sub.unsubscribe();
    expect(seen).toEqual([]);
  });

  test("no_system_account: no system account, nothing answers", async () => {
    const b = await server("no_system_account: true\n");
    expect(b.server.accounts.lookup("$SYS")).toBeUndefined();
    const nc = await connect({ port: b.port });
    cleanups.push(() => nc.close());
    await expect(nc.request("$SYS.REQ.SERVER.PING", "", { timeout: 500 })).rejects.toThrow();
  });
});

describe("what every account imports from the system account (registerSystemImports)", () => {
  test("a user of an ordinary account gets its CONNZ and STATZ through the imports, and nothing else of $SYS", async () => {
    const b = await server(SYS_CONFIG);
    const a = await connect({ port: b.port, user: "a", pass: "a", name: "acli" });
    cleanups.push(() => a.close());
    const seen: string[] = [];
    a.subscribe("$SYS.>", {
      callback: (_e, m) => {
        seen.push(m.subject);
      },
    });
    for (const subject of ["$SYS.REQ.SERVER.PING.CONNZ", "$SYS.REQ.ACCOUNT.PING.CONNZ"]) {
      const [r] = (await requestAll(a, subject, "", 1000, 1)) as { server: { id: string }; data: object }[];
      expect(r?.server.id).toBe(b.server.id);
      expect(Object.keys(r!.data)).toContain("connections");
    }
    // Not imported: the server ping and the other services stay in the system account.
    await expect(a.request("$SYS.REQ.SERVER.PING", "", { timeout: 500 })).rejects.toThrow();
    await expect(a.request("$SYS.REQ.SERVER.PING.VARZ", "", { timeout: 500 })).rejects.toThrow();
    // Events of the system account (a login of another user) never reach account A.
    const other = await connect({ port: b.port, user: "sys", pass: "sys" });
    await other.close();
    await a.flush();
    expect(seen.filter((s) => !s.startsWith("$SYS.REQ."))).toEqual([]);
  });

  test("the imports appear in the account's INFO as the reference lists them", async () => {
    const b = await server(SYS_CONFIG);
    const acc = b.server.accounts.lookup("A")!;
    expect([...acc.serviceImports.values()].map((si) => [si.from, si.to])).toEqual([
      ["$SYS.REQ.ACCOUNT.PING.CONNZ", "$SYS.REQ.ACCOUNT.A.CONNZ"],
      ["$SYS.REQ.SERVER.PING.CONNZ", "$SYS.REQ.ACCOUNT.A.CONNZ"],
      ["$SYS.REQ.ACCOUNT.PING.STATZ", "$SYS.REQ.ACCOUNT.A.STATZ"],
    ]);
    expect(b.server.accounts.lookup("SYS")!.serviceImports.size).toBe(0);
  });
});

describe("events of an account's clients", () => {
  test("CONNECT and DISCONNECT of a user of A; a websocket client is client_type websocket", async () => {
    const b = await server(`${SYS_CONFIG}\nwebsocket { port: -1, no_tls: true }\n`);
    const nc = await connect({ port: b.port, user: "sys", pass: "sys" });
    cleanups.push(() => nc.close());
    const conn = await next(nc, "$SYS.ACCOUNT.A.CONNECT", 2000, async () => {
      const a = await connect({ port: b.port, user: "a", pass: "a", name: "acli" });
      await a.close();
    });
    expect(conn?.json<{ client: Record<string, unknown> }>().client).toMatchObject({ acc: "A", user: "a", name: "acli", client_type: "nats" });
    const disc = await next(nc, "$SYS.ACCOUNT.A.DISCONNECT", 2000, async () => {
      const ws = await wsconnect({ servers: `ws://127.0.0.1:${b.server.websocketPort}`, user: "a", pass: "a", name: "wscli" });
      await ws.close();
    });
    const j = disc!.json<{ client: Record<string, unknown>; reason: string }>();
    expect(j.client).toMatchObject({ acc: "A", name: "wscli", client_type: "websocket", kind: "Client" });
    expect(j.reason).toBe("Client Closed");
  });
});

describe("account connection counts (Account.statz)", () => {
  test("a client counts in $G while it logs in, then in its account only; SERVER.CONNS says so", async () => {
    const b = await server(SYS_CONFIG);
    const nc = await connect({ port: b.port, user: "sys", pass: "sys" });
    cleanups.push(() => nc.close());
    // The pre-login $G membership sends $G's count with the new connection in it, as the reference.
    const g = await next(nc, "$SYS.ACCOUNT.$G.SERVER.CONNS", 2000, async () => {
      const a = await connect({ port: b.port, user: "a", pass: "a" });
      cleanups.push(() => a.close());
    });
    expect(g?.json<{ conns: number }>().conns).toBe(1);
    const [a] = (await requestAll(nc, "$SYS.REQ.ACCOUNT.A.CONNS", "", 1000, 1)) as { conns: number; total_conns: number }[];
    expect(a).toMatchObject({ conns: 1, total_conns: 1 });
    // $G has nobody now: its CONNS request stays silent (connsRequest answers only with local connections).
    expect(await requestAll(nc, "$SYS.REQ.ACCOUNT.$G.CONNS", "", 300)).toEqual([]);
  });
});

describe("a reload that adds an account", () => {
  test("the new account gets the system imports too (registerSystemImports on configureAccounts)", async () => {
    const b = await server(SYS_CONFIG);
    const dir = mkdtempSync(join(tmpdir(), "bnats-sys-reload-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "bnats.conf");
    writeFileSync(file, SYS_CONFIG.replace("A { users: [{user: a, password: a}] }", "A { users: [{user: a, password: a}] }\n  B { users: [{user: b, password: b}] }"));
    await new Reloader(b.server, {}).reloadOptions(mergeOptions(loadConfig(file).options, { port: -1 }));
    const nc = await connect({ port: b.port, user: "b", pass: "b", name: "bcli" });
    cleanups.push(() => nc.close());
    const [r] = (await requestAll(nc, "$SYS.REQ.SERVER.PING.CONNZ", "", 1000, 1)) as { data: { connections: { name: string }[] } }[];
    expect(r?.data.connections.map((c) => c.name)).toEqual(["bcli"]);
  });
});
