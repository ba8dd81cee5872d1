// The differential runner itself: it must notice wrong answers, not hang on missing ones, and
// translate options to config text faithfully.
import { describe, expect, test } from "bun:test";
import net from "node:net";
import { expectedTranscript, maskInfo, runConversation, MASKED, type Conversation } from "./conversation.ts";
import { toConfig } from "./config.ts";
import { hasReference, reference } from "./servers.ts";
import { CONNECT_QUIET } from "./suite.ts";

/** A tiny scripted TCP server: sends `greeting`, then answers each received chunk via `reply`. */
async function fakeServer(greeting: string, reply: (data: string, sock: net.Socket) => void): Promise<{ port: number; close(): void }> {
  const server = net.createServer((sock) => {
    sock.write(greeting);
    sock.on("data", (d) => reply(d.toString("latin1"), sock));
    sock.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

describe("expectedTranscript", () => {
  test("adds the final PING for clients left open, not for closed ones", () => {
    const conv: Conversation = {
      name: "x",
      steps: [{ send: "a" }, { c: 1, expect: "b" }, { c: 1, closed: true }, { c: 2, unordered: ["y", "x"] }],
    };
    expect(expectedTranscript(conv)).toEqual([
      'c1 recv "b"',
      "c1 closed",
      'c2 recv unordered ["x","y"]',
      'c0 end "PONG\\r\\n"',
      'c2 end "PONG\\r\\n"',
    ]);
  });
});

describe("maskInfo", () => {
  test("masks ids and the server's own port, keeps order and other values", () => {
    const masked = maskInfo({ server_id: "N1", port: 4222, host: "h", client_id: 3, max_payload: 9 }, 4222);
    expect(JSON.stringify(masked)).toBe(`{"server_id":"${MASKED}","port":"${MASKED}","host":"h","client_id":"${MASKED}","max_payload":9}`);
    expect(maskInfo({ port: 1 }, 4222)).toEqual({ port: 1 });
  });
});

describe("toConfig", () => {
  test("translates the option names the suites use", () => {
    expect(toConfig({ maxPayload: 16, pingInterval: 100, authorization: "t", authTimeout: 200 })).toBe(
      'max_payload: 16\nping_interval: "100ms"\nauthorization {\n  token: "t"\n  timeout: 0.2\n}\n',
    );
  });
  test("refuses options it cannot translate", () => {
    expect(() => toConfig({ tags: ["a"] })).toThrow(/no translation for option tags/);
  });
});

describe("runConversation against a scripted server", () => {
  test("records a wrong answer whole, a missing one as a timeout, and a close", async () => {
    const fake = await fakeServer('INFO {"port":1} \r\n', (data, sock) => {
      if (data.startsWith("PING")) sock.write("-ERR 'nope'\r\n");
      if (data.startsWith("BYE")) sock.end();
    });
    try {
      const conv: Conversation = {
        name: "t",
        steps: [
          { info: { port: 1 } },
          { send: "PING\r\n" },
          { expect: "PONG\r\n" },
          { send: "X\r\n" },
          { expect: "Y\r\n", timeoutMs: 100 },
          { send: "BYE\r\n" },
          { closed: true },
        ],
      };
      const got = await runConversation(conv, fake.port);
      expect(got).toEqual([
        'c0 INFO {"port":1}" \\r\\n"',
        `c0 recv "-ERR 'nope'\\r\\n"`,
        'c0 recv "<timeout>"',
        "c0 closed",
      ]);
      expect(got).not.toEqual(expectedTranscript(conv));
    } finally {
      fake.close();
    }
  });
});

describe.if(hasReference())("runConversation against nats-server", () => {
  test("a wrong recording is caught", async () => {
    const server = await reference("");
    try {
      const conv: Conversation = { name: "w", steps: [{ send: CONNECT_QUIET + "PING\r\n" }, { expect: "+OK\r\n" }] };
      expect(await runConversation(conv, server.port)).not.toEqual(expectedTranscript(conv));
    } finally {
      await server.stop();
    }
  });
});
