// After CONNECT a client's log lines name it: `127.0.0.1:5678 - cid:4 - "v2.5.0:ruby3.1.2" - ...`
// (client.go processConnect stores ncs = "v<version>:<lang>:<name>", Go-quoted), as seen in nats-server's
// log while nats-pure.rb's suite ran. Checked line by line beside nats-server.
import { afterAll, describe, expect, test } from "bun:test";
import { connectTag } from "../../src/server/client.ts";
import { hasBnatsBinary, startBnatsBinary, type ProcessServer } from "../helpers/bnats.ts";
import { RawClient } from "../helpers/raw.ts";
import { hasReference, startReference } from "../helpers/ref.ts";

test("connectTag: the parts CONNECT has, joined by ':'", () => {
  expect(connectTag({ version: "2.5.0", lang: "ruby3.1.2", name: "" })).toBe("v2.5.0:ruby3.1.2");
  expect(connectTag({ version: "", lang: "go", name: "svc" })).toBe("go:svc");
  expect(connectTag({ version: "1", lang: "", name: "svc" })).toBe("v1:svc");
  expect(connectTag({ version: "", lang: "", name: "svc" })).toBe("svc");
  expect(connectTag({ version: "", lang: "", name: "" })).toBe("");
});

describe.skipIf(!hasReference() || !hasBnatsBinary())("the client tag in log lines, beside nats-server", () => {
  const servers: ProcessServer[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.stop())));

  async function closedLines(start: () => Promise<ProcessServer>): Promise<string[]> {
    const s = await start();
    servers.push(s);
    const connects = ['{"version":"2.5.0","lang":"ruby3.1.2"}', '{"lang":"go","name":"a \\"b\\""}', "{}"];
    for (const [i, c] of connects.entries()) {
      const raw = await RawClient.connect(s.port);
      await raw.readLine();
      raw.send(`CONNECT ${c}\r\nPING\r\n`);
      await raw.readLine();
      raw.close();
      await s.waitForLog(new RegExp(`(?:[\\s\\S]*?Client connection closed){${i + 1}}`));
    }
    return s.logs().split("\n").filter((l) => l.includes("Client connection closed"))
      .map((l) => l.replace(/^.*\[DBG\] \S+ - cid:\d+/, "cid"));
  }

  test("same tags after CONNECT", async () => {
    const args = ["-D"];
    const ref = await closedLines(() => startReference({ args }));
    const got = await closedLines(() => startBnatsBinary({ args }));
    expect(ref).toEqual([
      'cid - "v2.5.0:ruby3.1.2" - Client connection closed: Client Closed',
      'cid - "go:a \\"b\\"" - Client connection closed: Client Closed',
      "cid - Client connection closed: Client Closed",
    ]);
    expect(got).toEqual(ref);
  });
});

// -V traces what goes out as well as what comes in (client.go sendPong, sendOK, deliverMsg's
// traceOutOp): nats-server's trace showed "->> [MSG a 1 1024]" lines that bnats did not write.
describe.skipIf(!hasReference() || !hasBnatsBinary())("outbound traces, beside nats-server", () => {
  const servers: ProcessServer[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.stop())));

  async function traces(start: () => Promise<ProcessServer>): Promise<string[]> {
    const s = await start();
    servers.push(s);
    const raw = await RawClient.connect(s.port);
    await raw.readLine();
    raw.send('CONNECT {"verbose":true,"headers":true}\r\nSUB a 1\r\nPUB a r 2\r\nhi\r\nHPUB a 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPING\r\n');
    await raw.readUntil((u) => (u.includes("PONG\r\n") ? u.indexOf("PONG\r\n") + 6 : false), 3000, "PONG");
    await s.waitForLog("->> [PONG]");
    raw.close();
    return s.logs().split("\n").filter((l) => /\[TRC\].* (<<-|->>) /.test(l) && !l.includes("CONNECT"))
      .map((l) => l.replace(/^.* - cid:\d+ - /, ""));
  }

  test("PONG, OK, MSG and HMSG go out traced, in the reference's order and shape", async () => {
    const ref = await traces(() => startReference({ args: ["-V"] }));
    const got = await traces(() => startBnatsBinary({ args: ["-V"] }));
    expect(ref).toContain("->> [MSG a 1 r 2]");
    expect(ref).toContain("->> [HMSG a 1 12 14]");
    expect(got).toEqual(ref);
  });
});
