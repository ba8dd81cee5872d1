// Exports and imports of an account at run time, as nats-server v2.9.10 accounts.go: streamImport,
// serviceImport, serviceExport (with its response threshold timer), the service reply prefix
// (createRespWildcard/newServiceReply), response service imports (addRespServiceImport,
// removeRespServiceImport, checkExpiredResponses) and the reverse map that cleans them up when the
// requester loses interest (addReverseRespMapEntry, checkForReverseEntry). It also computes which
// shadow subscriptions a subscription needs (client.go addShadowSubscriptions/addShadowSub).
//
// Pure data and decisions: the message path (src/conn) subscribes, delivers and calls back in.

import { isSubsetMatchTokenized, subjectHasWildcard, subjectIsLiteral, subjectIsSubsetMatch, tokenizeSubject } from "../subjects/subject.ts";
import { SubjectTransform, transformTokenize, transformUntokenize } from "../subjects/transform.ts";
import type { ServiceResponseType } from "../options.ts";

/** exportAuth: who may import. No approved list and no token position: public. */
export interface ExportAuth {
  /** undefined: public. */
  approved?: Set<string>;
  /** account_token_position (1-based), 0 = off. */
  accountPos: number;
}

/** checkAuth of accounts.go (no JWT activations: config mode only). */
export function exportAllows(ea: ExportAuth | undefined, importer: string, tokens: readonly string[] | undefined): boolean {
  if (ea === undefined || ((ea.approved === undefined || ea.approved.size === 0) && ea.accountPos === 0)) return true;
  if (ea.accountPos > 0) return tokens !== undefined && ea.accountPos <= tokens.length && tokens[ea.accountPos - 1] === importer;
  return ea.approved?.has(importer) ?? false;
}

export class StreamExport implements ExportAuth {
  approved?: Set<string>;
  accountPos = 0;
  constructor(readonly subject: string) {}
}

/** serviceExport: the response type and threshold govern the response imports of its requests. */
export class ServiceExport<A> implements ExportAuth {
  approved?: Set<string>;
  accountPos = 0;
  respType: ServiceResponseType = "Singleton";
  /** ms (DEFAULT_SERVICE_EXPORT_RESPONSE_THRESHOLD 2m). */
  respThresh = 2 * 60_000;
  latency?: { sampling: number; subject: string };
  /** The response threshold timer (se.rtmr). */
  timer: ReturnType<typeof setTimeout> | undefined;
  constructor(
    readonly subject: string,
    /** The exporting account. */
    readonly acc: A,
  ) {}
}

/** streamImport: the exporter's `from` arrives in the importer as `to`. */
export class StreamImport<A> {
  readonly tr: SubjectTransform | undefined;
  /** The reverse transform, made on first need (addShadowSub). */
  private rtrCache: SubjectTransform | null | undefined;
  readonly usePub: boolean;
  /** The importer's subject, placeholders replaced by wildcards (what /accountz shows). */
  readonly to: string;
  invalid = false;

  constructor(
    /** The exporting account. */
    readonly acc: A,
    readonly from: string,
    /** The importer's subject as configured (prefix applied; may hold $N placeholders). */
    to: string,
    readonly prefix?: string,
  ) {
    if (to === "") to = from;
    let usePub = false;
    let tr: SubjectTransform | undefined;
    if (subjectHasWildcard(from)) {
      if (to === from) usePub = true;
      else {
        // AddMappedStreamImportWithClaim: config validation already proved this succeeds.
        tr = SubjectTransform.create(from, transformTokenize(to));
        to = transformUntokenize(to).subject;
      }
    }
    this.tr = tr;
    this.usePub = usePub;
    this.to = to;
  }

  get rtr(): SubjectTransform | null {
    if (this.rtrCache === undefined) this.rtrCache = this.tr?.reverse() ?? null;
    return this.rtrCache;
  }

  /** The subject a message published on `subject` in the exporter is delivered with (processMsgResults, sub.im). */
  deliverySubject(subject: string): string {
    if (this.tr !== undefined) {
      try {
        return this.tr.transformSubject(subject);
      } catch {
        return subject;
      }
    }
    return this.usePub ? subject : this.to;
  }
}

/** serviceImport: a request on `from` in the importer goes to `to` in the exporter `acc`. */
export class ServiceImport<A> {
  tr: SubjectTransform | undefined;
  usePub = false;
  /** Response type (of the export). */
  rt: ServiceResponseType = "Singleton";
  se: ServiceExport<A> | undefined;
  share = false;
  /** A response import (exports.responses), mapping an answer back to the requester's reply. */
  readonly response: boolean;
  invalid = false;
  /** Last activity, ms (si.ts). */
  ts = 0;
  didDeliver = false;
  /** The internal subscription made for it (si.sid), owned by the message path. */
  sub: unknown;

  constructor(
    /** The exporting account (for a response import: the requester's account). */
    readonly acc: A,
    public from: string,
    public to: string,
    response = false,
  ) {
    this.response = response;
  }

  /** addServiceImport: the wildcard handling of a configured import. */
  static configured<A>(exporter: A, from: string, to: string, se: ServiceExport<A> | undefined, share: boolean): ServiceImport<A> {
    if (to === "") to = from;
    const si = new ServiceImport<A>(exporter, from, to);
    if (subjectHasWildcard(to)) {
      if (to === from) si.usePub = true;
      else {
        si.to = transformUntokenize(to).subject;
        // Made in reverse so that $ placeholders only exist on one side, then reversed.
        const tr = SubjectTransform.create(si.to, transformTokenize(from));
        si.from = transformUntokenize(from).subject;
        si.tr = tr.reverse() ?? undefined;
      }
    }
    si.se = se;
    if (se !== undefined) si.rt = se.respType;
    si.share = share;
    return si;
  }

  /** The subject a request on `subject` goes to in the exporter (processServiceImport). */
  destination(subject: string): string {
    if (this.tr !== undefined) {
      try {
        return this.tr.transformSubject(subject);
      } catch {
        return this.to;
      }
    }
    return this.usePub ? subject : this.to;
  }
}

/** What addShadowSubscriptions found for one stream import: the subject to subscribe in the exporter. */
export interface ShadowMatch<A> {
  im: StreamImport<A>;
  subject: string;
}

const subTokens: string[] = [];
const imTokens: string[] = [];

/**
 * addShadowSubscriptions + addShadowSub: for a subscription on `subject` in an account with these
 * stream imports, the (import, exporter subject) pairs to subscribe as shadows.
 */
export function shadowMatches<A>(imports: readonly StreamImport<A>[], subject: string): ShadowMatch<A>[] {
  const out: ShadowMatch<A>[] = [];
  if (imports.length === 0) return out;
  let n = tokenizeSubject(subject, subTokens);
  let hasWC = false;
  for (let i = 0; i < n; i++) if (subTokens[i] === "*") hasWC = true;
  if (!hasWC && subTokens[n - 1] === ">") hasWC = true;
  let modified = false;
  for (const im of imports) {
    if (im.invalid) continue;
    let dyn: boolean;
    let overlap = "";
    if (subject === im.to) dyn = false;
    else {
      if (modified) {
        n = tokenizeSubject(subject, subTokens);
        modified = false;
      }
      const ni = tokenizeSubject(im.to, imTokens);
      if (isSubsetMatchTokenized(subTokens, n, imTokens, ni)) dyn = true;
      else if (!hasWC) continue;
      else if (isSubsetMatchTokenized(imTokens, ni, subTokens, n)) dyn = false;
      else {
        // Partial overlap: make the subscription's wildcards as specific as the import.
        for (let i = 0; i < n && i < ni; i++) {
          if (subTokens[i] === "*" && imTokens[i] !== ">") {
            subTokens[i] = imTokens[i]!;
            modified = true;
          }
        }
        const last = n - 1;
        if (subTokens[last] === ">" && ni >= n) {
          subTokens[last] = imTokens[last]!;
          modified = true;
          for (let i = n; i < ni; i++) subTokens[n++] = imTokens[i]!;
        }
        if (!isSubsetMatchTokenized(subTokens, n, imTokens, ni)) continue;
        overlap = subTokens.slice(0, n).join(".");
        dyn = true;
      }
    }
    let s: string;
    if (!im.usePub && dyn && im.tr !== undefined) {
      const rtr = im.rtr;
      if (rtr === null) continue;
      try {
        s = rtr.transformSubject(overlap !== "" ? overlap : subject);
      } catch {
        continue;
      }
    } else if (!im.usePub || overlap !== "" || !dyn) {
      s = overlap !== "" ? overlap : im.from;
    } else {
      s = subject;
    }
    out.push({ im, subject: s });
  }
  return out;
}

/** accounts.go digits/base for reply tokens. */
const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function randomToken(len: number): string {
  let s = "";
  for (let i = 0; i < len; i++) s += DIGITS[(Math.random() * 62) | 0];
  return s;
}

/** isServiceReply: a `_R_.` reply (service import response). */
export function isServiceReply(subject: string): boolean {
  return subject.length > 3 && subject.charCodeAt(0) === 0x5f && subject.startsWith("_R_.");
}

/** isReservedReply: replies a client may not set (`_R_.`, `$JS.ACK.`, `$GNR.`). */
export function isReservedReply(reply: string): boolean {
  return isServiceReply(reply) || (reply.length > 8 && reply.startsWith("$JS.ACK.")) || (reply.length > 5 && reply.startsWith("$GNR."));
}

/** A requester's reply subject -> the response imports created for it (serviceRespEntry). */
interface RespEntry<A> {
  acc: A;
  msub: string;
}

/**
 * The service side of an account: its reply prefix and response imports (exports.responses), and the
 * requester side: the reverse map (imports.rrMap).
 */
export class ServiceReplies<A extends { replies: ServiceReplies<A> }> {
  /** `_R_.xxxxxx.` (siReply); "" until the first request needs it. */
  prefix = "";
  /** exports.responses: `_R_` subject -> response import. */
  readonly responses = new Map<string, ServiceImport<A>>();
  /** imports.rrMap: requester's reply -> response imports to clean up when its interest goes. */
  readonly rrMap = new Map<string, RespEntry<A>[]>();

  /**
   * newServiceReply: a fresh `_R_.<prefix>.<6>`; `created` is true when the prefix was made now, and
   * the caller then subscribes `<prefix>>` (subscribeServiceImportResponse).
   */
  newReply(): { reply: string; created: boolean } {
    let created = false;
    if (this.prefix === "") {
      this.prefix = `_R_.${randomToken(6)}.`;
      created = true;
    }
    return { reply: this.prefix + randomToken(6), created };
  }

  /**
   * addRespServiceImport (called on the exporter): maps the answer to `nrr` back to `reply` in the
   * requester's account `dest`. Starts the export's threshold timer.
   */
  addResponse(self: A, dest: A, reply: string, osi: ServiceImport<A>, nrr: string, onExpire: (se: ServiceExport<A>) => void): ServiceImport<A> {
    const rsi = new ServiceImport<A>(dest, nrr, reply, true);
    rsi.se = osi.se;
    rsi.rt = osi.rt;
    rsi.share = osi.share;
    rsi.ts = Date.now();
    this.responses.set(nrr, rsi);
    const se = osi.se;
    if (se !== undefined && se.timer === undefined) {
      se.timer = setTimeout(() => onExpire(se), se.respThresh);
      se.timer.unref?.();
    }
    const entries = dest.replies.rrMap.get(reply);
    if (entries === undefined) dest.replies.rrMap.set(reply, [{ acc: self, msub: nrr }]);
    else entries.push({ acc: self, msub: nrr });
    return rsi;
  }

  /** removeRespServiceImport: forget a response import and its reverse entry. */
  removeResponse(rsi: ServiceImport<A> | undefined): void {
    if (rsi === undefined) return;
    this.responses.delete(rsi.from);
    const dest = rsi.acc;
    const list = dest.replies.rrMap.get(rsi.to);
    if (list === undefined) return;
    const i = list.findIndex((e) => e.msub === rsi.from);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) dest.replies.rrMap.delete(rsi.to);
  }

  /**
   * checkExpiredResponses: drop this export's response imports older than its threshold; returns
   * whether some remain (the caller re-arms the timer then).
   */
  expire(se: ServiceExport<A>): boolean {
    const min = Date.now() - se.respThresh;
    let remaining = 0;
    for (const rsi of [...this.responses.values()]) {
      if (rsi.se !== se) continue;
      if (rsi.ts <= min) this.removeResponse(rsi);
      else remaining++;
    }
    return remaining > 0;
  }

  /**
   * checkForReverseEntry on the requester's account after a subscription on `reply` went: when no
   * interest is left (hasInterest), the response imports waiting for it go. A wildcard reply
   * checks every entry it covers.
   */
  dropReverseEntries(reply: string, hasInterest: (subject: string) => boolean): void {
    if (this.rrMap.size === 0) return;
    const keys = subjectIsLiteral(reply) ? [reply] : [...this.rrMap.keys()].filter((k) => subjectIsSubsetMatch(k, reply));
    for (const k of keys) {
      const list = this.rrMap.get(k);
      if (list === undefined || hasInterest(k)) continue;
      this.rrMap.delete(k);
      for (const e of list) {
        const rsi = e.acc.replies.responses.get(e.msub);
        if (rsi !== undefined && !rsi.didDeliver) e.acc.replies.responses.delete(e.msub);
      }
    }
  }
}
