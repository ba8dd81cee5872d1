// JetStream through the leaf, the sidecar's way: the hub (nats-server -js with a domain) serves
// JetStream; the official client connected to bnats (a leaf of that hub) creates a stream, publishes
// with acks and consumes, all through the domain's API prefix ($JS.hub.API.>), which bnats carries.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { hasReference } from "../helpers/ref.ts";
import { startHub, startLeaf, waitLeafs, waitLeafSub } from "../helpers/topology.ts";

const store = mkdtempSync(join(tmpdir(), "bnats-js-hub-"));
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  rmSync(store, { recursive: true, force: true });
});

describe.skipIf(!hasReference())("JetStream through a bnats leaf", () => {
  test("stream, acked publishes and a consumer through the hub's domain", async () => {
    const hub = await startHub("reference", { name: "js-hub", extra: `jetstream { store_dir: "${store}", domain: hub }` });
    cleanups.push(() => hub.stop());
    const leaf = await startLeaf("bnats", hub, { name: "js-leaf" });
    cleanups.push(() => leaf.stop());
    await waitLeafs(hub, 1, [leaf]);
    await waitLeafSub(leaf, "$JS.hub.API.STREAM.>");
    const nc = await connect({ servers: `127.0.0.1:${leaf.port}`, reconnect: false });
    cleanups.push(() => nc.close());
    const jsm = await jetstreamManager(nc, { domain: "hub", timeout: 5000 });
    await jsm.streams.add({ name: "ORDERS", subjects: ["orders.>"] });
    const js = jetstream(nc, { domain: "hub", timeout: 5000 });
    for (let i = 0; i < 3; i++) {
      const ack = await js.publish(`orders.${i}`, `order ${i}`);
      expect(ack.stream).toBe("ORDERS");
      expect(ack.domain).toBe("hub");
    }
    await jsm.consumers.add("ORDERS", { durable_name: "proc", ack_policy: "explicit" });
    const consumer = await js.consumers.get("ORDERS", "proc");
    const got: string[] = [];
    // Pulled messages come back with their stream subject, which rides in the ack reply (…@orders.0).
    const batch = await consumer.fetch({ max_messages: 3, expires: 3000 });
    for await (const m of batch) {
      got.push(`${m.subject}:${m.string()}`);
      m.ack();
      if (got.length === 3) break;
    }
    expect(got).toEqual(["orders.0:order 0", "orders.1:order 1", "orders.2:order 2"]);
    // Without the domain, the JetStream API is not carried over the leaf link (the hub denies it).
    const plain = await jetstreamManager(nc, { timeout: 1000 }).then(
      () => "reached",
      (e: Error) => e.message,
    );
    expect(plain).not.toBe("reached");
  }, 30_000);
});
