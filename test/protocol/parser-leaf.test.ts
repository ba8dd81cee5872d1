// The leafnode verbs of the parser (parser.go OP_L / OP_HM / OP_M with c.kind == LEAF): LS+, LS-, LMSG
// and HMSG with queue names, the same for any split of the stream, and leafnode.go's argument errors.
import { describe, expect, test } from "bun:test";
import { Parser, type LeafParserHandler } from "../../src/protocol/parser.ts";

class LeafRecorder implements LeafParserHandler {
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
  processSub(): void {
    this.ops.push("CLIENT-SUB");
  }
  processUnsub(): void {
    this.ops.push("CLIENT-UNSUB");
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
  maxPayloadExceeded(size: number): void {
    this.ops.push(`MAXPAYLOAD ${size}`);
  }
  pubArgsParsed(): void {}
  processLeafSub(subject: string, queue: string | undefined, weight: number, key: string): void {
    this.ops.push(`LS+ ${subject}|${queue ?? "-"}|${weight}|${key}`);
  }
  processLeafUnsub(key: string): void {
    this.ops.push(`LS- ${key}`);
  }
  processLeafMsg(subject: string, reply: string, queues: string[] | null, hdr: number, buf: Buffer, start: number, end: number): void {
    this.ops.push(`LMSG ${subject}|${reply}|${queues === null ? "" : queues.join(",")}|${hdr}|${JSON.stringify(buf.toString("latin1", start, end))}`);
  }
}

function run(text: string, kind: "client" | "leaf" = "leaf", split = 0): string[] {
  const rec = new LeafRecorder();
  const p = new Parser(rec);
  rec.parser = p;
  if (kind === "leaf") p.asLeaf(rec);
  const buf = Buffer.from(text, "latin1");
  if (split === 0) p.parse(buf);
  else for (let i = 0; i < buf.length; i += split) p.parse(buf.subarray(i, i + split));
  return rec.ops;
}

const STREAM =
  "INFO {\"a\":1}\r\nLS+ foo\r\nLS+ bar grp 3\r\nls- foo\r\nLS- bar grp\r\nLMSG foo 5\r\nhello\r\n" +
  "LMSG foo _INBOX.x 2\r\nhi\r\nLMSG foo + _INBOX.y q1 q2 1\r\nx\r\nLMSG foo | q1 0\r\n\r\n" +
  "HMSG foo 12 14\r\nNATS/1.0\r\n\r\nab\r\nHMSG foo r 12 12\r\nNATS/1.0\r\n\r\n\r\nHMSG foo + r q 12 13\r\nNATS/1.0\r\n\r\nz\r\n" +
  "HMSG foo | q 12 12\r\nNATS/1.0\r\n\r\n\r\nPING\r\nPONG\r\n-ERR 'Loop detected'\r\nSUB s\r\nUNSUB s\r\n";

const WANT = [
  'INFO {"a":1}',
  "LS+ foo|-|1|foo",
  "LS+ bar|grp|3|bar grp",
  "LS- foo",
  "LS- bar grp",
  'LMSG foo||||-1|"hello\\r\\n"',
  'LMSG foo|_INBOX.x||-1|"hi\\r\\n"',
  'LMSG foo|_INBOX.y|q1,q2|-1|"x\\r\\n"',
  'LMSG foo||q1|-1|"\\r\\n"',
  'LMSG foo|||12|"NATS/1.0\\r\\n\\r\\nab\\r\\n"',
  'LMSG foo|r||12|"NATS/1.0\\r\\n\\r\\n\\r\\n"',
  'LMSG foo|r|q|12|"NATS/1.0\\r\\n\\r\\nz\\r\\n"',
  'LMSG foo||q|12|"NATS/1.0\\r\\n\\r\\n\\r\\n"',
  "PING",
  "PONG",
  "ERR 'Loop detected'",
  // From a leaf, SUB and UNSUB are LS+ and LS- (parser.go switches on the kind, not the verb).
  "LS+ s|-|1|s",
  "LS- s",
].map((w) => w.replace("LMSG foo||||-1", "LMSG foo|||-1"));

describe("leaf verbs", () => {
  test("a whole stream", () => {
    expect(run(STREAM)).toEqual(WANT);
  });
  test("any split gives the same ops", () => {
    for (const split of [1, 2, 3, 7, 13]) expect(run(STREAM, "leaf", split)).toEqual(WANT);
  });
  test("a client may not send them", () => {
    expect(run("LS+ foo\r\n", "client")[0]).toStartWith("PROTOERR true Client parser ERROR");
    expect(run("HMSG foo 1 1\r\n", "client")[0]).toStartWith("PROTOERR true Client parser ERROR");
    expect(run("LX\r\n")[0]).toStartWith("PROTOERR true Leafnode parser ERROR");
  });
});

describe("argument errors as leafnode.go", () => {
  const cases: [string, string][] = [
    ["LS+ a b\r\n", "processLeafSub Parse Error: 'a b'"],
    ["LMSG foo\r\n", "processLeafMsgArgs Parse Error: '[foo]'"],
    ["LMSG foo x\r\n", "processLeafMsgArgs Bad or Missing Size: '[foo x]'"],
    ["LMSG foo ++ r q 1\r\n", "processLeafMsgArgs Bad or Missing Reply Indicator: '++'"],
    ["LMSG foo - r q 1\r\n", "processLeafMsgArgs Bad or Missing Reply Indicator: '-'"],
    ["HMSG foo 1\r\n", "processLeafHeaderMsgArgs Parse Error: '[foo 1]'"],
    ["HMSG foo x 1\r\n", "processLeafHeaderMsgArgs Bad or Missing Header Size: 'foo x 1'"],
    ["HMSG foo 1 x\r\n", "processLeafHeaderMsgArgs Bad or Missing Size: '[foo 1 x]'"],
    ["HMSG foo 5 1\r\n", "processLeafHeaderMsgArgs Header Size larger then TotalSize: 'foo 5 1'"],
  ];
  for (const [input, err] of cases) {
    test(JSON.stringify(input), () => {
      expect(run(input)).toEqual([`PROTOERR false ${err}`]);
    });
  }
});
