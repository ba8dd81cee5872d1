// Websocket clients in a cluster (nats-server beside bnats): route INFO carries each member's websocket
// URLs (ws_connect_urls), and a websocket client's INFO lists the cluster's websocket URLs in
// connect_urls (client.go generateClientInfoJSON), so nats.ws clients can fail over; TCP clients keep
// the TCP URLs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hasReference } from "../helpers/ref.ts";
import { startNode, until, waitForMesh, type ClusterNode } from "../helpers/cluster.ts";
import { RawClient } from "../helpers/raw.ts";
import { rawUpgrade, readFrame } from "../helpers/ws.ts";

function wsPortOf(n: ClusterNode): number {
  const m = /Listening for websocket clients on ws:\/\/[^\s]+:(\d+)/.exec(n.logs());
  if (m === null) throw new Error(`no websocket listener in ${n.spec.name}'s log`);
  return Number(m[1]);
}

async function wsInfo(port: number): Promise<{ connect_urls?: string[] }> {
  const { c } = await rawUpgrade(port);
  const f = await readFrame(c);
  c.close();
  return JSON.parse(f.payload.slice(5)) as { connect_urls?: string[] };
}

async function tcpInfo(port: number): Promise<{ connect_urls?: string[] }> {
  const c = await RawClient.connect(port);
  const info = (await c.readInfo()) as { connect_urls?: string[] };
  c.close();
  return info;
}

describe.if(hasReference())("websocket URLs across a cluster", () => {
  let a: ClusterNode; // nats-server
  let x: ClusterNode; // bnats
  const WS = "websocket { host: 127.0.0.1, port: -1, no_tls: true }";

  beforeAll(async () => {
    a = await startNode({ kind: "reference", name: "A", cluster: "C", extra: WS });
    x = await startNode({ kind: "bnats", name: "X", cluster: "C", routes: [a.routeURL], extra: WS });
    await waitForMesh([a, x]);
  }, 30_000);
  afterAll(async () => {
    await x?.stop();
    await a?.stop();
  });

  test("each side's websocket clients get both members' websocket URLs; TCP clients the TCP ones", async () => {
    const want = [`127.0.0.1:${wsPortOf(a)}`, `127.0.0.1:${wsPortOf(x)}`].sort();
    let last: unknown;
    await until(async () => {
      const [ia, ix] = [await wsInfo(wsPortOf(a)), await wsInfo(wsPortOf(x))];
      last = { ia, ix };
      return JSON.stringify([...(ia.connect_urls ?? [])].sort()) === JSON.stringify(want) && JSON.stringify([...(ix.connect_urls ?? [])].sort()) === JSON.stringify(want);
    }, `websocket connect_urls ${JSON.stringify(want)} (last ${JSON.stringify(last)})`).catch((e) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify(last)}`);
    });
    const t = await tcpInfo(x.port);
    expect(t.connect_urls?.some((u) => u.endsWith(`:${x.port}`))).toBe(true);
    expect(t.connect_urls?.some((u) => u.endsWith(`:${wsPortOf(x)}`))).toBe(false);
  }, 20_000);
});
