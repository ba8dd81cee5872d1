// The route verbs of the parser (RS+, RS-, RMSG, HMSG as a route peer sends them), with the reference's
// argument rules and error texts (route.go processRemoteSub/processRemoteUnsub/processRoutedMsgArgs/
// processRoutedHeaderMsgArgs); the same ops for every split of the stream.
import { describe, expect, test } from "bun:test";
import { Parser, type RouteParserHandler } from "../../src/protocol/parser.ts";

class RouteRecorder implements RouteParserHandler {
  ops: string[] = [];
  parser?: Parser;
  processConnect(arg: Buffer): void {
    this.ops.push(`CONNECT ${arg.toString("latin1")}`);
  }
  processInfo(arg: Buffer): void {
    this.ops.push(`INFO ${arg.toString("latin1")}`);
  }
  processMsg(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void {
    this.ops.push(`PUB ${subject}|${reply}|${hdr}|${buf.toString("latin1", start, end)}`);
  }
  processSub(subject: string): void {
    this.ops.push(`SUB ${subject}`);
  }
  processUnsub(sid: string): void {
    this.ops.push(`UNSUB ${sid}`);
  }
  processPing(): void {
    this.ops.push("PING");
  }
  processPong(): void {
    this.ops.push("PONG");
  }
  processErr(text: string): void {
    this.ops.push(`ERR ${text}`);
  }
  processPreConnectOp(): boolean {
    return true;
  }
  protocolError(sendErr: boolean, detail: string): void {
    this.ops.push(`PROTOERR ${sendErr} ${detail}`);
    this.parser?.halt();
  }
  maxControlLineExceeded(): void {
    this.ops.push("MAXCONTROL");
  }
  maxPayloadExceeded(): void {
    this.ops.push("MAXPAYLOAD");
  }
  pubArgsParsed(): void {}
  processRemoteSub(account: string, subject: string, queue: string | undefined, weight: number, key: string, origin: string): void {
    this.ops.push(`${origin !== "" ? `LS+ ${origin}|` : "RS+ "}${account}|${subject}|${queue ?? "-"}|${weight}|${key}`);
  }
  processRemoteUnsub(account: string, subject: string, queue: string | undefined, key: string): void {
    this.ops.push(`RS- ${account}|${subject}|${queue ?? "-"}|${key}`);
  }
  processRoutedMsg(
    account: string,
    subject: string,
    reply: string,
    queues: string[] | null,
    hdr: number,
    buf: Buffer,
    start: number,
    end: number,
    origin: string,
  ): void {
    const q = queues === null ? "-" : queues.join(",");
    const verb = origin !== "" ? `LMSG ${origin}|` : "RMSG ";
    this.ops.push(`${verb}${account}|${subject}|${reply}|${q}|${hdr}|${buf.toString("latin1", start, end)}`);
  }
}

function run(chunks: Buffer[], route = true): string[] {
  const rec = new RouteRecorder();
  const p = new Parser(rec);
  rec.parser = p;
  if (route) p.asRoute(rec);
  for (const c of chunks) p.parse(c);
  return rec.ops;
}

/** Whole, split at every offset, and byte by byte: all the same. */
function parseAllSplits(text: string): string[] {
  const whole = Buffer.from(text, "latin1");
  const expected = run([whole]);
  for (let k = 1; k < whole.length; k++) {
    expect(run([whole.subarray(0, k), whole.subarray(k)])).toEqual(expected);
  }
  expect(run([...whole].map((b) => Buffer.from([b])))).toEqual(expected);
  return expected;
}

describe("route parser", () => {
  test("RS+ and RS- with and without queues; the key drops the weight", () => {
    expect(parseAllSplits("RS+ $G foo\r\nRS+ $G bar q 3\r\nRS- $G bar q\r\nrs- $G foo\r\n")).toEqual([
      "RS+ $G|foo|-|0|$G foo",
      "RS+ $G|bar|q|3|$G bar q",
      "RS- $G|bar|q|$G bar q",
      "RS- $G|foo|-|$G foo",
    ]);
  });

  test("RMSG forms: plain, reply, queues with and without reply", () => {
    expect(
      parseAllSplits(
        "RMSG $G foo 2\r\nhi\r\nRMSG $G foo _INBOX.1 2\r\nhi\r\nRMSG A foo + r q1 q2 3\r\nabc\r\nRMSG A foo | q1 0\r\n\r\n",
      ),
    ).toEqual([
      "RMSG $G|foo||-|-1|hi\r\n",
      "RMSG $G|foo|_INBOX.1|-|-1|hi\r\n",
      "RMSG A|foo|r|q1,q2|-1|abc\r\n",
      "RMSG A|foo||q1|-1|\r\n",
    ]);
  });

  test("HMSG forms", () => {
    expect(
      parseAllSplits(
        "HMSG $G foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\nHMSG $G foo r 12 12\r\nNATS/1.0\r\n\r\n\r\nHMSG $G foo + r q 12 12\r\nNATS/1.0\r\n\r\n\r\n",
      ),
    ).toEqual([
      "RMSG $G|foo||-|12|NATS/1.0\r\n\r\nhi\r\n",
      "RMSG $G|foo|r|-|12|NATS/1.0\r\n\r\n\r\n",
      "RMSG $G|foo|r|q|12|NATS/1.0\r\n\r\n\r\n",
    ]);
  });

  test("leaf-origin verbs on a route: LS+ (origin not in the key), LS-, LMSG with its header size", () => {
    expect(
      parseAllSplits(
        "LS+ LC $G foo\r\nLS+ LC $G bar q 2\r\nLS- $G bar q\r\nLMSG LC $G foo 0 2\r\nhi\r\nLMSG LC A foo + r q1 12 14\r\nNATS/1.0\r\n\r\nhi\r\n",
      ),
    ).toEqual([
      "LS+ LC|$G|foo|-|0|$G foo",
      "LS+ LC|$G|bar|q|2|$G bar q",
      "RS- $G|bar|q|$G bar q",
      "LMSG LC|$G|foo||-|-1|hi\r\n",
      "LMSG LC|A|foo|r|q1|12|NATS/1.0\r\n\r\nhi\r\n",
    ]);
    const one = (x: string) => run([Buffer.from(x)])[0];
    expect(one("LMSG LC $G foo 2\r\n")).toBe("PROTOERR false processRoutedOriginClusterMsgArgs Parse Error: '[LC $G foo 2]'");
    expect(one("LMSG LC $G foo * q 0 1\r\n")).toBe(
      "PROTOERR false processRoutedOriginClusterMsgArgs Bad or Missing Reply Indicator: '*'",
    );
  });

  test("INFO, CONNECT, PING, PONG, -ERR as a route peer sends them", () => {
    expect(parseAllSplits('CONNECT {"echo":true}\r\nINFO {"server_id":"x"}\r\nPING\r\nPONG\r\n-ERR \'x\'\r\n')).toEqual([
      'CONNECT {"echo":true}',
      'INFO {"server_id":"x"}',
      "PING",
      "PONG",
      "ERR 'x'",
    ]);
  });

  test("a plain SUB/UNSUB from a route is ignored (parser.go has no case for it)", () => {
    expect(run([Buffer.from("SUB foo 1\r\nUNSUB 1\r\nPING\r\n")])).toEqual(["PING"]);
  });

  test("errors carry the reference's texts", () => {
    const one = (s: string) => run([Buffer.from(s)])[0];
    expect(one("RMSG $G foo\r\n")).toBe("PROTOERR false processRoutedMsgArgs Parse Error: '[$G foo]'");
    expect(one("RMSG $G foo x\r\n")).toBe("PROTOERR false processRoutedMsgArgs Bad or Missing Size: '[$G foo x]'");
    expect(one("RMSG $G foo * q 1\r\n")).toBe("PROTOERR false processRoutedMsgArgs Bad or Missing Reply Indicator: '*'");
    expect(one("HMSG $G foo 1\r\n")).toBe("PROTOERR false processRoutedHeaderMsgArgs Parse Error: '[$G foo 1]'");
    expect(one("HMSG $G foo x 1\r\n")).toBe("PROTOERR false processRoutedHeaderMsgArgs Bad or Missing Header Size: '$G foo x 1'");
    expect(one("HMSG $G foo 5 1\r\n")).toBe(
      "PROTOERR false processRoutedHeaderMsgArgs Header Size larger then TotalSize: '$G foo 5 1'",
    );
    expect(one("RS+ $G\r\n")).toBe("PROTOERR false processRemoteSub Parse Error: '$G'");
    expect(one("RS+ $G a b\r\n")).toBe("PROTOERR false processRemoteSub Parse Error: '$G a b'");
    expect(one("RS- $G\r\n")).toBe("PROTOERR false processRemoteUnsub parse error: '$G'");
    expect(one("RX\r\n")).toStartWith("PROTOERR true Router parser ERROR");
  });

  test("no max_control_line on a route; no R verbs and no HMSG from a client", () => {
    const long = "a".repeat(10_000);
    expect(run([Buffer.from(`RS+ $G ${long}\r\n`)])).toEqual([`RS+ $G|${long}|-|0|$G ${long}`]);
    expect(run([Buffer.from("RS+ $G foo\r\n")], false)[0]).toStartWith("PROTOERR true Client parser ERROR");
    expect(run([Buffer.from("LS+ LC $G foo\r\n")], false)[0]).toStartWith("PROTOERR true Client parser ERROR");
    expect(run([Buffer.from("HMSG $G foo 0 0\r\n\r\n")], false)[0]).toStartWith("PROTOERR true Client parser ERROR");
  });

  test("PUB between RMSGs keeps its own subject and no account", () => {
    expect(parseAllSplits("RMSG A x 1\r\n1\r\nPUB y 1\r\n2\r\nRMSG A x 1\r\n3\r\n")).toEqual([
      "RMSG A|x||-|-1|1\r\n",
      "PUB y||-1|2\r\n",
      "RMSG A|x||-|-1|3\r\n",
    ]);
  });
});
