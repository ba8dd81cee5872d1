// The `accounts {}` block: nats-server v2.9.10 opts.go parseAccounts and parseAccountLimits, with the
// reference's messages and positions (exports and imports: accounts-items.ts; mappings: mappings.ts). Exports and imports are resolved (authorization, cycles,
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
import { GLOBAL_ACCOUNT, type AccountLimits, type AccountOptions, type NkeyUser, type Options, type Permissions, type User } from "../options.ts";
import { parseExports, parseImports } from "./accounts-items.ts";
import { resolveExportsAndImports, type ParsedAccount } from "./accounts-resolve.ts";
import { parseUserPermissions, parseUsers } from "./auth.ts";
import { conversion, str } from "./go-types.ts";
import { parseMappings } from "./mappings.ts";
import type { Token } from "./parser.ts";
import type { LoadContext } from "./values.ts";

export { parseMappings } from "./mappings.ts";

/** accounts.go globalAccountName. */
export const GLOBAL_ACCOUNT_NAME = GLOBAL_ACCOUNT;

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
