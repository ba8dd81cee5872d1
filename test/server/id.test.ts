// The server id is a valid server public nkey (checked by the nkeys library itself), new at every start.
import { expect, test } from "bun:test";
import { fromPublic } from "@nats-io/nkeys";
import { newServerId } from "../../src/server/id.ts";

test("newServerId: a server public nkey with a valid checksum, different each time", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const id = newServerId();
    expect(id).toMatch(/^N[A-Z2-7]{55}$/);
    expect(fromPublic(id).getPublicKey()).toBe(id);
    seen.add(id);
  }
  expect(seen.size).toBe(200);
});
