// Publish/subscribe permissions, as nats-server v2.9.10 client.go: setPermissions, pubAllowedFullCheck,
// canSubscribe, checkDenySub, loadMsgDenyFilter and the response permissions (`c.replies`).
//
// A user's Permissions are compiled once into CompiledPermissions (allow/deny sublists, immutable,
// shared by every connection of that user). Each connection then gets a PermissionChecker holding
// the per-connection state the reference keeps on the client: the reply subjects it may answer
// (allow_responses) and the deny filter applied at delivery time.

import type { Permissions, ResponsePermission } from "../options.ts";
import { Sublist, type SublistResult } from "../subjects/sublist.ts";
import { subjectHasWildcard, subjectIsSubsetMatch, tokenizeSubject } from "../subjects/subject.ts";

/** const.go DEFAULT_ALLOW_RESPONSE_MAX_MSGS / DEFAULT_ALLOW_RESPONSE_EXPIRATION (2m). */
export const DEFAULT_ALLOW_RESPONSE_MAX_MSGS = 1;
export const DEFAULT_ALLOW_RESPONSE_EXPIRATION = 2 * 60_000;

/** client.go: maxPermCacheSize, maxDenyPermCacheSize, pruneSize, replyPermLimit. */
export const MAX_PERM_CACHE_SIZE = 128;
export const MAX_DENY_PERM_CACHE_SIZE = 256;
export const PRUNE_SIZE = 32;
export const REPLY_PERM_LIMIT = 4096;

/** The queue group name nats-server reserves for system imports (client.go sysGroup). */
export const SYS_GROUP = "_sys_";

/** One allow/deny entry as a sublist member: a subject, and for subscribe entries an optional queue. */
interface PermEntry {
  readonly subject: string;
  readonly queue: string | undefined;
}

type PermList = Sublist<PermEntry>;

function newList(): PermList {
  // The checker keeps its own bounded caches in front (as the reference's pcache/dcache), so the
  // sublists' own match cache would only duplicate them.
  return new Sublist<PermEntry>(false);
}

function insertEntry(list: PermList, entry: PermEntry): void {
  try {
    list.insert(entry);
  } catch {
    // As setPermissions: Insert errors (an invalid subject the config check let through) are
    // ignored, the entry simply never matches.
  }
}

/**
 * splitSubjectQueue of client.go: "subject" or "subject queue" separated by whitespace; more than
 * two fields is an error (logged and the entry skipped by the reference).
 */
export function splitSubjectQueue(sq: string): { subject: string; queue: string | undefined } | null {
  const fields = sq.trim().split(/\s+/);
  if (fields.length === 1) return { subject: fields[0]!, queue: undefined };
  if (fields.length === 2) return { subject: fields[0]!, queue: fields[1]! };
  return null;
}

/**
 * validateResponsePermissions of auth.go: with allow_responses, a missing publish allow list
 * becomes an empty one (the blanket allow is turned off) and zero max/expires take the defaults.
 * Returns a normalised copy; the input is not modified.
 */
export function normalizePermissions(p: Permissions): Permissions {
  const out: Permissions = {};
  if (p.publish) out.publish = { allow: p.publish.allow?.slice(), deny: p.publish.deny?.slice() };
  if (p.subscribe) out.subscribe = { allow: p.subscribe.allow?.slice(), deny: p.subscribe.deny?.slice() };
  if (p.response) {
    out.response = {
      max: p.response.max === 0 ? DEFAULT_ALLOW_RESPONSE_MAX_MSGS : p.response.max,
      expires: p.response.expires === 0 ? DEFAULT_ALLOW_RESPONSE_EXPIRATION : p.response.expires,
    };
    out.publish ??= {};
    out.publish.allow ??= [];
  }
  return out;
}

/** The immutable, shareable part of a user's permissions (setPermissions of client.go). */
export class CompiledPermissions {
  /** The normalised source, kept for reporting. */
  readonly source: Permissions;
  /** null = no allow list = everything allowed. An empty list (allow_responses) allows nothing. */
  readonly pubAllow: PermList | null = null;
  readonly pubDeny: PermList | null = null;
  readonly subAllow: PermList | null = null;
  readonly subDeny: PermList | null = null;
  /** The subscribe allow entries, for the subset check of wildcard subscriptions. */
  private readonly allowEntries: PermEntry[] = [];
  /** The raw subscribe deny strings (c.darray), used to build the delivery-time deny filter. */
  readonly denyArray: readonly string[] = [];
  readonly response: ResponsePermission | null = null;
  /** Entries skipped because they had more than "subject queue" (the reference logs them). */
  readonly invalidEntries: readonly string[];

  /**
   * Publish results are the same for every connection of the user, so the cache lives here
   * (the reference keeps one per connection: c.perms.pcache, same bound).
   */
  private readonly pcache = new Map<string, boolean>();

  constructor(perms: Permissions) {
    const p = normalizePermissions(perms);
    this.source = p;
    const invalid: string[] = [];
    if (p.publish) {
      // As setPermissions: an allow list that is present, even empty, is installed; deny only when non-empty.
      if (p.publish.allow !== undefined) {
        const l = newList();
        for (const s of p.publish.allow) insertEntry(l, { subject: s, queue: undefined });
        this.pubAllow = l;
      }
      if (p.publish.deny !== undefined && p.publish.deny.length > 0) {
        const l = newList();
        for (const s of p.publish.deny) insertEntry(l, { subject: s, queue: undefined });
        this.pubDeny = l;
      }
    }
    if (p.response) this.response = p.response;
    if (p.subscribe) {
      // Subscribe lists are installed only when non-empty (len() > 0 in the reference).
      if (p.subscribe.allow !== undefined && p.subscribe.allow.length > 0) {
        const l = newList();
        for (const s of p.subscribe.allow) {
          const e = splitSubjectQueue(s);
          if (e === null) invalid.push(s);
          else {
            insertEntry(l, e);
            this.allowEntries.push(e);
          }
        }
        this.subAllow = l;
      }
      if (p.subscribe.deny !== undefined && p.subscribe.deny.length > 0) {
        const l = newList();
        this.denyArray = p.subscribe.deny.slice();
        for (const s of p.subscribe.deny) {
          const e = splitSubjectQueue(s);
          if (e === null) invalid.push(s);
          else insertEntry(l, e);
        }
        this.subDeny = l;
      }
    }
    this.invalidEntries = invalid;
  }

  /** True when publish is restricted at all (the reference's `pub.allow != nil || pub.deny != nil`). */
  get hasPublishPerms(): boolean {
    return this.pubAllow !== null || this.pubDeny !== null;
  }

  /**
   * The static publish check (allow then deny), cached. `cacheDenied` is false when the caller
   * may still allow the subject through response permissions: the reference does not cache
   * those results either.
   */
  staticPubAllowed(subject: string, cacheDenied: boolean): boolean {
    const cached = this.pcache.get(subject);
    if (cached !== undefined) return cached;
    let allowed = true;
    if (this.pubAllow !== null) allowed = this.pubAllow.match(subject).psubs.length > 0;
    if (allowed && this.pubDeny !== null) allowed = this.pubDeny.match(subject).psubs.length === 0;
    if (allowed || cacheDenied) {
      this.pcache.set(subject, allowed);
      if (this.pcache.size > MAX_PERM_CACHE_SIZE) this.prunePubCache();
    }
    return allowed;
  }

  /** prunePubPermsCache: drop the oldest entries, pruneSize at a time, until under the bound. */
  private prunePubCache(): void {
    let r = 0;
    for (const k of this.pcache.keys()) {
      this.pcache.delete(k);
      if (++r > PRUNE_SIZE && this.pcache.size < MAX_PERM_CACHE_SIZE) break;
    }
  }

  /** Current size of the publish cache (for tests). */
  get pubCacheSize(): number {
    return this.pcache.size;
  }

  /**
   * canSubscribe of client.go, with the deny fix of later releases: a queue subscription is
   * checked against the queue deny entries only if the subject itself is not denied, so "any deny
   * wins" (2.9.10 let a matching queue deny entry overrule a plain subject deny).
   */
  subscribeAllowed(subject: string, queue: string | undefined): boolean {
    let allowed = true;
    if (this.subAllow !== null) {
      const r = this.subAllow.match(subject);
      allowed = r.psubs.length > 0;
      // allow = ["foo"]           -> plain and queue subscribe to foo with any queue
      // allow = ["foo v1"]        -> only queue subscribe to foo with queue v1
      // allow = ["foo", "foo v1"] -> plain subscribe to foo, queue subscribe only with v1
      if (queue !== undefined && r.qsubs.length > 0) allowed = queueMatches(queue, r.qsubs);
    }
    if (allowed && this.subDeny !== null) {
      const r = this.subDeny.match(subject);
      allowed = r.psubs.length === 0;
      if (allowed && queue !== undefined && r.qsubs.length > 0) allowed = !queueMatches(queue, r.qsubs);
    }
    return allowed;
  }

  /**
   * Could a wildcard subscription on `subject` receive a denied subject? Then deliveries to this
   * connection must be filtered (the darray scan of canSubscribe). The reference only switches the
   * filter on when a deny entry is a subset of the subscription ("foo.baz" under "foo.*"), so a
   * partly overlapping one (deny "secret.>", SUB "*.x") lets "secret.x" through; here any overlap
   * does, so a deny always holds at delivery.
   */
  wildcardCoversDeny(subject: string): boolean {
    if (this.denyArray.length === 0 || !subjectHasWildcard(subject)) return false;
    for (const d of this.denyArray) {
      if (subjectIsSubsetMatch(d, subject) || subjectsCollide(d, subject)) return true;
    }
    return false;
  }

  /**
   * Is every subject a wildcard subscription can receive inside some allow entry? The reference
   * matches the SUB subject against the allow list as if its wildcards were literal tokens, so
   * allow "foo.*" accepts SUB "foo.>" (its `*` matches the token ">"), which then receives
   * "foo.a.b". bnats accepts the same SUBs, and when one is not covered this way, filters its
   * deliveries by the allow list (see PermissionChecker.denyDelivery).
   */
  allowCovers(subject: string): boolean {
    if (this.subAllow === null || !subjectHasWildcard(subject)) return true;
    for (const e of this.allowEntries) if (subjectIsSubsetMatch(subject, e.subject)) return true;
    return false;
  }

  /** Does any subscribe allow entry (plain or queue) match this delivered subject? */
  allowsDelivery(subject: string): boolean {
    if (this.subAllow === null) return true;
    const r = this.subAllow.match(subject);
    return r.psubs.length > 0 || r.qsubs.length > 0;
  }

  /** A fresh sublist of the deny entries as plain subjects (loadMsgDenyFilter). */
  buildDenyFilter(): PermList {
    const l = newList();
    for (const s of this.denyArray) insertEntry(l, { subject: s, queue: undefined });
    return l;
  }
}

const collideA: string[] = [];
const collideB: string[] = [];

/** Can some literal subject match both `a` and `b` (wildcards on either side)? */
export function subjectsCollide(a: string, b: string): boolean {
  const na = tokenizeSubject(a, collideA);
  const nb = tokenizeSubject(b, collideB);
  for (let i = 0; ; i++) {
    if (i === na || i === nb) return na === nb;
    const ta = collideA[i]!;
    const tb = collideB[i]!;
    if (ta.length === 0 || tb.length === 0) return false;
    if (ta === ">" || tb === ">") return true;
    if (ta === "*" || tb === "*") continue;
    if (ta !== tb) return false;
  }
}

/**
 * queueMatches of client.go: the queue appears in the matched entries, literally or, for entries
 * whose queue has wildcards, as a subset ("bar.*" admits "bar.fizz").
 */
function queueMatches(queue: string, qsubs: SublistResult<PermEntry>["qsubs"]): boolean {
  if (qsubs.length === 0) return true;
  for (const group of qsubs) {
    const qname = group[0]!.queue!;
    if (queue === qname || (subjectHasWildcard(qname) && subjectIsSubsetMatch(queue, qname))) return true;
  }
  return false;
}

interface ReplyPerm {
  /** When the reply subject was delivered (ms, from the checker's clock). */
  t: number;
  /** Responses published to it so far. */
  n: number;
}

/** The per-connection permission state and checks. */
export class PermissionChecker {
  readonly compiled: CompiledPermissions;
  /** c.replies: reply subjects delivered to this connection that it may publish to. */
  private readonly replies: Map<string, ReplyPerm> | null;
  /** c.mperms: deny filter applied at delivery, loaded once a wildcard sub covers a denied subject. */
  private denyFilter: PermList | null = null;
  /** Set once a wildcard subscription reaches beyond the allow list: deliveries must match it. */
  private allowFilter = false;
  private readonly dcache = new Map<string, boolean>();
  private readonly now: () => number;

  constructor(compiled: CompiledPermissions, now: () => number = Date.now) {
    this.compiled = compiled;
    this.replies = compiled.response !== null ? new Map() : null;
    this.now = now;
  }

  /** Whether PUB needs checking at all; the client can skip canPublish when false. */
  get checksPublish(): boolean {
    return this.compiled.hasPublishPerms;
  }

  /** True once deliveries must go through denyDelivery (the reference's `c.mperms != nil`). */
  get filtersDelivery(): boolean {
    return this.denyFilter !== null || this.allowFilter;
  }

  /** True when delivered reply subjects must be recorded with trackReply (allow_responses). */
  get tracksReplies(): boolean {
    return this.replies !== null;
  }

  /**
   * pubAllowedFullCheck: the static allow/deny check, then, when denied and allow_responses is
   * on, a reply subject previously delivered to this connection within max/expires.
   */
  canPublish(subject: string): boolean {
    const c = this.compiled;
    if (!c.hasPublishPerms) return true;
    const replies = this.replies;
    if (c.staticPubAllowed(subject, replies === null)) return true;
    if (replies === null) return false;
    const resp = replies.get(subject);
    if (resp === undefined) return false;
    const rp = c.response!;
    resp.n++;
    // Negative max or expires mean unlimited, as the reference.
    if (rp.max > 0 && resp.n > rp.max) {
      replies.delete(subject);
      return false;
    }
    if (rp.expires > 0 && this.now() - resp.t > rp.expires) {
      replies.delete(subject);
      return false;
    }
    return true;
  }

  /**
   * canSubscribe: the static check, plus switching on the delivery deny filter when an allowed
   * wildcard subscription covers a denied subject (deny clauses do not prevent larger wildcard
   * subscriptions; matching messages are dropped at delivery instead).
   * The reserved `_sys_` queue is refused as processSub does for client connections.
   */
  canSubscribe(subject: string, queue?: string): boolean {
    if (queue === SYS_GROUP) return false;
    const c = this.compiled;
    const allowed = c.subscribeAllowed(subject, queue);
    if (allowed && this.denyFilter === null && c.wildcardCoversDeny(subject)) {
      this.denyFilter = c.buildDenyFilter();
    }
    if (allowed && !this.allowFilter && !c.allowCovers(subject)) this.allowFilter = true;
    return allowed;
  }

  /**
   * checkDenySub: must a message on `subject` be withheld from this connection? Denied subjects,
   * and (bnats) subjects outside the allow list that an over-wide wildcard picked up.
   */
  denyDelivery(subject: string): boolean {
    const f = this.denyFilter;
    if (f === null && !this.allowFilter) return false;
    const cached = this.dcache.get(subject);
    if (cached !== undefined) return cached;
    const denied = (f !== null && f.match(subject).psubs.length > 0) || (this.allowFilter && !this.compiled.allowsDelivery(subject));
    this.dcache.set(subject, denied);
    if (this.dcache.size > MAX_DENY_PERM_CACHE_SIZE) {
      let r = 0;
      for (const k of this.dcache.keys()) {
        this.dcache.delete(k);
        if (++r > PRUNE_SIZE) break;
      }
    }
    return denied;
  }

  /**
   * deliverMsg: a message with a reply subject was delivered to this connection; it may now
   * publish to that reply (a repeat delivery restarts the count and the clock, as the reference).
   */
  trackReply(reply: string): void {
    const replies = this.replies;
    if (replies === null || reply.length === 0) return;
    replies.set(reply, { t: this.now(), n: 0 });
    if (replies.size > REPLY_PERM_LIMIT) this.pruneReplyPerms();
  }

  /** pruneReplyPerms: drop used-up and expired reply permissions. */
  private pruneReplyPerms(): void {
    const replies = this.replies!;
    const rp = this.compiled.response!;
    const now = this.now();
    for (const [k, resp] of replies) {
      if (rp.max > 0 && resp.n >= rp.max) replies.delete(k);
      else if (rp.expires > 0 && now - resp.t > rp.expires) replies.delete(k);
    }
  }

  /** Number of tracked reply permissions (for tests and monitoring). */
  get replyCount(): number {
    return this.replies === null ? 0 : this.replies.size;
  }
}

/** Sub check for a connection that may have no permissions: only the reserved queue is refused. */
export function canSubscribeWith(perms: PermissionChecker | undefined, subject: string, queue?: string): boolean {
  if (perms === undefined) return queue !== SYS_GROUP;
  return perms.canSubscribe(subject, queue);
}
