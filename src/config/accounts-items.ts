// The exports and imports lists of an account (opts.go parseAccountExports, parseAccountImports,
// parseExportStreamOrService, parseServiceLatency, parseImportStreamOrService, parseAccount), with the
// reference's messages; resolved later by accounts-resolve.ts.
import { parseGoDuration } from "../go/duration.ts";
import type { ParsedAccount, ParsedExport, ParsedServiceImport, ParsedStreamImport } from "./accounts-resolve.ts";
import { conversion, goType, str } from "./go-types.ts";
import type { Token } from "./parser.ts";
import type { LoadContext } from "./values.ts";

export function parseExports(ctx: LoadContext, tk: Token, pa: ParsedAccount): void {
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

export function parseImports(ctx: LoadContext, tk: Token, pa: ParsedAccount): void {
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
