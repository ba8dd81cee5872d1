// The parser must give the same ops for any split of the stream: whole, at every byte offset, and one
// byte at a time. A recording handler turns ops into strings to compare.
import { describe, expect, test } from "bun:test";
import { Parser, parseSize, type ParserHandler } from "../../src/protocol/parser.ts";

class Recorder implements ParserHandler {
  ops: string[] = [];
  constructor(public parser?: Parser) {}
  processConnect(arg: Buffer): void {
    this.ops.push(`CONNECT ${arg.toString("latin1")}`);
  }
  processInfo(arg: Buffer): void {
    this.ops.push(`INFO ${arg.toString("latin1")}`);
  }
  processMsg(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void {
    this.ops.push(`MSG ${subject}|${reply}|${hdr}|${buf.toString("latin1", start, end)}`);
  }
  processSub(subject: string, queue: string | undefined, sid: string): void {
    this.ops.push(`SUB ${subject}|${queue ?? "-"}|${sid}`);
  }
  processUnsub(sid: string, max: number): void {
    this.ops.push(`UNSUB ${sid}|${max}`);
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
    this.ops.push("PRECONNECT");
    this.parser?.halt();
    return false;
  }
  protocolError(sendErr: boolean, detail: string): void {
    this.ops.push(`PROTOERR ${sendErr} ${detail.split(/[,:]/)[0]}`);
    this.parser?.halt();
  }
  maxControlLineExceeded(len: number): void {
    this.ops.push(`MAXCONTROL ${len > 0}`);
  }
  maxPayloadExceeded(size: number): void {
    this.ops.push(`MAXPAYLOAD ${size}`);
    this.parser?.halt();
  }
  pubArgsParsed(): void {}
}

function run(chunks: Buffer[], setup?: (p: Parser) => void): string[] {
  const rec = new Recorder();
  const p = new Parser(rec);
  rec.parser = p;
  p.headers = true;
  setup?.(p);
  for (const c of chunks) p.parse(c);
  return rec.ops;
}

/** Ops for the whole stream, checked equal for every two-way split and byte-at-a-time. */
function parseAllSplits(text: string, setup?: (p: Parser) => void): string[] {
  const whole = Buffer.from(text, "latin1");
  const expected = run([whole], setup);
  for (let k = 1; k < whole.length; k++) {
    expect(run([whole.subarray(0, k), whole.subarray(k)], setup)).toEqual(expected);
  }
  const bytes: Buffer[] = [];
  for (let k = 0; k < whole.length; k++) bytes.push(whole.subarray(k, k + 1));
  expect(run(bytes, setup)).toEqual(expected);
  return expected;
}

describe("parser", () => {
  test("all client ops, any split", () => {
    const ops = parseAllSplits(
      'CONNECT {"verbose":false}\r\nPING\r\nPONG\r\nSUB foo 1\r\nSUB bar q 2\r\nPUB foo 5\r\nhello\r\n' +
        "PUB foo rep 0\r\n\r\nHPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\nHPUB a r 12 12\r\nNATS/1.0\r\n\r\n\r\n" +
        "UNSUB 1\r\nUNSUB 2 10\r\nPUB x 3\r\n\r\n\n\r\n",
    );
    expect(ops).toEqual([
      'CONNECT {"verbose":false}',
      "PING",
      "PONG",
      "SUB foo|-|1",
      "SUB bar|q|2",
      "MSG foo||-1|hello\r\n",
      "MSG foo|rep|-1|\r\n",
      "MSG foo||12|NATS/1.0\r\n\r\nhi\r\n",
      "MSG a|r|12|NATS/1.0\r\n\r\n\r\n",
      "UNSUB 1|-1",
      "UNSUB 2|10",
      "MSG x||-1|\r\n\n\r\n",
    ]);
  });

  test("verbs are case-insensitive, tabs and repeated spaces separate args, LF alone ends a line", () => {
    const ops = parseAllSplits("ping\npub\tfoo   2\r\nab\r\nSuB  a.b \t q  9\r\nPoNg\r\n");
    expect(ops).toEqual(["PING", "MSG foo||-1|ab\r\n", "SUB a.b|q|9", "PONG"]);
  });

  test("+OK is ignored; INFO and -ERR are reported", () => {
    expect(parseAllSplits("+OK\r\nINFO {}\r\n-ERR 'boom'\r\nPING\r\n")).toEqual(["INFO {}", "ERR 'boom'", "PING"]);
  });

  test("unknown operation fails at the first wrong byte", () => {
    expect(run([Buffer.from("PUX")])).toEqual(["PROTOERR true Client parser ERROR"]);
    expect(run([Buffer.from("MSG foo 1 2\r\n")])[0]).toStartWith("PROTOERR true");
    expect(run([Buffer.from("PINGX\r\nPING\r\n")])).toEqual(["PING", "PING"]);
  });

  test("a line split across reads keeps parser.go's argBuf quirks around stray CRs", () => {
    // The first piece loses its last byte when it holds a CR; later pieces lose their CRs.
    const split = (a: string, b: string) => run([Buffer.from(a, "latin1"), Buffer.from(b, "latin1")]);
    expect(split("SUB baz q1 99\r", "PING\r\n")).toEqual(["SUB baz|q1|99PING"]);
    expect(split("SUB baz q1 99\r", "X\r\n")).toEqual(["SUB baz|q1|99X"]);
    expect(split("SUB baz q1 9", "9\r9\r\n")).toEqual(["SUB baz|q1|999"]);
    // The kept CR splits the sid: "baz q1 9\r9" is four arguments (checked against nats-server 2.9.10).
    expect(split("SUB baz q1 9\r9", "9\r\n")[0]).toStartWith("PROTOERR false processSub Parse Error");
    expect(run([Buffer.from("SUB baz q1 9\r9\r\n")])[0]).toStartWith("PROTOERR false processSub Parse Error");
  });

  test("a payload followed by something other than CR fails at that byte, without waiting for the LF", () => {
    expect(parseAllSplits("PUB foo 2\r\nabX")[0]).toStartWith("PROTOERR true");
    expect(run([Buffer.from("PUB foo 2\r\nab\r")])).toEqual([]);
  });

  test("payload not followed by CRLF is a protocol error", () => {
    expect(parseAllSplits("PUB foo 2\r\nabc\r\n")[0]).toStartWith("PROTOERR true");
    expect(parseAllSplits("PUB foo 2\r\nab\n\r")[0]).toStartWith("PROTOERR true");
  });

  test("bad sizes close without -ERR (processPub errors)", () => {
    for (const bad of ["-1", "1e3", "18446744073709551615123", "1234567890", ""]) {
      const ops = run([Buffer.from(`PUB foo ${bad}\r\n`)]);
      expect(ops.length).toBe(1);
      expect(ops[0]).toStartWith("PROTOERR false");
    }
    expect(run([Buffer.from("PUB foo bar baz 1\r\n")])[0]).toStartWith("PROTOERR false processPub Parse Error");
    expect(run([Buffer.from("HPUB foo 10 5\r\n")])[0]).toStartWith("PROTOERR false processHeaderPub Header Size larger");
    expect(run([Buffer.from("SUB foo\r\n")])[0]).toStartWith("PROTOERR false processSub Parse Error");
    expect(run([Buffer.from("UNSUB\r\n")])[0]).toStartWith("PROTOERR true");
  });

  test("HPUB without negotiated headers is refused", () => {
    expect(run([Buffer.from("HPUB foo 12 12\r\nNATS/1.0\r\n\r\n\r\n")], (p) => (p.headers = false))[0]).toBe(
      "PROTOERR false message headers not supported",
    );
  });

  test("max payload is checked before any payload byte is buffered", () => {
    expect(run([Buffer.from("PUB foo 199380988\r\n")])).toEqual(["MAXPAYLOAD 199380988"]);
    expect(run([Buffer.from("PUB foo 11\r\n")], (p) => (p.maxPayload = 10))).toEqual(["MAXPAYLOAD 11"]);
    expect(run([Buffer.from("PUB foo 10\r\n0123456789\r\n")], (p) => (p.maxPayload = 10))).toHaveLength(1);
  });

  test("control line limit applies to complete and to partial lines", () => {
    const long = "PUB " + "a".repeat(5000) + " 1\r\nx\r\n";
    expect(run([Buffer.from(long)])).toEqual(["MAXCONTROL true"]);
    // A 1 MB line with no newline is cut off at the limit, chunk by chunk, not buffered whole.
    const rec = run([Buffer.from("SUB "), Buffer.alloc(3000, 0x61), Buffer.alloc(3000, 0x61), Buffer.alloc(1 << 20, 0x61)]);
    expect(rec).toEqual(["MAXCONTROL true"]);
    // Exactly at the limit passes.
    const ok = "SUB " + "a".repeat(4096 - 2) + " 1\r\n";
    expect(run([Buffer.from(ok)])).toHaveLength(1);
  });

  test("a pending auth makes any first op other than CONNECT a violation", () => {
    expect(run([Buffer.from("PING\r\n")], (p) => (p.awaitingAuth = true))).toEqual(["PRECONNECT"]);
    expect(run([Buffer.from('CONNECT {}\r\n')], (p) => (p.awaitingAuth = true))).toEqual(["CONNECT {}"]);
  });

  test("payload bounds include the CRLF and point into the chunk when whole", () => {
    let seen: [Buffer, number, number] | undefined;
    const h = new Recorder();
    h.processMsg = (_s, _r, _h, buf, start, end) => (seen = [buf, start, end]);
    const p = new Parser(h);
    const chunk = Buffer.from("PUB foo 3\r\nabc\r\n");
    p.parse(chunk);
    expect(seen![0]).toBe(chunk);
    expect(chunk.toString("latin1", seen![1], seen![2])).toBe("abc\r\n");
  });

  test("a repeated publish subject is returned as the same string", () => {
    const subjects: string[] = [];
    const h = new Recorder();
    h.processMsg = (subject) => subjects.push(subject);
    new Parser(h).parse(Buffer.from("PUB foo 0\r\n\r\nPUB foo 0\r\n\r\nPUB fox 0\r\n\r\n"));
    expect(subjects).toEqual(["foo", "foo", "fox"]);
  });

  test("parseSize", () => {
    const b = Buffer.from("0123456789x");
    expect(parseSize(b, 0, 1)).toBe(0);
    expect(parseSize(b, 1, 10)).toBe(123456789);
    expect(parseSize(b, 0, 10)).toBe(-1);
    expect(parseSize(b, 9, 11)).toBe(-1);
    expect(parseSize(b, 3, 3)).toBe(-1);
  });
});
