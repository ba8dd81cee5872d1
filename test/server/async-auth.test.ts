// A bcrypt login is decided off the event loop: the client's pipelined input waits for it and is then
// processed in order, while other clients keep being served.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { RawClient } from "../helpers/raw.ts";
import { startBnats, type InProcessServer } from "../helpers/bnats.ts";

let srv: InProcessServer;
beforeAll(async () => {
  const hash = await Bun.password.hash("s3cret", { algorithm: "bcrypt", cost: 10 });
  srv = await startBnats({ options: { users: [{ username: "alice", password: hash }] } });
});
afterAll(() => srv.stop());

test("pipelined ops after a bcrypt CONNECT are processed in order once it is decided", async () => {
  const a = await RawClient.connect(srv.port);
  await a.readInfo();
  a.send('CONNECT {"user":"alice","pass":"s3cret","verbose":false}\r\nSUB x 1\r\nPUB x 2\r\nhi\r\nPING\r\n');
  await a.expect("MSG x 1 2\r\nhi\r\nPONG\r\n", 5000);
  a.close();
});

test("a wrong bcrypt password gets Authorization Violation and the rest is not processed", async () => {
  const a = await RawClient.connect(srv.port);
  await a.readInfo();
  a.send('CONNECT {"user":"alice","pass":"nope","verbose":false}\r\nPING\r\n');
  await a.expect("-ERR 'Authorization Violation'\r\n", 5000);
  expect(await a.waitClosed()).toBe(true);
  expect(a.received).not.toContain("PONG");
});

test("other clients are served while a bcrypt comparison runs", async () => {
  const b = await RawClient.connect(srv.port);
  await b.readInfo();
  b.send('CONNECT {"user":"alice","pass":"s3cret","verbose":false}\r\nPING\r\n');
  await b.expect("PONG\r\n", 5000);
  const slow = await RawClient.connect(srv.port);
  await slow.readInfo();
  slow.send('CONNECT {"user":"alice","pass":"s3cret","verbose":false}\r\nPING\r\n');
  // b's PING is answered before slow's login finishes (bcrypt at cost 10 takes tens of ms).
  b.send("PING\r\n");
  await b.expect("PONG\r\n", 5000);
  const slowDone = slow.received.includes("PONG");
  await slow.expect("PONG\r\n", 5000);
  expect(slowDone).toBe(false);
  b.close();
  slow.close();
});
