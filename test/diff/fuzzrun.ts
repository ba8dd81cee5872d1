// Runs fuzz cases (fuzzgen.ts) against a server and compares the reference with bnats: one fresh
// connection per case on a server shared by many cases, its INFO masked as conversation.ts masks it.
import { connect, type RawClient } from "../helpers/raw.ts";
import type { RunningServer } from "../helpers/proc.ts";
import { maskInfo } from "./conversation.ts";
import { FUZZ_CONFIGS, type FuzzCase } from "./fuzzgen.ts";

/** After a PONG, how long the connection must stay quiet to count as synced. */
const SYNC_QUIET_MS = 40;
/** Without a closing PONG (the final PING swallowed as payload or argument): give up after this quiet. */
const IDLE_MS = 250;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits for the end of a stream's answer: the server closed the connection, or its last bytes are a PONG
 * and nothing more came for a while, or nothing came at all for IDLE_MS.
 */
async function settle(c: RawClient): Promise<"closed" | "open" | "idle"> {
  let seen = c.received.length;
  let quietSince = Date.now();
  for (;;) {
    if (c.closed) return "closed";
    await sleep(5);
    if (c.received.length !== seen) {
      seen = c.received.length;
      quietSince = Date.now();
      continue;
    }
    const quiet = Date.now() - quietSince;
    if (quiet >= SYNC_QUIET_MS && c.received.endsWith("PONG\r\n")) return "open";
    if (quiet >= IDLE_MS) return c.closed ? "closed" : "idle";
  }
}

/**
 * The server's bytes as frames. Runs of MSG/HMSG frames that differ only in the sid (one message
 * delivered to several subscriptions) are sorted: the reference's delivery order among them follows
 * Go map iteration. The server's own PINGs (keepalive) are dropped.
 */
export function frames(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const nl = text.indexOf("\n", i);
    if (nl < 0) {
      out.push(text.slice(i));
      break;
    }
    const line = text.slice(i, nl + 1);
    let end = nl + 1;
    const m = /^(H?MSG) (\S+) (\S+) (?:(\S+) )?(?:(\d+) )?(\d+)\r\n$/.exec(line);
    if (m) {
      const total = Number(m[6]);
      end = Math.min(text.length, nl + 1 + total + 2);
    }
    const frame = text.slice(i, end);
    if (frame !== "PING\r\n") out.push(frame);
    i = end;
  }
  // Sort runs of deliveries of one message (same frame with the sid masked).
  const key = (f: string): string | undefined => {
    const m = /^(H?MSG) (\S+) (\S+) /.exec(f);
    return m ? `${m[1]} ${m[2]} ${f.slice(m[0].length)}` : undefined;
  };
  const sorted: string[] = [];
  for (let j = 0; j < out.length; ) {
    const k = key(out[j]!);
    let e = j + 1;
    if (k !== undefined) while (e < out.length && key(out[e]!) === k) e++;
    sorted.push(...out.slice(j, e).sort());
    j = e;
  }
  return sorted;
}

/**
 * The reference's first read is 512 bytes (client.go startBufSize): a longer stream may reach it in
 * several reads even when written at once.
 */
const SERVER_READ_SIZE = 512;

const INVALID_PUB_SUBJECT = "-ERR 'Invalid Publish Subject'\r\n";

/**
 * When a PUB line and its payload come in different reads, the reference parses the PUB arguments a
 * second time (parser.go clonePubArg -> processPub) and so sends the pedantic "Invalid Publish Subject"
 * twice. Read boundaries are TCP timing, not protocol: when the stream was split (or may have been),
 * repeats of that error count once.
 */
function collapseRepeats(frames: string[]): string[] {
  return frames.filter((f, i) => !(f === INVALID_PUB_SUBJECT && frames[i - 1] === INVALID_PUB_SUBJECT));
}

function infoOf(line: string, port: number): string {
  const end = line.lastIndexOf("}");
  if (!line.startsWith("INFO ") || end < 0) return JSON.stringify(line);
  try {
    const info = JSON.parse(line.slice(5, end + 1)) as Record<string, unknown>;
    return `${JSON.stringify(maskInfo(info, port))}${JSON.stringify(line.slice(end + 1))}`;
  } catch {
    return JSON.stringify(line);
  }
}

async function readInfoLine(c: RawClient): Promise<string> {
  return c.readUntil((u) => (u.indexOf("\n") >= 0 ? u.indexOf("\n") + 1 : false), 2000, "INFO").catch(() => "<no INFO>");
}

/** What one case got: the main connection's lines (INFO, frames, end), the subscriber's, and whether reset. */
export interface Transcript {
  main: string[];
  sub: string[];
  /**
   * The main connection ended with ECONNRESET: the server closed it with client bytes still unread (the
   * kernel then sends a reset, and whatever it had not delivered yet may be lost).
   */
  reset: boolean;
}

/** Runs one case on a fresh connection (and the subscriber's, if any); returns its transcript. */
export async function runCase(c: FuzzCase, port: number): Promise<Transcript> {
  const main: string[] = [];
  const subLines: string[] = [];
  let sub: RawClient | undefined;
  let client: RawClient | undefined;
  try {
    if (c.subscriber !== undefined) {
      sub = await connect(port);
      await readInfoLine(sub);
      sub.send(`${c.subscriber}PING\r\n`);
      await sub.readUntil((u) => (u.endsWith("PONG\r\n") ? u.length : false), 2000, "subscriber PONG");
    }
    client = await connect(port);
    main.push(`INFO ${infoOf(await readInfoLine(client), port)}`);
    // The final PING goes with the last piece: when the stream ends inside an argument or payload,
    // whether the PING comes in the same read decides how the reference parses it (parser.go's split
    // buffer path), so it must not depend on timing.
    let from = 0;
    for (const cut of c.cuts) {
      client.send(c.stream.slice(from, cut));
      from = cut;
      await client.flushed();
      await sleep(2);
    }
    client.send(`${c.stream.slice(from)}PING\r\n`);
    const end = await settle(client);
    let got = frames(client.unread);
    if (c.cuts.length > 0 || c.stream.length > SERVER_READ_SIZE || end === "idle") got = collapseRepeats(got);
    main.push(...got.map((f) => `recv ${JSON.stringify(f)}`));
    main.push(end);
    if (sub) {
      sub.send("PING\r\n");
      const subEnd = await settle(sub);
      subLines.push(...frames(sub.unread).map((f) => `sub recv ${JSON.stringify(f)}`));
      subLines.push(`sub ${subEnd}`);
    }
    const code = (client.socketError as NodeJS.ErrnoException | undefined)?.code;
    return { main, sub: subLines, reset: code === "ECONNRESET" || code === "EPIPE" };
  } finally {
    client?.close();
    sub?.close();
  }
}

/** A reference server and a bnats server started from the same configuration text. */
export interface ServerPair {
  reference: RunningServer;
  bnats: RunningServer;
}

export interface Difference {
  fuzzCase: FuzzCase;
  reference: string[];
  bnats: string[];
}

function isPrefix(short: readonly string[], long: readonly string[]): boolean {
  return short.length <= long.length && short.every((x, i) => x === long[i]);
}

/**
 * Equal transcripts, or both closed and the side that was reset got a prefix of what the other got
 * (a reset may drop the server's last bytes: TCP, not protocol).
 */
function alike(a: Transcript, b: Transcript): boolean {
  if (JSON.stringify(a.sub) !== JSON.stringify(b.sub)) return false;
  if (JSON.stringify(a.main) === JSON.stringify(b.main)) return true;
  if (a.main.at(-1) !== "closed" || b.main.at(-1) !== "closed") return false;
  const ma = a.main.slice(0, -1);
  const mb = b.main.slice(0, -1);
  return (a.reset && isPrefix(ma, mb)) || (b.reset && isPrefix(mb, ma));
}

/** Runs a case on both servers at once; a Difference when the transcripts differ. */
export async function compareCase(c: FuzzCase, pair: ServerPair): Promise<Difference | undefined> {
  const [reference, bnats] = await Promise.all([runCase(c, pair.reference.port), runCase(c, pair.bnats.port)]);
  if (alike(reference, bnats)) return undefined;
  const lines = (t: Transcript): string[] => [...t.main.slice(0, -1), `${t.main.at(-1)}${t.reset ? " (reset)" : ""}`, ...t.sub];
  return { fuzzCase: c, reference: lines(reference), bnats: lines(bnats) };
}

/**
 * Runs the cases over `lanes` server pairs per configuration (cases of one lane run one after the
 * other, so streams on a shared server never overlap); returns the differences, confirmed by a rerun.
 */
export async function runCases(
  cases: readonly FuzzCase[],
  pairsByConfig: readonly ServerPair[][],
): Promise<Difference[]> {
  const diffs: Difference[] = [];
  const queues = pairsByConfig.map((pairs) => pairs.map(() => [] as FuzzCase[]));
  const next = pairsByConfig.map(() => 0);
  for (const c of cases) {
    const lanes = queues[c.config]!;
    lanes[next[c.config]! % lanes.length]!.push(c);
    next[c.config]!++;
  }
  await Promise.all(
    queues.flatMap((lanes, config) =>
      lanes.map(async (lane, k) => {
        const pair = pairsByConfig[config]![k]!;
        for (const c of lane) {
          const d = await compareCase(c, pair);
          // A difference must show twice: timing (the idle cut-off) is not a finding.
          if (d && (await compareCase(c, pair))) diffs.push(d);
        }
      }),
    ),
  );
  return diffs;
}

/** Shrinks a differing case: fewer writes, no subscriber, then fewer bytes (lines first, then bytes). */
export async function minimise(d: Difference, pair: ServerPair): Promise<Difference> {
  let best = d;
  const tryCase = async (c: FuzzCase): Promise<boolean> => {
    const got = await compareCase(c, pair);
    if (got && (await compareCase(c, pair))) {
      best = got;
      return true;
    }
    return false;
  };
  const cur = (): FuzzCase => best.fuzzCase;
  if (cur().cuts.length) await tryCase({ ...cur(), cuts: [] });
  if (cur().subscriber !== undefined) await tryCase({ ...cur(), subscriber: undefined });
  const cutsFor = (c: FuzzCase, stream: string): number[] => c.cuts.filter((x) => x < stream.length);
  // Remove whole lines, then single bytes (one pass each, keeping every removal that still differs).
  for (const unit of ["line", "byte"] as const) {
    const s = cur().stream;
    let pieces = unit === "line" ? s.split(/(?<=\n)/) : [...s];
    for (let k = 0; k < pieces.length; ) {
      const rest = [...pieces.slice(0, k), ...pieces.slice(k + 1)];
      const stream = rest.join("");
      if (await tryCase({ ...cur(), stream, cuts: cutsFor(cur(), stream) })) pieces = rest;
      else k++;
    }
  }
  return best;
}

export function describeDifference(d: Difference): string {
  const c = d.fuzzCase;
  // The INFO lines, when equal, only make the report long.
  const sameInfo = d.reference[0] === d.bnats[0];
  const show = (t: string[]): string => (sameInfo ? t.slice(1) : t).join(" | ");
  return [
    `case ${c.id} config=${FUZZ_CONFIGS[c.config]!.name} cuts=${JSON.stringify(c.cuts)}`,
    c.subscriber !== undefined ? `  subscriber: ${JSON.stringify(c.subscriber)}` : "",
    `  stream: ${JSON.stringify(c.stream)}`,
    `  reference: ${show(d.reference)}`,
    `  bnats:     ${show(d.bnats)}`,
  ]
    .filter(Boolean)
    .join("\n");
}
