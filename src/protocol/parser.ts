// The client protocol parser: a byte-level state machine over each received chunk, in the manner of
// nats-server's server/parser.go. Verbs are matched one byte at a time (either case), so garbage is
// rejected at the byte that makes it garbage, as the reference does. Arguments are found with a native
// indexOf for the line end and sliced from the chunk in place; only a line or payload that spans two
// chunks is copied into a holding buffer. Payloads are handed on as views that include their trailing
// CRLF (so delivery writes them with one copy), never decoded to strings.

/** What the parser calls. The Client implements it; every method may close the connection. */
export interface ParserHandler {
  processConnect(arg: Buffer): void;
  /** INFO from a client: ignored, but a malformed one closes the connection. */
  processInfo(arg: Buffer): void;
  /**
   * A complete PUB/HPUB: buf[start, end) is header+payload followed by CRLF; hdr is -1 for PUB.
   * Passed as bounds rather than a view: a subarray per message costs more than the rest of parsing.
   */
  processMsg(subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number): void;
  processSub(subject: string, queue: string | undefined, sid: string): void;
  processUnsub(sid: string, max: number): void;
  processPing(): void;
  processPong(): void;
  /** `-ERR` from a client: nats-server logs it and closes the connection (processErr). */
  processErr(text: string): void;
  /** An op other than CONNECT while authentication is pending: return false to stop parsing. */
  processPreConnectOp(): boolean;
  /** A malformed frame. `sendErr` is whether nats-server answers `-ERR 'Unknown Protocol Operation'`. */
  protocolError(sendErr: boolean, detail: string): void;
  maxControlLineExceeded(len: number): void;
  maxPayloadExceeded(size: number): void;
  /**
   * A valid PUB/HPUB line, before its payload: nats-server's processPub ends with the pedantic
   * subject check here, so its -ERR comes even when the payload turns out malformed.
   */
  pubArgsParsed(subject: string): void;
}

/**
 * What a route connection's parser calls besides ParserHandler (route.go processRemoteSub,
 * processRemoteUnsub, processRoutedMsgArgs / processRoutedHeaderMsgArgs + processInboundRoutedMsg).
 */
export interface RouteParserHandler extends ParserHandler {
  /**
   * `RS+ <account> <subject> [<queue> <weight>]`. `key` is the line without the weight, as the
   * reference keys a route's subscriptions (an RS- line is that same key).
   */
  processRemoteSub(
    account: string,
    subject: string,
    queue: string | undefined,
    weight: number,
    key: string,
    /** `LS+ <origin> <account> ...`: the leaf cluster the interest comes from ("" for RS+). */
    origin: string,
  ): void;
  /** `RS- <account> <subject> [<queue>]` (and LS-, the same); `key` is the whole line. */
  processRemoteUnsub(account: string, subject: string, queue: string | undefined, key: string): void;
  /**
   * A complete RMSG/HMSG: as processMsg, plus the account and the queue names the sender chose
   * (null: none, so no local queue subscriber may receive it).
   */
  processRoutedMsg(
    account: string,
    subject: string,
    reply: string,
    queues: string[] | null,
    hdr: number,
    buf: Buffer,
    start: number,
    end: number,
    /** LMSG: the leaf cluster the message comes from ("" for RMSG/HMSG). */
    origin: string,
  ): void;
}

/**
 * What a leafnode connection's parser calls besides ParserHandler (leafnode.go processLeafSub,
 * processLeafUnsub, processLeafMsgArgs / processLeafHeaderMsgArgs + processInboundLeafMsg).
 */
export interface LeafParserHandler extends ParserHandler {
  /**
   * `LS+ <subject> [<queue> <weight>]` (a SUB from a leaf too, as parser.go switches on the kind):
   * `key` is the line without the weight, the key of the remote's subscription.
   */
  processLeafSub(subject: string, queue: string | undefined, weight: number, key: string): void;
  /** `LS- <key>` (or UNSUB from a leaf): the line is the key as is. */
  processLeafUnsub(key: string): void;
  /**
   * A complete LMSG/HMSG: as processMsg, plus the queue names the sender chose this side for
   * (`+ reply q1..` / `| q1..`; null: none, so no local queue subscriber may receive it).
   */
  processLeafMsg(subject: string, reply: string, queues: string[] | null, hdr: number, buf: Buffer, start: number, end: number): void;
}

// Parser states, numbered as parser.go's (its log lines print them); the payload is handled as a
// whole, so MSG_END_R/MSG_END_N and the A+/A- states are unused here.
const enum S {
  START,
  PLUS, PLUS_O, PLUS_OK,
  MINUS, MINUS_E, MINUS_ER, MINUS_ERR, MINUS_ERR_SPC, MINUS_ERR_ARG,
  C, CO, CON, CONN, CONNE, CONNEC, CONNECT, CONNECT_ARG,
  H, HP, HPU, HPUB, HPUB_SPC, HPUB_ARG,
  HM, HMS, HMSG, HMSG_SPC, HMSG_ARG,
  P, PU, PUB, PUB_SPC, PUB_ARG,
  PI, PIN, PING,
  PO, PON, PONG,
  MSG_PAYLOAD, MSG_END_R, MSG_END_N,
  S_, SU, SUB, SUB_SPC, SUB_ARG,
  A, ASUB, ASUB_SPC, ASUB_ARG, AUSUB, AUSUB_SPC, AUSUB_ARG,
  L, LS, R, RS,
  U, UN, UNS, UNSU, UNSUB, UNSUB_SPC, UNSUB_ARG,
  M, MS, MSG, MSG_SPC, MSG_ARG,
  I, IN, INF, INFO, INFO_ARG,
}

const SP = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;

/** nats-server's parseSize: up to 9 ASCII digits, else -1. Bounded before any arithmetic. */
export function parseSize(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len === 0 || len > 9) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const MAX_ARGS = 4;

function hasCR(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === CR) return true;
  return false;
}

export class Parser {
  /** Limits and negotiated features; the client keeps them current. */
  maxControlLine = 4096;
  maxPayload = 1024 * 1024;
  headers = false;
  /** Authentication pending: the first op must be CONNECT (parser.go's authSet). */
  awaitingAuth = false;

  private state = S.START;
  private halted = false;
  /** Set while an op is finished asynchronously (a bcrypt login): parse() stops after that op. */
  suspended = false;
  /** Holding buffer for a control line split across chunks. */
  private argBuf: Buffer | null = null;
  private argLen = 0;
  /** Holding buffer for a payload split across chunks (exactly size + 2 bytes). */
  private msgBuf: Buffer | null = null;
  private msgPos = 0;

  // Pending PUB/HPUB arguments while its payload arrives.
  private subject = "";
  private reply = "";
  private size = 0;
  private hdr = -1;
  /**
   * The size and header-size arguments as sent, when not in canonical form (leading zeros): the
   * reference echoes those bytes in MSG/HMSG (pa.szb / pa.hdb). Empty in the common case.
   */
  sizeText = "";
  hdrText = "";

  private lastSubject = "";
  private lastSubjectBytes = new Uint8Array(0);

  /** Set for a route connection (kind ROUTER): the R verbs are accepted and go there. */
  private route: RouteParserHandler | null = null;
  /** Set for a leafnode connection (kind LEAF): the L verbs and HMSG are accepted and go there. */
  private leaf: LeafParserHandler | null = null;
  /** The pending message is an LMSG/HMSG from a leaf. */
  private leafMsg = false;
  /** The first byte of the current op (parser.go's c.op): RS+ and SUB share the SUB states. */
  private op = 0;
  /** The pending message is an RMSG/HMSG from a route: its account and queue names. */
  private routed = false;
  private account = "";
  private queues: string[] | null = null;
  private lastAccount = "";
  /** LMSG on a route: its origin cluster. */
  private origin = "";
  private lastAccountBytes = new Uint8Array(0);
  // Argument boundaries of a route line (any number of queue names; grown when needed).
  private rArgStart = new Int32Array(16);
  private rArgEnd = new Int32Array(16);

  // Argument boundaries found by splitArgs (reused, never reallocated).
  private readonly argStart = new Int32Array(MAX_ARGS + 1);
  private readonly argEnd = new Int32Array(MAX_ARGS + 1);

  constructor(private readonly h: ParserHandler) {}

  /**
   * Makes this the parser of a route connection (kind ROUTER): RS+/RS-/RMSG/HMSG are accepted,
   * and, as parser.go's overMaxControlLineLimit (clients only), no control line limit applies.
   */
  asRoute(handler: RouteParserHandler): void {
    this.route = handler;
    this.maxControlLine = Number.MAX_SAFE_INTEGER;
  }

  /**
   * Makes this the parser of a leafnode connection (kind LEAF): LS+/LS-/LMSG/HMSG are accepted (SUB
   * and UNSUB are LS+ and LS-), and, as parser.go's overMaxControlLineLimit (clients only), no
   * control line limit applies.
   */
  asLeaf(handler: LeafParserHandler): void {
    this.leaf = handler;
    this.maxControlLine = Number.MAX_SAFE_INTEGER;
  }

  /** Stop processing the rest of the current chunk and any later ones (the connection is closing). */
  halt(): void {
    this.halted = true;
    this.argBuf = null;
    this.msgBuf = null;
  }

  /** Stop after the current op; parse() returns how far it got, and the caller holds the rest. */
  suspend(): void {
    this.suspended = true;
  }

  resume(): void {
    this.suspended = false;
  }

  /** Parse a chunk; returns the number of bytes consumed (less than its length only when suspended). */
  parse(buf: Buffer): number {
    const h = this.h;
    const len = buf.length;
    let i = 0;
    while (i < len && !this.halted && !this.suspended) {
      const b = buf[i]!;
      switch (this.state) {
        case S.START:
          if (this.awaitingAuth && b !== 0x43 && b !== 0x63 && !h.processPreConnectOp()) return len;
          this.op = b | 0x20;
          // Fast path for the most common op: "PUB " read in one step, straight to its arguments
          // (the same states as byte by byte; a chunk ending inside the verb takes the slow path).
          if (this.op === 0x70 && i + 3 < len && (buf[i + 1]! | 0x20) === 0x75 && (buf[i + 2]! | 0x20) === 0x62) {
            const c = buf[i + 3]!;
            if (c === SP || c === TAB) {
              let j = i + 4;
              while (j < len && (buf[j] === SP || buf[j] === TAB)) j++;
              if (j < len) {
                this.state = S.PUB_ARG;
                i = this.controlLine(buf, j);
              } else {
                this.state = S.PUB_SPC;
                i = j;
              }
              continue;
            }
          }
          // The same for RMSG (routes) and LMSG (leafs, and leaf-origin messages over routes).
          if (
            (this.op === 0x72 ? this.route !== null : this.op === 0x6c && (this.leaf !== null || this.route !== null)) &&
            i + 4 < len &&
            (buf[i + 1]! | 0x20) === 0x6d &&
            (buf[i + 2]! | 0x20) === 0x73 &&
            (buf[i + 3]! | 0x20) === 0x67
          ) {
            const c = buf[i + 4]!;
            if (c === SP || c === TAB) {
              let j = i + 5;
              while (j < len && (buf[j] === SP || buf[j] === TAB)) j++;
              if (j < len) {
                this.state = S.MSG_ARG;
                i = this.controlLine(buf, j);
              } else {
                this.state = S.MSG_SPC;
                i = j;
              }
              continue;
            }
          }
          switch (b | 0x20) {
            case 0x70: this.state = S.P; break; // p
            case 0x68: this.state = S.H; break; // h
            case 0x73: this.state = S.S_; break; // s
            case 0x75: this.state = S.U; break; // u
            case 0x63: this.state = S.C; break; // c
            case 0x69: this.state = S.I; break; // i
            case 0x72: // r: route verbs, from routes only
              if (this.route === null) return this.fail(buf, i);
              this.state = S.R;
              break;
            case 0x6c: // l: leaf verbs, from leafs, and leaf-origin ones from routes (LS+/LS-/LMSG)
              if (this.leaf === null && this.route === null) return this.fail(buf, i);
              this.state = S.L;
              break;
            default:
              if (b === 0x2b) this.state = S.PLUS;
              else if (b === 0x2d) this.state = S.MINUS;
              else return this.fail(buf, i);
          }
          break;

        // PUB / PING / PONG
        case S.P:
          switch (b | 0x20) {
            case 0x75: this.state = S.PU; break;
            case 0x69: this.state = S.PI; break;
            case 0x6f: this.state = S.PO; break;
            default: return this.fail(buf, i);
          }
          break;
        case S.PU: if ((b | 0x20) !== 0x62) return this.fail(buf, i); this.state = S.PUB; break;
        case S.PUB: if (b !== SP && b !== TAB) return this.fail(buf, i); this.state = S.PUB_SPC; break;
        case S.PUB_SPC:
          if (b === SP || b === TAB) break;
          this.state = S.PUB_ARG;
          i = this.controlLine(buf, i);
          continue;
        case S.PI: if ((b | 0x20) !== 0x6e) return this.fail(buf, i); this.state = S.PIN; break;
        case S.PIN: if ((b | 0x20) !== 0x67) return this.fail(buf, i); this.state = S.PING; break;
        case S.PING:
          // As parser.go: anything up to the newline is ignored.
          if (b === LF) {
            this.state = S.START;
            h.processPing();
          }
          break;
        case S.PO: if ((b | 0x20) !== 0x6e) return this.fail(buf, i); this.state = S.PON; break;
        case S.PON: if ((b | 0x20) !== 0x67) return this.fail(buf, i); this.state = S.PONG; break;
        case S.PONG:
          if (b === LF) {
            this.state = S.START;
            h.processPong();
          }
          break;

        // HPUB
        case S.H:
          if ((b | 0x20) === 0x70) this.state = S.HP;
          else if ((b | 0x20) === 0x6d && (this.route !== null || this.leaf !== null)) this.state = S.HM;
          else return this.fail(buf, i);
          break;
        case S.HP: if ((b | 0x20) !== 0x75) return this.fail(buf, i); this.state = S.HPU; break;
        case S.HPU: if ((b | 0x20) !== 0x62) return this.fail(buf, i); this.state = S.HPUB; break;
        case S.HPUB: if (b !== SP && b !== TAB) return this.fail(buf, i); this.state = S.HPUB_SPC; break;
        case S.HPUB_SPC:
          if (b === SP || b === TAB) break;
          this.state = S.HPUB_ARG;
          i = this.controlLine(buf, i);
          continue;

        // HMSG (a routed message with headers)
        case S.HM: if ((b | 0x20) !== 0x73) return this.fail(buf, i); this.state = S.HMS; break;
        case S.HMS: if ((b | 0x20) !== 0x67) return this.fail(buf, i); this.state = S.HMSG; break;
        case S.HMSG: if (b !== SP && b !== TAB) return this.fail(buf, i); this.state = S.HMSG_SPC; break;
        case S.HMSG_SPC:
          if (b === SP || b === TAB) break;
          this.state = S.HMSG_ARG;
          i = this.controlLine(buf, i);
          continue;

        // LS+ / LS- / LMSG (parser.go OP_L, OP_LS, OP_M...)
        case S.L:
          if ((b | 0x20) === 0x73) this.state = S.LS;
          else if ((b | 0x20) === 0x6d) this.state = S.M;
          else return this.fail(buf, i);
          break;
        case S.LS:
          if (b === 0x2b) this.state = S.SUB;
          else if (b === 0x2d) this.state = S.UNSUB;
          else return this.fail(buf, i);
          break;

        // RS+ / RS- / RMSG (parser.go OP_R, OP_RS, OP_M...)
        case S.R:
          if ((b | 0x20) === 0x73) this.state = S.RS;
          else if ((b | 0x20) === 0x6d) this.state = S.M;
          else return this.fail(buf, i);
          break;
        case S.RS:
          if (b === 0x2b) this.state = S.SUB;
          else if (b === 0x2d) this.state = S.UNSUB;
          else return this.fail(buf, i);
          break;
        case S.M: if ((b | 0x20) !== 0x73) return this.fail(buf, i); this.state = S.MS; break;
        case S.MS: if ((b | 0x20) !== 0x67) return this.fail(buf, i); this.state = S.MSG; break;
        case S.MSG: if (b !== SP && b !== TAB) return this.fail(buf, i); this.state = S.MSG_SPC; break;
        case S.MSG_SPC:
          if (b === SP || b === TAB) break;
          this.state = S.MSG_ARG;
          i = this.controlLine(buf, i);
          continue;

        // SUB
        case S.S_: if ((b | 0x20) !== 0x75) return this.fail(buf, i); this.state = S.SU; break;
        case S.SU: if ((b | 0x20) !== 0x62) return this.fail(buf, i); this.state = S.SUB; break;
        case S.SUB: if (b !== SP && b !== TAB) return this.fail(buf, i); this.state = S.SUB_SPC; break;
        case S.SUB_SPC:
          if (b === SP || b === TAB) break;
          this.state = S.SUB_ARG;
          i = this.controlLine(buf, i);
          continue;

        // UNSUB
        case S.U: if ((b | 0x20) !== 0x6e) return this.fail(buf, i); this.state = S.UN; break;
        case S.UN: if ((b | 0x20) !== 0x73) return this.fail(buf, i); this.state = S.UNS; break;
        case S.UNS: if ((b | 0x20) !== 0x75) return this.fail(buf, i); this.state = S.UNSU; break;
        case S.UNSU: if ((b | 0x20) !== 0x62) return this.fail(buf, i); this.state = S.UNSUB; break;
        case S.UNSUB: if (b !== SP && b !== TAB) return this.fail(buf, i); this.state = S.UNSUB_SPC; break;
        case S.UNSUB_SPC:
          if (b === SP || b === TAB) break;
          this.state = S.UNSUB_ARG;
          i = this.controlLine(buf, i);
          continue;

        // CONNECT
        case S.C: if ((b | 0x20) !== 0x6f) return this.fail(buf, i); this.state = S.CO; break;
        case S.CO: if ((b | 0x20) !== 0x6e) return this.fail(buf, i); this.state = S.CON; break;
        case S.CON: if ((b | 0x20) !== 0x6e) return this.fail(buf, i); this.state = S.CONN; break;
        case S.CONN: if ((b | 0x20) !== 0x65) return this.fail(buf, i); this.state = S.CONNE; break;
        case S.CONNE: if ((b | 0x20) !== 0x63) return this.fail(buf, i); this.state = S.CONNEC; break;
        case S.CONNEC: if ((b | 0x20) !== 0x74) return this.fail(buf, i); this.state = S.CONNECT; break;
        case S.CONNECT:
          // As parser.go: no space is required after CONNECT.
          if (b === SP || b === TAB) break;
          this.state = S.CONNECT_ARG;
          i = this.controlLine(buf, i);
          continue;

        // INFO (ignored from clients, as the reference)
        case S.I: if ((b | 0x20) !== 0x6e) return this.fail(buf, i); this.state = S.IN; break;
        case S.IN: if ((b | 0x20) !== 0x66) return this.fail(buf, i); this.state = S.INF; break;
        case S.INF: if ((b | 0x20) !== 0x6f) return this.fail(buf, i); this.state = S.INFO; break;
        case S.INFO:
          if (b === SP || b === TAB) break;
          this.state = S.INFO_ARG;
          i = this.controlLine(buf, i);
          continue;

        // +OK and -ERR from a client
        case S.PLUS: if ((b | 0x20) !== 0x6f) return this.fail(buf, i); this.state = S.PLUS_O; break;
        case S.PLUS_O: if ((b | 0x20) !== 0x6b) return this.fail(buf, i); this.state = S.PLUS_OK; break;
        case S.PLUS_OK: if (b === LF) this.state = S.START; break;
        case S.MINUS: if ((b | 0x20) !== 0x65) return this.fail(buf, i); this.state = S.MINUS_E; break;
        case S.MINUS_E: if ((b | 0x20) !== 0x72) return this.fail(buf, i); this.state = S.MINUS_ER; break;
        case S.MINUS_ER: if ((b | 0x20) !== 0x72) return this.fail(buf, i); this.state = S.MINUS_ERR; break;
        case S.MINUS_ERR: if (b !== SP && b !== TAB) return this.fail(buf, i); this.state = S.MINUS_ERR_SPC; break;
        case S.MINUS_ERR_SPC:
          if (b === SP || b === TAB) break;
          this.state = S.MINUS_ERR_ARG;
          i = this.controlLine(buf, i);
          continue;

        case S.PUB_ARG:
        case S.HPUB_ARG:
        case S.SUB_ARG:
        case S.UNSUB_ARG:
        case S.CONNECT_ARG:
        case S.INFO_ARG:
        case S.MINUS_ERR_ARG:
        case S.MSG_ARG:
        case S.HMSG_ARG:
          // Only reached at the start of a chunk, continuing a line held in argBuf.
          i = this.controlLine(buf, i);
          continue;

        case S.MSG_PAYLOAD:
          i = this.payload(buf, i);
          continue;
      }
      i++;
    }
    return i < len && this.suspended ? i : len;
  }

  /**
   * In an argument state at `start`: find the line end; if it is in this chunk, process the line and
   * return the index after it, else hold the partial line (bounded by max_control_line) and return len.
   */
  private controlLine(buf: Buffer, start: number): number {
    // parser.go enters the argument state on its first byte and only looks for CR/LF from the next
    // one, so that byte belongs to the argument even when it is a CR or LF ("INFO\n{}\r\n" is fine).
    // A short line is found faster by a byte loop than by a native indexOf call (BUN-NOTES: ~70 ns).
    const from = this.argBuf === null ? start + 1 : start;
    const len = buf.length;
    const near = from + 64 < len ? from + 64 : len;
    let nl = -1;
    for (let k = from; k < near; k++) {
      if (buf[k] === LF) {
        nl = k;
        break;
      }
    }
    if (nl < 0 && near < len) nl = buf.indexOf(LF, near);
    if (nl < 0) {
      if (this.argBuf === null) {
        // parser.go keeps buf[c.as : i-c.drop] of the first piece: one byte short when a CR was seen.
        this.holdArg(buf, start, buf.length - (hasCR(buf, start + 1, buf.length) ? 1 : 0));
      } else {
        this.holdArgWithoutCR(buf, start, buf.length);
      }
      if (this.argLen > this.maxControlLine) this.controlLineTooLong(this.argLen);
      return buf.length;
    }
    let line: Buffer;
    let end: number;
    if (this.argBuf !== null) {
      // A line continued from an earlier chunk: later pieces are appended byte by byte without their
      // CRs, and the result is used as is (parser.go's argBuf path), so no trailing byte is dropped.
      this.holdArgWithoutCR(buf, start, nl);
      line = this.argBuf;
      end = this.argLen;
      this.argBuf = null;
      this.argLen = 0;
    } else {
      line = buf;
      end = nl;
      // parser.go: any CR after the argument's first byte sets c.drop, and the argument is then
      // buf[c.as : i-c.drop], one byte short of the LF, whether that byte is the CR or not.
      if (end - 1 > start && (line[end - 1] === CR || hasCR(line, start + 1, end))) end--;
    }
    const lineStart = line === buf ? start : 0;
    if (end - lineStart > this.maxControlLine) {
      this.controlLineTooLong(end - lineStart);
      return buf.length;
    }
    const state = this.state;
    this.state = S.START;
    switch (state) {
      case S.PUB_ARG:
      case S.HPUB_ARG:
        if (!this.pubArgs(line, lineStart, end, state === S.HPUB_ARG)) return buf.length;
        this.state = S.MSG_PAYLOAD;
        this.msgPos = 0;
        return this.payload(buf, nl + 1);
      case S.MSG_ARG:
      case S.HMSG_ARG:
        if (this.leaf !== null) {
          if (!this.leafMsgArgs(line, lineStart, end, state === S.HMSG_ARG)) return buf.length;
        } else if (this.op === 0x6c && state === S.MSG_ARG) {
          if (!this.routedOriginMsgArgs(line, lineStart, end)) return buf.length;
        } else if (!this.routedMsgArgs(line, lineStart, end, state === S.HMSG_ARG)) return buf.length;
        this.state = S.MSG_PAYLOAD;
        this.msgPos = 0;
        return this.payload(buf, nl + 1);
      case S.SUB_ARG:
        if (this.leaf !== null) this.leafSubArgs(line, lineStart, end);
        else if (this.route === null) this.subArgs(line, lineStart, end);
        else if (this.op === 0x72) this.remoteSubArgs(line, lineStart, end, false);
        else if (this.op === 0x6c) this.remoteSubArgs(line, lineStart, end, true);
        // A plain SUB from a route is ignored, as parser.go (no case for it).
        break;
      case S.UNSUB_ARG:
        if (this.leaf !== null) this.leaf.processLeafUnsub(line.toString("latin1", lineStart, end));
        else if (this.route === null) this.unsubArgs(line, lineStart, end);
        else if (this.op === 0x72 || this.op === 0x6c) this.remoteUnsubArgs(line, lineStart, end);
        break;
      case S.CONNECT_ARG:
        this.h.processConnect(line.subarray(lineStart, end));
        break;
      case S.MINUS_ERR_ARG:
        this.h.processErr(line.toString("latin1", lineStart, end));
        break;
      case S.INFO_ARG:
        this.h.processInfo(line.subarray(lineStart, end));
        break;
    }
    return nl + 1;
  }

  private holdArgWithoutCR(buf: Buffer, start: number, end: number): void {
    let from = start;
    for (let i = start; i < end; i++) {
      if (buf[i] !== CR) continue;
      this.holdArg(buf, from, i);
      from = i + 1;
    }
    this.holdArg(buf, from, end);
  }

  private holdArg(buf: Buffer, start: number, end: number): void {
    const n = end - start;
    if (n <= 0 && this.argBuf !== null) return;
    if (this.argBuf === null) {
      this.argBuf = Buffer.allocUnsafe(Math.max(256, n * 2));
      this.argLen = 0;
    } else if (this.argLen + n > this.argBuf.length) {
      // Bounded: a line longer than max_control_line is cut off before it grows further.
      const grown = Buffer.allocUnsafe(Math.max(this.argBuf.length * 2, this.argLen + n));
      grown.set(this.argBuf.subarray(0, this.argLen));
      this.argBuf = grown;
    }
    this.argBuf.set(buf.subarray(start, end), this.argLen);
    this.argLen += n;
  }

  /** In MSG_PAYLOAD at `start`: deliver the message if complete, else hold what arrived. */
  private payload(buf: Buffer, start: number): number {
    const total = this.size + 2;
    if (this.msgBuf === null) {
      const end = start + total;
      if (end <= buf.length) {
        if (buf[end - 2] !== CR || buf[end - 1] !== LF) return this.fail(buf, end - 2);
        this.state = S.START;
        if (this.routed) this.deliverRouted(buf, start, end);
        else if (this.leafMsg) this.deliverLeaf(buf, start, end);
        else this.h.processMsg(this.subject, this.reply, this.hdr, buf, start, end);
        return end;
      }
      this.msgBuf = Buffer.allocUnsafe(total);
      this.msgPos = 0;
    }
    const take = Math.min(total - this.msgPos, buf.length - start);
    this.msgBuf.set(buf.subarray(start, start + take), this.msgPos);
    this.msgPos += take;
    if (this.msgPos < total) {
      // As parser.go's MSG_END_R: the byte after the payload must be CR, checked as soon as it comes
      // (the close does not wait for one more byte).
      if (this.msgPos > this.size && this.msgBuf[this.size] !== CR) return this.fail(buf, buf.length - 1);
      return buf.length;
    }
    const msg = this.msgBuf;
    this.msgBuf = null;
    if (msg[total - 2] !== CR || msg[total - 1] !== LF) return this.fail(buf, start + take - 1);
    this.state = S.START;
    if (this.routed) this.deliverRouted(msg, 0, total);
    else if (this.leafMsg) this.deliverLeaf(msg, 0, total);
    else this.h.processMsg(this.subject, this.reply, this.hdr, msg, 0, total);
    return start + take;
  }

  private deliverLeaf(buf: Buffer, start: number, end: number): void {
    this.leafMsg = false;
    const queues = this.queues;
    this.queues = null;
    this.leaf!.processLeafMsg(this.subject, this.reply, queues, this.hdr, buf, start, end);
  }

  private deliverRouted(buf: Buffer, start: number, end: number): void {
    this.routed = false;
    const queues = this.queues;
    this.queues = null;
    const origin = this.origin;
    this.origin = "";
    this.route!.processRoutedMsg(this.account, this.subject, this.reply, queues, this.hdr, buf, start, end, origin);
  }

  /**
   * Split a control line on spaces/tabs, and CR/LF as splitArg does, unless `pub`: processPub and
   * processHeaderPub split on spaces and tabs only, so there a CR is part of an argument.
   * Returns the count (MAX_ARGS+1 = too many).
   */
  private splitArgs(line: Buffer, start: number, end: number, pub = false): number {
    let n = 0;
    let s = -1;
    for (let i = start; i < end; i++) {
      const c = line[i]!;
      if (c === SP || c === TAB || (!pub && (c === CR || c === LF))) {
        if (s >= 0) {
          if (n === MAX_ARGS) return MAX_ARGS + 1;
          this.argStart[n] = s;
          this.argEnd[n++] = i;
          s = -1;
        }
      } else if (s < 0) s = i;
    }
    if (s >= 0) {
      if (n === MAX_ARGS) return MAX_ARGS + 1;
      this.argStart[n] = s;
      this.argEnd[n++] = end;
    }
    return n;
  }

  private arg(line: Buffer, k: number): string {
    return line.toString("latin1", this.argStart[k], this.argEnd[k]);
  }

  /**
   * The publish subject of argument k. A publisher usually repeats its subjects, so the last one is
   * kept with its bytes: a byte compare is cheaper than decoding, and returning the same string
   * instance lets the client's match cache compare by identity.
   */
  private pubSubject(line: Buffer, k: number): string {
    const s = this.argStart[k]!;
    const n = this.argEnd[k]! - s;
    const last = this.lastSubjectBytes;
    if (n === last.length) {
      let i = 0;
      while (i < n && line[s + i] === last[i]) i++;
      if (i === n) return this.lastSubject;
    }
    const subject = line.toString("latin1", s, s + n);
    if (n <= 256) {
      this.lastSubject = subject;
      this.lastSubjectBytes = new Uint8Array(line.subarray(s, s + n));
    }
    return subject;
  }

  /** processPub / processHeaderPub: false when the connection is being closed. */
  private pubArgs(line: Buffer, start: number, end: number, withHeaders: boolean): boolean {
    const h = this.h;
    if (!withHeaders) {
      // Fast path for the common line: the publisher's last subject, one space, a canonical size
      // within max_payload. Anything else (reply, tabs, leading zeros, errors) takes the general path.
      const last = this.lastSubjectBytes;
      const n = last.length;
      const s0 = start + n + 1;
      if (n > 0 && s0 < end && end - s0 <= 9 && line[s0 - 1] === SP && line[s0] !== 0x30) {
        let k = 0;
        while (k < n && line[start + k] === last[k]) k++;
        if (k === n) {
          let size = 0;
          let j = s0;
          for (; j < end; j++) {
            const d = line[j]! - 0x30;
            if (d < 0 || d > 9) break;
            size = size * 10 + d;
          }
          if (j === end && size <= this.maxPayload) {
            this.routed = false;
            this.leafMsg = false;
            this.subject = this.lastSubject;
            this.reply = "";
            this.size = size;
            this.sizeText = "";
            this.hdrText = "";
            this.hdr = -1;
            h.pubArgsParsed(this.subject);
            return !this.halted;
          }
        }
      }
    }
    const n = this.splitArgs(line, start, end, true);
    const verb = withHeaders ? "processHeaderPub" : "processPub";
    if (withHeaders && !this.headers) {
      h.protocolError(false, "message headers not supported");
      return false;
    }
    const want = withHeaders ? 3 : 2;
    if (n !== want && n !== want + 1) {
      h.protocolError(false, `${verb} Parse Error: '${line.toString("latin1", start, end)}'`);
      return false;
    }
    this.routed = false;
    this.leafMsg = false;
    this.subject = this.pubSubject(line, 0);
    this.reply = n === want + 1 ? this.arg(line, 1) : "";
    const last = n - 1;
    this.size = parseSize(line, this.argStart[last]!, this.argEnd[last]!);
    this.sizeText = this.nonCanonical(line, last);
    this.hdrText = "";
    if (withHeaders) {
      this.hdr = parseSize(line, this.argStart[last - 1]!, this.argEnd[last - 1]!);
      this.hdrText = this.nonCanonical(line, last - 1);
      if (this.hdr < 0) {
        h.protocolError(false, `${verb} Bad or Missing Header Size: '${line.toString("latin1", start, end)}'`);
        return false;
      }
    } else {
      this.hdr = -1;
    }
    if (this.size < 0) {
      const what = withHeaders ? "Total Size" : "Size";
      h.protocolError(false, `${verb} Bad or Missing ${what}: '${line.toString("latin1", start, end)}'`);
      return false;
    }
    if (withHeaders && this.hdr > this.size) {
      h.protocolError(false, `${verb} Header Size larger then TotalSize: '${line.toString("latin1", start, end)}'`);
      return false;
    }
    if (this.size > this.maxPayload) {
      h.maxPayloadExceeded(this.size);
      return false;
    }
    h.pubArgsParsed(this.subject);
    return !this.halted;
  }

  private nonCanonical(line: Buffer, k: number): string {
    const s = this.argStart[k]!;
    return line[s] === 0x30 && this.argEnd[k]! - s > 1 ? this.arg(line, k) : "";
  }

  private subArgs(line: Buffer, start: number, end: number): void {
    const n = this.splitArgs(line, start, end);
    if (n === 2) this.h.processSub(this.arg(line, 0), undefined, this.arg(line, 1));
    else if (n === 3) this.h.processSub(this.arg(line, 0), this.arg(line, 1), this.arg(line, 2));
    else this.h.protocolError(false, `processSub Parse Error: '${line.toString("latin1", start, end)}'`);
  }

  private unsubArgs(line: Buffer, start: number, end: number): void {
    const n = this.splitArgs(line, start, end);
    if (n === 1) this.h.processUnsub(this.arg(line, 0), -1);
    else if (n === 2) this.h.processUnsub(this.arg(line, 0), parseSize(line, this.argStart[1]!, this.argEnd[1]!));
    else this.h.protocolError(false, `processUnsub Parse Error: '${line.toString("latin1", start, end)}'`);
  }

  /** splitArg (parser.go): every argument of a route line, split on spaces, tabs, CR and LF. */
  private splitAll(line: Buffer, start: number, end: number): number {
    let n = 0;
    let s = -1;
    for (let i = start; i <= end; i++) {
      const c = i === end ? SP : line[i]!;
      if (c === SP || c === TAB || c === CR || c === LF) {
        if (s < 0) continue;
        if (n === this.rArgStart.length) {
          const st = new Int32Array(n * 2);
          const en = new Int32Array(n * 2);
          st.set(this.rArgStart);
          en.set(this.rArgEnd);
          this.rArgStart = st;
          this.rArgEnd = en;
        }
        this.rArgStart[n] = s;
        this.rArgEnd[n++] = i;
        s = -1;
      } else if (s < 0) s = i;
    }
    return n;
  }

  private rArg(line: Buffer, k: number): string {
    return line.toString("latin1", this.rArgStart[k], this.rArgEnd[k]);
  }

  /** Go's %s of the argument list ([][]byte): "[a b c]". */
  private rArgList(line: Buffer, n: number): string {
    const parts: string[] = [];
    for (let k = 0; k < n; k++) parts.push(this.rArg(line, k));
    return `[${parts.join(" ")}]`;
  }

  /** The account of a routed message: usually the same as the last one, so kept with its bytes. */
  /**
   * Fast path of routedMsgArgs / leafMsgArgs for the common line: [the last account, one space,] the
   * last subject, one space, the size (no reply, no queues, no headers). False when the line is any
   * other shape, for the general path to parse.
   */
  private repeatedMsgArgs(line: Buffer, start: number, end: number, withAccount: boolean): boolean {
    const acc = this.lastAccountBytes;
    const an = withAccount ? acc.length + 1 : 0;
    const subj = this.lastSubjectBytes;
    const sn = subj.length;
    const s0 = start + an + sn + 1;
    if ((withAccount && an === 1) || sn === 0 || s0 >= end || end - s0 > 9 || line[s0 - 1] !== SP) return false;
    if (withAccount) {
      if (line[start + an - 1] !== SP) return false;
      for (let k = 0; k < an - 1; k++) if (line[start + k] !== acc[k]) return false;
    }
    const sStart = start + an;
    for (let k = 0; k < sn; k++) if (line[sStart + k] !== subj[k]) return false;
    let size = 0;
    for (let j = s0; j < end; j++) {
      const d = line[j]! - 0x30;
      if (d < 0 || d > 9) return false;
      size = size * 10 + d;
    }
    this.size = size;
    this.hdr = -1;
    this.sizeText = "";
    this.hdrText = "";
    if (withAccount) this.account = this.lastAccount;
    this.subject = this.lastSubject;
    this.reply = "";
    this.queues = null;
    return true;
  }

  private routedAccount(line: Buffer): string {
    const s = this.rArgStart[0]!;
    const n = this.rArgEnd[0]! - s;
    const last = this.lastAccountBytes;
    if (n === last.length) {
      let i = 0;
      while (i < n && line[s + i] === last[i]) i++;
      if (i === n) return this.lastAccount;
    }
    const account = line.toString("latin1", s, s + n);
    this.lastAccount = account;
    this.lastAccountBytes = new Uint8Array(line.subarray(s, s + n));
    return account;
  }

  /**
   * route.go processRoutedMsgArgs / processRoutedHeaderMsgArgs:
   * `RMSG <acc> <subject> [reply] <size>`, `RMSG <acc> <subject> + <reply> <q1..qn> <size>`,
   * `RMSG <acc> <subject> | <q1..qn> <size>`; HMSG has `<hdr>` before the size.
   */
  private routedMsgArgs(line: Buffer, start: number, end: number, withHeaders: boolean): boolean {
    if (!withHeaders && this.repeatedMsgArgs(line, start, end, true)) {
      this.routed = true;
      return true;
    }
    const h = this.h;
    const verb = withHeaders ? "processRoutedHeaderMsgArgs" : "processRoutedMsgArgs";
    const n = this.splitAll(line, start, end);
    const extra = withHeaders ? 1 : 0;
    if (n < 3 + extra) {
      h.protocolError(false, `${verb} Parse Error: '${this.rArgList(line, n)}'`);
      return false;
    }
    let reply = "";
    let queues: string[] | null = null;
    if (n === 4 + extra) reply = this.rArg(line, 2);
    else if (n > 4 + extra) {
      const ind = line[this.rArgStart[2]!]!;
      if (this.rArgEnd[2]! - this.rArgStart[2]! !== 1 || (ind !== 0x2b && ind !== 0x7c)) {
        h.protocolError(false, `${verb} Bad or Missing Reply Indicator: '${this.rArg(line, 2)}'`);
        return false;
      }
      let first = 3;
      if (ind === 0x2b) {
        reply = this.rArg(line, 3);
        first = 4;
      }
      queues = [];
      for (let k = first; k < n - 1 - extra; k++) queues.push(this.rArg(line, k));
    }
    const last = n - 1;
    this.size = parseSize(line, this.rArgStart[last]!, this.rArgEnd[last]!);
    this.hdr = withHeaders ? parseSize(line, this.rArgStart[last - 1]!, this.rArgEnd[last - 1]!) : -1;
    if (withHeaders && this.hdr < 0) {
      h.protocolError(false, `${verb} Bad or Missing Header Size: '${line.toString("latin1", start, end)}'`);
      return false;
    }
    if (this.size < 0) {
      h.protocolError(false, `${verb} Bad or Missing Size: '${this.rArgList(line, n)}'`);
      return false;
    }
    if (withHeaders && this.hdr > this.size) {
      h.protocolError(false, `${verb} Header Size larger then TotalSize: '${line.toString("latin1", start, end)}'`);
      return false;
    }
    this.sizeText = "";
    this.hdrText = "";
    this.account = this.routedAccount(line);
    this.argStart[0] = this.rArgStart[1]!;
    this.argEnd[0] = this.rArgEnd[1]!;
    this.subject = this.pubSubject(line, 0);
    this.reply = reply;
    this.queues = queues;
    this.routed = true;
    return true;
  }

  /**
   * route.go processRoutedOriginClusterMsgArgs: `LMSG <origin> <acc> <subject> [reply] <hdr> <size>`, or
   * with queues `+ <reply> <q..>` / `| <q..>` after the subject; the header size is always there.
   */
  private routedOriginMsgArgs(line: Buffer, start: number, end: number): boolean {
    const h = this.h;
    const verb = "processRoutedOriginClusterMsgArgs";
    const n = this.splitAll(line, start, end);
    if (n < 5) {
      h.protocolError(false, `${verb} Parse Error: '${this.rArgList(line, n)}'`);
      return false;
    }
    let reply = "";
    let queues: string[] | null = null;
    if (n === 6) reply = this.rArg(line, 3);
    else if (n > 6) {
      const ind = line[this.rArgStart[3]!]!;
      if (this.rArgEnd[3]! - this.rArgStart[3]! !== 1 || (ind !== 0x2b && ind !== 0x7c)) {
        h.protocolError(false, `${verb} Bad or Missing Reply Indicator: '${this.rArg(line, 3)}'`);
        return false;
      }
      let first = 4;
      if (ind === 0x2b) {
        reply = this.rArg(line, 4);
        first = 5;
      }
      queues = [];
      for (let k = first; k < n - 2; k++) queues.push(this.rArg(line, k));
    }
    this.hdr = parseSize(line, this.rArgStart[n - 2]!, this.rArgEnd[n - 2]!);
    this.size = parseSize(line, this.rArgStart[n - 1]!, this.rArgEnd[n - 1]!);
    if (this.hdr < 0) {
      h.protocolError(false, `${verb} Bad or Missing Header Size: '${line.toString("latin1", start, end)}'`);
      return false;
    }
    if (this.size < 0) {
      h.protocolError(false, `${verb} Bad or Missing Size: '${this.rArgList(line, n)}'`);
      return false;
    }
    if (this.hdr > this.size) {
      h.protocolError(false, `${verb} Header Size larger then TotalSize: '${line.toString("latin1", start, end)}'`);
      return false;
    }
    // No header block is a header size of 0 on the wire (pa.hdr > 0 checks downstream).
    if (this.hdr === 0) this.hdr = -1;
    this.sizeText = "";
    this.hdrText = "";
    this.origin = this.rArg(line, 0);
    this.rArgStart[0] = this.rArgStart[1]!;
    this.rArgEnd[0] = this.rArgEnd[1]!;
    this.account = this.routedAccount(line);
    this.argStart[0] = this.rArgStart[2]!;
    this.argEnd[0] = this.rArgEnd[2]!;
    this.subject = this.pubSubject(line, 0);
    this.reply = reply;
    this.queues = queues;
    this.routed = true;
    return true;
  }

  /**
   * leafnode.go processLeafMsgArgs / processLeafHeaderMsgArgs: `LMSG <subject> [reply] <size>`,
   * `LMSG <subject> + <reply> <q1..qn> <size>`, `LMSG <subject> | <q1..qn> <size>`; HMSG has `<hdr>`
   * before the size. The same shapes as a routed message without the account.
   */
  private leafMsgArgs(line: Buffer, start: number, end: number, withHeaders: boolean): boolean {
    if (!withHeaders && this.repeatedMsgArgs(line, start, end, false)) {
      this.leafMsg = true;
      return true;
    }
    const h = this.h;
    const verb = withHeaders ? "processLeafHeaderMsgArgs" : "processLeafMsgArgs";
    const n = this.splitAll(line, start, end);
    const extra = withHeaders ? 1 : 0;
    if (n < 2 + extra) {
      h.protocolError(false, `${verb} Parse Error: '${this.rArgList(line, n)}'`);
      return false;
    }
    let reply = "";
    let queues: string[] | null = null;
    if (n === 3 + extra) reply = this.rArg(line, 1);
    else if (n > 3 + extra) {
      const ind = line[this.rArgStart[1]!]!;
      if (this.rArgEnd[1]! - this.rArgStart[1]! !== 1 || (ind !== 0x2b && ind !== 0x7c)) {
        h.protocolError(false, `${verb} Bad or Missing Reply Indicator: '${this.rArg(line, 1)}'`);
        return false;
      }
      let first = 2;
      if (ind === 0x2b) {
        reply = this.rArg(line, 2);
        first = 3;
      }
      queues = [];
      for (let k = first; k < n - 1 - extra; k++) queues.push(this.rArg(line, k));
    }
    const last = n - 1;
    this.size = parseSize(line, this.rArgStart[last]!, this.rArgEnd[last]!);
    this.hdr = withHeaders ? parseSize(line, this.rArgStart[last - 1]!, this.rArgEnd[last - 1]!) : -1;
    if (withHeaders && this.hdr < 0) {
      h.protocolError(false, `${verb} Bad or Missing Header Size: '${line.toString("latin1", start, end)}'`);
      return false;
    }
    if (this.size < 0) {
      h.protocolError(false, `${verb} Bad or Missing Size: '${this.rArgList(line, n)}'`);
      return false;
    }
    if (withHeaders && this.hdr > this.size) {
      h.protocolError(false, `${verb} Header Size larger then TotalSize: '${line.toString("latin1", start, end)}'`);
      return false;
    }
    this.sizeText = "";
    this.hdrText = "";
    this.argStart[0] = this.rArgStart[0]!;
    this.argEnd[0] = this.rArgEnd[0]!;
    this.subject = this.pubSubject(line, 0);
    this.reply = reply;
    this.queues = queues;
    this.leafMsg = true;
    return true;
  }

  /** leafnode.go processLeafSub: `LS+ <subject>` or `LS+ <subject> <queue> <weight>`. */
  private leafSubArgs(line: Buffer, start: number, end: number): void {
    const n = this.splitAll(line, start, end);
    if (n !== 1 && n !== 3) {
      this.h.protocolError(false, `processLeafSub Parse Error: '${line.toString("latin1", start, end)}'`);
      return;
    }
    const subject = this.rArg(line, 0);
    if (n === 1) {
      this.leaf!.processLeafSub(subject, undefined, 1, line.toString("latin1", start, end));
      return;
    }
    const weight = parseSize(line, this.rArgStart[2]!, this.rArgEnd[2]!);
    // The key is the line up to the weight (sub.sid = arg[:len(arg)-len(weight)-1]).
    const keyEnd = end - (this.rArgEnd[2]! - this.rArgStart[2]!) - 1;
    this.leaf!.processLeafSub(subject, this.rArg(line, 1), weight, line.toString("latin1", start, keyEnd));
  }

  /**
   * route.go processRemoteSub: `RS+ <acc> <subject>` or `RS+ <acc> <subject> <queue> <weight>`; with
   * `hasOrigin` (LS+), the same after the origin cluster, which is not part of the key.
   */
  private remoteSubArgs(line: Buffer, start: number, end: number, hasOrigin: boolean): void {
    const n = this.splitAll(line, start, end);
    const off = hasOrigin ? 1 : 0;
    if (n !== 2 + off && n !== 4 + off) {
      this.h.protocolError(false, `processRemoteSub Parse Error: '${line.toString("latin1", start, end)}'`);
      return;
    }
    const origin = hasOrigin ? this.rArg(line, 0) : "";
    const keyStart = hasOrigin ? start + origin.length + 1 : start;
    const account = this.rArg(line, off);
    const subject = this.rArg(line, 1 + off);
    if (n === 2 + off) {
      this.route!.processRemoteSub(account, subject, undefined, 0, line.toString("latin1", keyStart, end), origin);
      return;
    }
    const w = 3 + off;
    const weight = parseSize(line, this.rArgStart[w]!, this.rArgEnd[w]!);
    // The key is the line up to the weight (arg[len(origin)+off : len(arg)-len(weight)-1]).
    const keyEnd = end - (this.rArgEnd[w]! - this.rArgStart[w]!) - 1;
    const queue = this.rArg(line, 2 + off);
    this.route!.processRemoteSub(account, subject, queue, weight, line.toString("latin1", keyStart, keyEnd), origin);
  }

  /** route.go processRemoteUnsub (parseUnsubProto): `RS- <acc> <subject> [<queue>]`. */
  private remoteUnsubArgs(line: Buffer, start: number, end: number): void {
    const n = this.splitAll(line, start, end);
    if (n !== 2 && n !== 3) {
      this.h.protocolError(false, `processRemoteUnsub parse error: '${line.toString("latin1", start, end)}'`);
      return;
    }
    const queue = n === 3 ? this.rArg(line, 2) : undefined;
    this.route!.processRemoteUnsub(this.rArg(line, 0), this.rArg(line, 1), queue, line.toString("latin1", start, end));
  }

  private controlLineTooLong(len: number): void {
    this.h.maxControlLineExceeded(len);
    this.halt();
  }

  /**
   * parser.go's parseErr: `-ERR 'Unknown Protocol Operation'`, then close. Returns the chunk length,
   * so a caller can `return this.fail(...)` as "consumed everything".
   */
  private fail(buf: Buffer, i: number): number {
    const snippet = JSON.stringify(buf.toString("latin1", i, Math.min(buf.length, i + 32)));
    const kind = this.leaf !== null ? "Leafnode" : this.route === null ? "Client" : "Router";
    this.h.protocolError(true, `${kind} parser ERROR, state=${this.state}, i=${i}: proto='${snippet}...'`);
    this.halt();
    return buf.length;
  }
}
