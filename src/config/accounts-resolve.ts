// Resolving the exports and imports of the `accounts {}` block once every account is known, as the
// second half of nats-server v2.9.10 opts.go parseAccounts: stream exports, service exports, stream
// imports, service imports, in that order, with accounts.go's checks (addStreamExportWithAccountPos,
// setExportAuth, checkStreamExportApproved/checkServiceExportApproved, checkAuth,
// AddStreamImportWithClaim, AddMappedStreamImportWithClaim, addServiceImportWithClaim,
// addServiceImport, checkStreamImportsForCycles, checkServiceImportsForCycles,
// SetServiceImportSharing, TrackServiceExportWithSampling) and their error texts. Every error is
// reported at the `accounts` value, as the reference does.
//
// Go walks its export maps in random order where several wildcard exports could match one import;
// here the first in file order decides.

import type { AccountOptions, ServiceExportOptions, ServiceResponseType, StreamExportOptions } from "../options.ts";
import { isValidPublishSubject, isValidSubject, subjectHasWildcard, subjectIsLiteral, subjectIsSubsetMatch, subjectsCollide } from "../subjects/subject.ts";
import { SubjectTransform, transformTokenize, transformUntokenize } from "../subjects/transform.ts";
import type { Token } from "./parser.ts";
import type { LoadContext } from "./values.ts";

/** sublist.go ErrInvalidSubject (used by accounts.go). */
const ERR_INVALID_SUBJECT = "sublist: invalid subject";
/** const.go DEFAULT_SERVICE_EXPORT_RESPONSE_THRESHOLD. */
export const DEFAULT_SERVICE_EXPORT_RESPONSE_THRESHOLD = 2 * 60_000;
/** accounts.go MaxAccountCycleSearchDepth. */
const MAX_CYCLE_SEARCH_DEPTH = 1024;

export interface ParsedExport {
  service: boolean;
  subject: string;
  /** undefined = public. */
  accounts: string[] | undefined;
  tokenPos: number;
  responseType?: ServiceResponseType;
  threshold?: number;
  latency?: { sampling: number; subject: string };
  token: Token;
}

export interface ParsedStreamImport {
  account: string;
  subject: string;
  to: string;
  pre: string;
  token: Token;
}

export interface ParsedServiceImport {
  account: string;
  subject: string;
  to: string;
  share: boolean;
  token: Token;
}

export interface ParsedAccount {
  acc: AccountOptions;
  streamExports: ParsedExport[];
  serviceExports: ParsedExport[];
  streamImports: ParsedStreamImport[];
  serviceImports: ParsedServiceImport[];
}

interface ExportAuth {
  approved?: Set<string>;
  accountPos: number;
}

interface ServiceExport extends ExportAuth {
  respType: ServiceResponseType;
  respThresh: number;
  latency?: { sampling: number; subject: string };
}

interface StreamImport {
  acc: Model;
  from: string;
  /** As configured (placeholders kept), for the runtime's transform. */
  to: string;
  prefix?: string;
}

interface ServiceImport {
  acc: Model;
  /** Local subject as configured. */
  from: string;
  /** The exporter's subject. */
  to: string;
  /** from/to as the reference stores them (untokenized), for cycle checks and sharing. */
  sfrom: string;
  sto: string;
  share: boolean;
}

class ResolveError extends Error {}

/** An account while its exports and imports are resolved. */
class Model {
  /** Stream exports; null = public (the reference's nil entry); undefined map = none at all. */
  streams: Map<string, ExportAuth | null> | undefined;
  services: Map<string, ServiceExport> | undefined;
  readonly streamImports: StreamImport[] = [];
  readonly serviceImports = new Map<string, ServiceImport>();
  constructor(readonly name: string) {}

  addStreamExport(subject: string, accounts: Model[] | undefined, pos: number): void {
    this.streams ??= new Map();
    let ea = this.streams.get(subject) ?? null;
    if (accounts !== undefined || pos > 0) {
      ea ??= { accountPos: 0 };
      setExportAuth(ea, subject, accounts, pos);
    }
    this.streams.set(subject, ea);
  }

  addServiceExport(subject: string, rt: ServiceResponseType, accounts: Model[] | undefined, pos: number): void {
    this.services ??= new Map();
    const se: ServiceExport = this.services.get(subject) ?? { accountPos: 0, respType: "Singleton", respThresh: 0 };
    if (rt !== "Singleton") se.respType = rt;
    if (accounts !== undefined || pos > 0) setExportAuth(se, subject, accounts, pos);
    se.respThresh = DEFAULT_SERVICE_EXPORT_RESPONSE_THRESHOLD;
    this.services.set(subject, se);
  }

  getServiceExport(subject: string): ServiceExport | undefined {
    const se = this.services?.get(subject);
    if (se !== undefined) return se;
    for (const [subj, e] of this.services ?? []) if (subjectIsSubsetMatch(subject, subj)) return e;
    return undefined;
  }

  isExportService(subject: string): boolean {
    return this.getServiceExport(subject) !== undefined;
  }

  checkStreamImportAuthorized(importer: Model, subject: string): boolean {
    if (this.streams === undefined || !isValidSubject(subject)) return false;
    if (this.streams.has(subject)) return checkAuth(this.streams.get(subject) ?? null, importer, undefined);
    const tokens = subject.split(".");
    for (const [subj, ea] of this.streams) {
      if (subjectIsSubsetMatch(subject, subj)) return checkAuth(ea, importer, tokens);
    }
    return false;
  }

  checkServiceImportAuthorized(importer: Model, subject: string): boolean {
    if (this.services === undefined) return false;
    const se = this.services.get(subject);
    if (se !== undefined) return checkAuth(se, importer, undefined);
    const tokens = subject.split(".");
    for (const [subj, e] of this.services) {
      if (subjectIsSubsetMatch(subject, subj)) return checkAuth(e, importer, tokens);
    }
    return false;
  }

  hasStreamExportMatching(to: string): boolean {
    for (const subj of this.streams?.keys() ?? []) if (subjectIsSubsetMatch(to, subj)) return true;
    return false;
  }

  checkStreamImportsForCycles(to: string, visited: Set<string>): void {
    if (visited.size >= MAX_CYCLE_SEARCH_DEPTH) throw new ResolveError("search cycle depth exhausted");
    if (!this.hasStreamExportMatching(to)) return;
    for (const si of this.streamImports) {
      const sto = transformUntokenize(si.to).subject;
      if (!subjectsCollide(to, sto)) continue;
      if (visited.has(si.acc.name)) throw new ResolveError("import forms a cycle");
      visited.add(this.name);
      if (subjectIsSubsetMatch(sto, to)) to = sto;
      si.acc.checkStreamImportsForCycles(to, visited);
    }
  }

  checkServiceImportsForCycles(from: string, visited: Set<string>): void {
    if (visited.size >= MAX_CYCLE_SEARCH_DEPTH) throw new ResolveError("search cycle depth exhausted");
    for (const si of this.serviceImports.values()) {
      if (!subjectsCollide(from, si.sto)) continue;
      if (visited.has(si.acc.name)) throw new ResolveError("import forms a cycle");
      visited.add(this.name);
      if (subjectIsSubsetMatch(si.sfrom, from)) from = si.sfrom;
      si.acc.checkServiceImportsForCycles(from, visited);
    }
  }

  /** AddStreamImportWithClaim (with a prefix) / AddMappedStreamImportWithClaim. */
  addStreamImport(exporter: Model, from: string, prefix: string, to: string): void {
    if (!exporter.checkStreamImportAuthorized(this, from)) throw new ResolveError("stream import not authorized");
    if (prefix !== "") {
      if (!subjectIsLiteral(prefix)) throw new ResolveError("stream import prefix can not contain wildcard tokens");
      if (!prefix.endsWith(".")) prefix += ".";
      to = prefix + from;
    }
    if (to === "") to = from;
    exporter.checkStreamImportsForCycles(to, new Set([this.name]));
    if (subjectHasWildcard(from) && to !== from) {
      try {
        SubjectTransform.create(from, transformTokenize(to));
      } catch (e) {
        throw new ResolveError(
          `failed to create mapping transform for stream import subject ${JSON.stringify(from)} to ${JSON.stringify(to)}: ${(e as Error).message}`,
        );
      }
    }
    if (this.streamImports.some((si) => si.acc === exporter && si.from === from)) throw new ResolveError("stream import already exists");
    const si: StreamImport = { acc: exporter, from, to };
    if (prefix !== "") si.prefix = prefix;
    this.streamImports.push(si);
  }

  /** addServiceImportWithClaim + addServiceImport. */
  addServiceImport(exporter: Model, from: string, to: string, share: boolean): void {
    if (to === "") to = from;
    if (!isValidSubject(from) || !isValidSubject(to)) throw new ResolveError(ERR_INVALID_SUBJECT);
    if (!exporter.checkServiceImportAuthorized(this, to)) throw new ResolveError("service import not authorized");
    exporter.checkServiceImportsForCycles(from, new Set([this.name]));
    const dup = this.serviceImports.get(from);
    if (dup !== undefined) {
      throw new ResolveError(
        `duplicate service import subject ${JSON.stringify(from)}, previously used in import for account ${JSON.stringify(dup.acc.name)}, subject ${JSON.stringify(dup.to)}`,
      );
    }
    let sfrom = from;
    let sto = to;
    if (subjectHasWildcard(to) && to !== from) {
      sto = transformUntokenize(to).subject;
      try {
        SubjectTransform.create(sto, transformTokenize(from));
      } catch (e) {
        throw new ResolveError(
          `failed to create mapping transform for service import subject ${JSON.stringify(from)} to ${JSON.stringify(sto)}: ${(e as Error).message}`,
        );
      }
      sfrom = transformUntokenize(from).subject;
    }
    this.serviceImports.set(from, { acc: exporter, from, to, sfrom, sto, share });
  }
}

/** setExportAuth. */
function setExportAuth(ea: ExportAuth, subject: string, accounts: Model[] | undefined, pos: number): void {
  if (pos > 0) {
    const tokens = subject.split(".");
    if (tokens.length < pos || tokens[pos - 1] !== "*") throw new ResolveError(ERR_INVALID_SUBJECT);
  }
  ea.accountPos = pos;
  if (accounts === undefined) return;
  ea.approved ??= new Set();
  for (const a of accounts) ea.approved.add(a.name);
}

/** checkAuth (no JWT activations in config mode). */
function checkAuth(ea: ExportAuth | null, importer: Model, tokens: string[] | undefined): boolean {
  if (ea === null || ((ea.approved === undefined || ea.approved.size === 0) && ea.accountPos === 0)) return true;
  if (ea.accountPos > 0) return tokens !== undefined && ea.accountPos <= tokens.length && tokens[ea.accountPos - 1] === importer.name;
  return ea.approved?.has(importer.name) ?? false;
}

/**
 * The second half of parseAccounts: adds exports, then imports, reporting errors at `tk` (the
 * accounts value), and writes the result into each AccountOptions.
 */
export function resolveExportsAndImports(
  ctx: LoadContext,
  tk: Token,
  accounts: AccountOptions[],
  parsed: ParsedAccount[],
  noSystemAccount: boolean,
): void {
  const models = new Map<string, Model>();
  for (const a of accounts) models.set(a.name, new Model(a.name));
  const fail = (msg: string): void => ctx.error(tk, msg);
  const lookup = (names: string[] | undefined, what: string): Model[] | undefined => {
    if (names === undefined) return undefined;
    const out: Model[] = [];
    for (const n of names) {
      const m = models.get(n);
      if (m === undefined) fail(`${JSON.stringify(n)} account not defined for ${what}`);
      else out.push(m);
    }
    return out;
  };
  const guard = (f: () => void, prefix: string): boolean => {
    try {
      f();
      return true;
    } catch (e) {
      if (!(e instanceof ResolveError)) throw e;
      fail(`${prefix}: ${e.message}`);
      return false;
    }
  };

  for (const pa of parsed) {
    const m = models.get(pa.acc.name)!;
    for (const e of pa.streamExports) {
      const accs = lookup(e.accounts, "stream export");
      guard(() => m.addStreamExport(e.subject, accs, e.tokenPos), `Error adding stream export ${JSON.stringify(e.subject)}`);
    }
  }
  for (const pa of parsed) {
    const m = models.get(pa.acc.name)!;
    for (const e of pa.serviceExports) {
      const accs = lookup(e.accounts, "service export");
      const q = JSON.stringify(e.subject);
      if (!guard(() => m.addServiceExport(e.subject, e.responseType ?? "Singleton", accs, e.tokenPos), `Error adding service export ${q}`)) continue;
      if (e.threshold !== undefined && e.threshold !== 0) {
        const se = m.getServiceExport(e.subject);
        if (se === undefined) {
          fail(`Error adding service export response threshold for ${q}: no export defined for ${q}`);
          continue;
        }
        se.respThresh = e.threshold;
      }
      const lat = e.latency;
      if (lat !== undefined) {
        if (noSystemAccount) {
          fail(`Error adding service latency sampling for ${q}: system account not setup`);
          continue;
        }
        guard(() => {
          if (lat.sampling !== 0 && (lat.sampling < 1 || lat.sampling > 100)) throw new ResolveError("bad sampling percentage, should be 1-100");
          if (!isValidPublishSubject(lat.subject) || m.isExportService(lat.subject)) throw new ResolveError("invalid publish subject");
          const se = m.services?.get(e.subject);
          if (se === undefined) throw new ResolveError("service missing");
          if (se.respType !== "Singleton") throw new ResolveError("bad service response type");
          se.latency = { ...lat };
        }, `Error adding service latency sampling for ${q} on subject ${JSON.stringify(lat.subject)}`);
      }
    }
  }
  for (const pa of parsed) {
    const m = models.get(pa.acc.name)!;
    for (const si of pa.streamImports) {
      const ta = models.get(si.account);
      if (ta === undefined) {
        fail(`${JSON.stringify(si.account)} account not defined for stream import`);
        continue;
      }
      guard(() => m.addStreamImport(ta, si.subject, si.pre, si.to), `Error adding stream import ${JSON.stringify(si.subject)}`);
    }
  }
  for (const pa of parsed) {
    const m = models.get(pa.acc.name)!;
    for (const si of pa.serviceImports) {
      const ta = models.get(si.account);
      if (ta === undefined) {
        fail(`${JSON.stringify(si.account)} account not defined for service import`);
        continue;
      }
      const to = si.to === "" ? si.subject : si.to;
      if (!guard(() => m.addServiceImport(ta, to, si.subject, si.share), `Error adding service import ${JSON.stringify(si.subject)}`)) continue;
      // SetServiceImportSharing looks the import up by account and exporter subject.
      const found = [...m.serviceImports.values()].some((x) => x.acc === ta && x.sto === si.subject);
      if (!found) fail(`Error setting service import sharing ${JSON.stringify(si.subject)}: service import not found`);
    }
  }

  // Write the result back into the options.
  for (const acc of accounts) {
    const m = models.get(acc.name)!;
    acc.streamExports = [...(m.streams ?? [])].map(([subject, ea]): StreamExportOptions => exportOptions(subject, ea));
    acc.serviceExports = [...(m.services ?? [])].map(([subject, se]): ServiceExportOptions => {
      const o: ServiceExportOptions = { ...exportOptions(subject, se), responseType: se.respType, responseThreshold: se.respThresh };
      if (se.latency !== undefined) o.latency = se.latency;
      return o;
    });
    acc.streamImports = m.streamImports.map((si) => {
      const o: AccountOptions["streamImports"][number] = { account: si.acc.name, subject: si.from, to: si.to };
      if (si.prefix !== undefined) o.prefix = si.prefix;
      return o;
    });
    acc.serviceImports = [...m.serviceImports.values()].map((si) => ({ account: si.acc.name, subject: si.to, to: si.from, share: si.share }));
  }
}

function exportOptions(subject: string, ea: ExportAuth | null): StreamExportOptions {
  const o: StreamExportOptions = { subject, accountTokenPosition: ea?.accountPos ?? 0 };
  if (ea?.approved !== undefined) o.approved = [...ea.approved];
  return o;
}
