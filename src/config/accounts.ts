// The `accounts {}` block and top-level `mappings`: nats-server v2.9.10 opts.go parseAccounts,
// parseAccountExports/Imports, parseExportStreamOrService, parseImportStreamOrService,
// parseServiceLatency, parseAccountMappings, parseAccountMapDest, parseAccountLimits, with the
// reference's messages and positions. Exports and imports are resolved (authorization, cycles,
// duplicates) in accounts-resolve.ts once every account is known, as the reference does.
//
// Differences, on purpose:
// - Go iterates a config map in random order, so some of the reference's verdicts depend on luck;
//   bnats reads keys in file order and is deterministic: a stream import with both `prefix` and
//   `to` is always an error (the reference reports it only when `to` comes after the others);
// - `jetstream` inside an account is accepted with a note (bnats has no JetStream);
// - where the reference panics on a wrong type ("interface conversion: ..."), the same words are
//   reported at the value.

import { fromPublic } from "@nats-io/nkeys";
import type { AccountLimits, AccountOptions, MappingOptions, NkeyUser, Options, Permissions, User } from "../options.ts";
import { SubjectMapping } from "../subjects/mapping.ts";
import { isValidSubject } from "../subjects/subject.ts";
import { parseUserPermissions, parseUsers } from "./auth.ts";
import { resolveExportsAndImports, type ParsedAccount, type ParsedExport, type ParsedStreamImport, type ParsedServiceImport } from "./accounts-resolve.ts";
import type { Token } from "./parser.ts";
import { parseGoDuration } from "../go/duration.ts";
import type { LoadContext } from "./values.ts";
import { GLOBAL_ACCOUNT } from "../options.ts";

/** accounts.go globalAccountName. */
export const GLOBAL_ACCOUNT_NAME = GLOBAL_ACCOUNT;

/** Go's %T of a config value, for the reference's "got %T" messages. */
export function goType(tk: Token): string {
  switch (tk.kind) {
    case "string":
      return "string";
    case "integer":
      return "int64";
    case "float":
      return "float64";
    case "bool":
      return "bool";
    case "datetime":
      return "time.Time";
    case "array":
      return "[]interface {}";
    case "map":
      return "map[string]interface {}";
  }
}

/** The reference's type-assertion panic, reported at the value (convertPanicToErrorList). */
function conversion(ctx: LoadContext, tk: Token, want: string): undefined {
  ctx.error(tk, `interface conversion: interface {} is ${goType(tk)}, not ${want}`);
  return undefined;
}

function str(ctx: LoadContext, tk: Token): string | undefined {
  return tk.kind === "string" ? tk.value : conversion(ctx, tk, "string");
}

/** nkeys.IsValidPublicAccountKey. */
export function isValidPublicAccountKey(key: string): boolean {
  if (!key.startsWith("A")) return false;
  try {
    fromPublic(key);
    return true;
  } catch {
    return false;
  }
}

/** The users and nkeys already configured (setupUsersAndNKeysDuplicateCheckMap). */
export function userNames(o: Partial<Options>): Set<string> {
  const names = new Set<string>();
  for (const u of o.users ?? []) names.add(u.username);
  for (const u of o.nkeys ?? []) names.add(u.nkey);
  return names;
}

function newAccount(name: string): AccountOptions {
  return { name, streamExports: [], serviceExports: [], streamImports: [], serviceImports: [], mappings: [] };
}

/** parseAccounts: the list form `accounts: [A, B]` or the map form. */
export function parseAccounts(ctx: LoadContext, tk: Token, o: Partial<Options>): void {
  const accounts = (o.accounts ??= []);
  if (tk.kind === "array") {
    const seen = new Set<string>();
    for (const n of tk.value) {
      const name = str(ctx, n);
      if (name === undefined) continue;
      if (name === GLOBAL_ACCOUNT_NAME) {
        ctx.error(n, `${JSON.stringify(name)} is a Reserved Account`);
        continue;
      }
      if (seen.has(name)) {
        ctx.error(n, `Duplicate Account Entry: ${name}`);
        continue;
      }
      accounts.push(newAccount(name));
      seen.add(name);
    }
    return;
  }
  if (tk.kind !== "map") {
    // The reference ignores anything else silently.
    return;
  }
  const uorn = userNames(o);
  const parsed: ParsedAccount[] = [];
  for (const [aname, atk] of tk.value) {
    if (atk.usedVariable) continue;
    if (atk.kind !== "map") {
      ctx.error(atk, "Expected map entries for accounts");
      continue;
    }
    if (aname === GLOBAL_ACCOUNT_NAME) {
      ctx.error(atk, `${JSON.stringify(aname)} is a Reserved Account`);
      continue;
    }
    const acc = newAccount(aname);
    accounts.push(acc);
    const pa: ParsedAccount = { acc, streamExports: [], serviceExports: [], streamImports: [], serviceImports: [] };
    parsed.push(pa);
    let users: User[] = [];
    let nkeys: NkeyUser[] = [];
    let usersTk: Token | undefined;
    for (const [k, v] of atk.value) {
      switch (k.toLowerCase()) {
        case "nkey": {
          if (v.kind !== "string" || !isValidPublicAccountKey(v.value)) {
            ctx.error(v, `Not a valid public nkey for an account: ${JSON.stringify(v.kind === "string" ? v.value : String(v.value))}`);
            continue;
          }
          acc.nkey = v.value;
          break;
        }
        case "imports":
          parseImports(ctx, v, pa);
          break;
        case "exports":
          parseExports(ctx, v, pa);
          break;
        case "jetstream":
          ctx.note(v, `ignoring "jetstream" of account ${JSON.stringify(aname)}: JetStream is not supported by bnats`);
          break;
        case "users": {
          usersTk = v;
          const r = parseUsers(ctx, v);
          if (r !== undefined) {
            users = r.users;
            nkeys = r.nkeys;
          }
          break;
        }
        case "default_permissions": {
          const p = parseUserPermissions(ctx, v);
          if (p !== undefined) acc.defaultPermissions = p;
          break;
        }
        case "mappings":
        case "maps":
          parseMappings(ctx, v, acc.mappings);
          break;
        case "limits": {
          const l = parseLimits(ctx, v);
          if (l !== undefined) acc.limits = l;
          break;
        }
        default:
          ctx.unknown(v, k);
      }
    }
    const where = usersTk ?? atk;
    if (users.length > 0 || nkeys.length > 0) {
      if (o.username) {
        ctx.error(where, "Can not have a single user/pass and accounts");
        continue;
      }
      if (o.authorization) {
        ctx.error(where, "Can not have a token and accounts");
        continue;
      }
    }
    applyDefaultPermissions(users, nkeys, acc.defaultPermissions);
    for (const u of nkeys) {
      if (uorn.has(u.nkey)) {
        ctx.error(where, `Duplicate nkey ${JSON.stringify(u.nkey)} detected`);
        continue;
      }
      uorn.add(u.nkey);
      u.account = aname;
    }
    // As the reference, a duplicate is reported and still appended (the run stops on the error).
    (o.nkeys ??= []).push(...nkeys);
    for (const u of users) {
      if (uorn.has(u.username)) {
        ctx.error(where, `Duplicate user ${JSON.stringify(u.username)} detected`);
        continue;
      }
      uorn.add(u.username);
      u.account = aname;
    }
    (o.users ??= []).push(...users);
  }
  // As the reference: resolve only when the file has no error so far.
  if (ctx.errors.length > 0) return;
  resolveExportsAndImports(ctx, tk, accounts, parsed, o.noSystemAccount === true);
}

/** applyDefaultPermissions. */
function applyDefaultPermissions(users: User[], nkeys: NkeyUser[], def: Permissions | undefined): void {
  if (def === undefined) return;
  for (const u of users) u.permissions ??= def;
  for (const u of nkeys) u.permissions ??= def;
}

function parseExports(ctx: LoadContext, tk: Token, pa: ParsedAccount): void {
  if (tk.kind !== "array") {
    ctx.error(tk, `Exports should be an array, got ${goType(tk)}`);
    return;
  }
  for (const v of tk.value) {
    const e = parseExport(ctx, v);
    if (e === undefined) continue;
    if (e.service) pa.serviceExports.push(e);
    else pa.streamExports.push(e);
  }
}

/** parseExportStreamOrService. */
function parseExport(ctx: LoadContext, tk: Token): ParsedExport | undefined {
  if (tk.kind !== "map") {
    ctx.error(tk, `Export Items should be a map with type entry, got ${goType(tk)}`);
    return undefined;
  }
  let kind: "stream" | "service" | undefined;
  let subject = "";
  let accounts: string[] | undefined;
  let rt: ParsedExport["responseType"];
  let rtToken: Token | undefined;
  let latToken: Token | undefined;
  let latency: ParsedExport["latency"];
  let threshSeen = false;
  let thresh = 0;
  let tokenPos = 0;
  for (const [mk, mv] of tk.value) {
    switch (mk.toLowerCase()) {
      case "stream": {
        if (kind === "service") {
          ctx.error(mv, `Detected stream ${goQuote(mv)} but already saw a service`);
          continue;
        }
        if (rtToken !== undefined) {
          ctx.error(rtToken, "Detected response directive on non-service");
          continue;
        }
        if (latToken !== undefined) {
          ctx.error(latToken, "Detected latency directive on non-service");
          continue;
        }
        if (mv.kind !== "string") {
          ctx.error(mv, `Expected stream name to be string, got ${goType(mv)}`);
          continue;
        }
        kind = "stream";
        subject = mv.value;
        break;
      }
      case "service": {
        if (kind === "stream") {
          ctx.error(mv, `Detected service ${goQuote(mv)} but already saw a stream`);
          continue;
        }
        if (mv.kind !== "string") {
          ctx.error(mv, `Expected service name to be string, got ${goType(mv)}`);
          continue;
        }
        kind = "service";
        subject = mv.value;
        break;
      }
      case "response":
      case "response_type": {
        if (rtToken !== undefined) {
          ctx.error(mv, "Duplicate response type definition");
          continue;
        }
        rtToken = mv;
        if (mv.kind !== "string") {
          ctx.error(mv, `Expected response type to be string, got ${goType(mv)}`);
          continue;
        }
        switch (mv.value.toLowerCase()) {
          case "single":
          case "singleton":
            rt = "Singleton";
            break;
          case "stream":
            rt = "Streamed";
            break;
          case "chunk":
          case "chunked":
            rt = "Chunked";
            break;
          default:
            ctx.error(mv, `Unknown response type: ${JSON.stringify(mv.value)}`);
            continue;
        }
        if (kind === "stream") ctx.error(mv, "Detected response directive on non-service");
        break;
      }
      case "threshold":
      case "response_threshold":
      case "response_max_time":
      case "response_time": {
        if (threshSeen) {
          ctx.error(mv, "Duplicate response threshold detected");
          continue;
        }
        threshSeen = true;
        if (mv.kind !== "string") {
          ctx.error(mv, `Expected response threshold to be a parseable time duration, got ${goType(mv)}`);
          continue;
        }
        try {
          thresh = parseGoDuration(mv.value);
        } catch {
          ctx.error(mv, `Expected response threshold to be a parseable time duration, got ${JSON.stringify(mv.value)}`);
          continue;
        }
        if (kind === "stream") ctx.error(mv, "Detected response directive on non-service");
        break;
      }
      case "accounts": {
        if (mv.kind !== "array") {
          conversion(ctx, mv, "[]interface {}");
          continue;
        }
        const list: string[] = accounts ?? [];
        for (const a of mv.value) {
          const s = str(ctx, a);
          if (s !== undefined) list.push(s);
        }
        // An empty list stays "public", as the reference's nil slice.
        if (list.length > 0) accounts = list;
        break;
      }
      case "latency": {
        latToken = mv;
        const l = parseServiceLatency(ctx, mv);
        if (l === undefined) continue;
        if (kind === "stream") {
          ctx.error(mv, "Detected latency directive on non-service");
          continue;
        }
        latency = l;
        break;
      }
      case "account_token_position": {
        if (mv.kind !== "integer") {
          conversion(ctx, mv, "int64");
          continue;
        }
        tokenPos = mv.value;
        break;
      }
      default:
        ctx.unknown(mv, mk);
    }
  }
  if (kind === undefined) return undefined;
  const e: ParsedExport = { service: kind === "service", subject, accounts, tokenPos, token: tk };
  if (kind === "service") {
    if (rt !== undefined) e.responseType = rt;
    if (threshSeen) e.threshold = thresh;
    if (latency !== undefined) e.latency = latency;
  }
  return e;
}

/** Go's %q of a config value (strings quoted, others as Go prints them inside %q: rarely used). */
function goQuote(tk: Token): string {
  return tk.kind === "string" ? JSON.stringify(tk.value) : `%!q(${goType(tk)}=${String(tk.value)})`;
}

/** parseServiceLatency. */
function parseServiceLatency(ctx: LoadContext, tk: Token): { sampling: number; subject: string } | undefined {
  if (tk.kind === "string") return { sampling: 100, subject: tk.value };
  if (tk.kind !== "map") {
    ctx.error(tk, `Expected latency entry to be a map/struct or string, got ${goType(tk)}`);
    return undefined;
  }
  let sampling = 100;
  const s = tk.value.get("sampling");
  if (s !== undefined) {
    let header = false;
    let sample: number;
    if (s.kind === "integer") sample = s.value;
    else if (s.kind === "string") {
      if (s.value.trim().toLowerCase() === "headers") {
        header = true;
        sample = 0;
      } else {
        const t = s.value.endsWith("%") ? s.value.slice(0, -1) : s.value;
        if (!/^[+-]?[0-9]+$/.test(t)) {
          ctx.error(s, `Failed to parse latency sample: strconv.Atoi: parsing ${JSON.stringify(t)}: invalid syntax`);
          return undefined;
        }
        sample = Number(t);
      }
    } else {
      ctx.error(s, `Expected latency sample to be a string or map/struct, got ${goType(s)}`);
      return undefined;
    }
    if (!header && (sample < 1 || sample > 100)) {
      ctx.error(s, "bad sampling percentage, should be 1-100");
      return undefined;
    }
    sampling = sample;
  }
  const subj = tk.value.get("subject");
  if (subj === undefined) {
    ctx.error(tk, "Latency subject required, but missing");
    return undefined;
  }
  if (subj.kind !== "string") {
    ctx.error(subj, "Expected latency subject to be a string, got string");
    return undefined;
  }
  return { sampling, subject: subj.value };
}

function parseImports(ctx: LoadContext, tk: Token, pa: ParsedAccount): void {
  if (tk.kind !== "array") {
    ctx.error(tk, `Imports should be an array, got ${goType(tk)}`);
    return;
  }
  const svcSubjects = new Map<string, ParsedServiceImport>();
  for (const v of tk.value) {
    const r = parseImport(ctx, v);
    if (r === undefined) continue;
    if ("share" in r) {
      const dup = svcSubjects.get(r.to);
      if (dup !== undefined) {
        ctx.error(
          v,
          `Duplicate service import subject ${JSON.stringify(r.to)}, previously used in import for account ${JSON.stringify(dup.account)}, subject ${JSON.stringify(dup.subject)}`,
        );
        continue;
      }
      svcSubjects.set(r.to, r);
      pa.serviceImports.push(r);
    } else {
      pa.streamImports.push(r);
    }
  }
}

/** parseAccount: `{account, subject}` of an import. */
function parseImportSource(ctx: LoadContext, m: Map<string, Token>): { account: string; subject: string } {
  let account = "";
  let subject = "";
  for (const [mk, mv] of m) {
    switch (mk.toLowerCase()) {
      case "account":
        account = str(ctx, mv) ?? "";
        break;
      case "subject":
        subject = str(ctx, mv) ?? "";
        break;
      default:
        ctx.unknown(mv, mk);
    }
  }
  return { account, subject };
}

/** parseImportStreamOrService. */
function parseImport(ctx: LoadContext, tk: Token): ParsedStreamImport | ParsedServiceImport | undefined {
  if (tk.kind !== "map") {
    ctx.error(tk, `Import Items should be a map with type entry, got ${goType(tk)}`);
    return undefined;
  }
  let stream: ParsedStreamImport | undefined;
  let service: ParsedServiceImport | undefined;
  let pre = "";
  let to = "";
  let preTk: Token | undefined;
  let toTk: Token | undefined;
  let share = false;
  for (const [mk, mv] of tk.value) {
    switch (mk.toLowerCase()) {
      case "stream":
      case "service": {
        const isStream = mk.toLowerCase() === "stream";
        if (isStream ? service !== undefined : stream !== undefined) {
          ctx.error(mv, isStream ? "Detected stream but already saw a service" : "Detected service but already saw a stream");
          continue;
        }
        if (mv.kind !== "map") {
          ctx.error(mv, `${isStream ? "Stream" : "Service"} entry should be an account map, got ${goType(mv)}`);
          continue;
        }
        const { account, subject } = parseImportSource(ctx, mv.value);
        if (account === "" || subject === "") {
          ctx.error(mv, "Expect an account name and a subject");
          continue;
        }
        if (isStream) stream = { account, subject, to, pre, token: tk };
        else service = { account, subject, to: to || subject, share, token: tk };
        break;
      }
      case "prefix": {
        const s = str(ctx, mv);
        if (s === undefined) continue;
        pre = s;
        preTk = mv;
        if (stream) stream.pre = pre;
        break;
      }
      case "to": {
        const s = str(ctx, mv);
        if (s === undefined) continue;
        to = s;
        toTk = mv;
        if (service) service.to = to;
        if (stream) stream.to = to;
        break;
      }
      case "share": {
        if (mv.kind !== "bool") {
          conversion(ctx, mv, "bool");
          continue;
        }
        share = mv.value;
        if (service) service.share = share;
        break;
      }
      default:
        ctx.unknown(mv, mk);
    }
  }
  if (stream !== undefined && stream.pre !== "" && stream.to !== "") {
    ctx.error(toTk ?? preTk ?? tk, "Stream import can not have a 'prefix' and a 'to' property");
    return undefined;
  }
  return stream ?? service;
}

/** parseAccountMappings (also the top-level `mappings`, which belong to $G). */
export function parseMappings(ctx: LoadContext, tk: Token, out: MappingOptions[]): void {
  if (tk.kind !== "map") {
    conversion(ctx, tk, "map[string]interface {}");
    return;
  }
  for (const [subj, mv] of tk.value) {
    if (!isValidSubject(subj)) {
      ctx.error(tk, `Subject ${JSON.stringify(subj)} is not a valid subject`);
      continue;
    }
    let dests: MappingOptions["destinations"];
    if (mv.kind === "string") {
      dests = [{ subject: mv.value, weight: 100 }];
      try {
        new SubjectMapping(subj, dests);
      } catch (e) {
        ctx.error(mv, `Error adding mapping for ${JSON.stringify(subj)} to ${JSON.stringify(mv.value)} : ${(e as Error).message}`);
        continue;
      }
    } else if (mv.kind === "array" || mv.kind === "map") {
      dests = [];
      let bad = false;
      for (const d of mv.kind === "array" ? mv.value : [mv]) {
        const md = parseMapDest(ctx, d);
        if (md === undefined) bad = true;
        else dests.push(md);
      }
      if (bad) continue;
      try {
        new SubjectMapping(subj, dests);
      } catch {
        // The reference formats this error with v.(string) of a non-string and panics; the panic,
        // at the last value it read, is the message.
        const at = mv.kind === "array" ? (mv.value[mv.value.length - 1] ?? mv) : mv;
        ctx.error(at, `interface conversion: interface {} is ${goType(mv)}, not string`);
        continue;
      }
    } else {
      ctx.error(mv, `Unknown type ${goType(mv)} for mapping destination`);
      continue;
    }
    out.push({ source: subj, destinations: dests });
  }
}

/** parseAccountMapDest. */
function parseMapDest(ctx: LoadContext, tk: Token): MappingOptions["destinations"][number] | undefined {
  if (tk.kind !== "map") {
    ctx.error(tk, "Expected an entry for the mapping destination");
    return undefined;
  }
  const d: MappingOptions["destinations"][number] = { subject: "", weight: 0 };
  let sw = false;
  for (const [k, v] of tk.value) {
    switch (k.toLowerCase()) {
      case "dest":
      case "destination": {
        const s = str(ctx, v);
        if (s === undefined) return undefined;
        d.subject = s;
        break;
      }
      case "weight": {
        let w: number;
        if (v.kind === "string") {
          const ws = v.value.endsWith("%") ? v.value.slice(0, -1) : v.value;
          if (!/^[+-]?[0-9]+$/.test(ws)) {
            ctx.error(v, `Invalid weight ${JSON.stringify(ws)} for mapping destination`);
            return undefined;
          }
          w = Number(ws);
        } else if (v.kind === "integer") {
          w = v.value;
        } else {
          ctx.error(v, `Unknown entry type for weight of ${String(v.value)}\n`);
          return undefined;
        }
        if (w > 100 || w < 0) {
          ctx.error(v, `Invalid weight ${w} for mapping destination`);
          return undefined;
        }
        d.weight = w;
        sw = true;
        break;
      }
      case "cluster": {
        const s = str(ctx, v);
        if (s === undefined) return undefined;
        d.cluster = s;
        break;
      }
      default:
        ctx.error(v, `Unknown field ${JSON.stringify(k)} for mapping destination`);
        return undefined;
    }
  }
  if (!sw) {
    ctx.error(tk, `Missing weight for mapping destination ${JSON.stringify(d.subject)}`);
    return undefined;
  }
  return d;
}

/** parseAccountLimits. */
function parseLimits(ctx: LoadContext, tk: Token): AccountLimits | undefined {
  if (tk.kind !== "map") {
    ctx.error(tk, `Expected account limits to be a map/struct, got ${String(tk.value)}`);
    return undefined;
  }
  const l: AccountLimits = { maxConnections: -1, maxSubscriptions: -1, maxPayload: -1, maxLeafNodes: -1 };
  for (const [k, v] of tk.value) {
    const key = k.toLowerCase();
    let field: keyof AccountLimits | undefined;
    if (key === "max_connections" || key === "max_conn") field = "maxConnections";
    else if (key === "max_subscriptions" || key === "max_subs") field = "maxSubscriptions";
    else if (key === "max_payload" || key === "max_pay") field = "maxPayload";
    else if (key === "max_leafnodes" || key === "max_leafs") field = "maxLeafNodes";
    if (field === undefined) {
      if (!v.usedVariable) ctx.error(v, `Unknown field ${JSON.stringify(k)} parsing account limits`);
      continue;
    }
    if (v.kind !== "integer") {
      conversion(ctx, v, "int64");
      continue;
    }
    l[field] = v.value;
  }
  return l;
}
