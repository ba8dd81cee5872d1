// The `authorization {}` block, its users and permissions: nats-server's parseAuthorization,
// parseUsers, parseUserPermissions, parseVariablePermissions, parseAllowResponses (opts.go, v2.9.10),
// with the reference's messages.

import { fromPublic } from "@nats-io/nkeys";
import type { NkeyUser, Permissions, ResponsePermission, SubjectPermission, User } from "../options.ts";
import { isValidSubject } from "../subjects/subject.ts";
import type { Token } from "./parser.ts";
import { parseGoDuration } from "../go/duration.ts";
import { describe, getString, getStringArray, type LoadContext } from "./values.ts";
import { goType } from "./go-types.ts";

/** nats-server DEFAULT_ALLOW_RESPONSE_MAX_MSGS / DEFAULT_ALLOW_RESPONSE_EXPIRATION. */
const DEFAULT_RESPONSE_MAX = 1;
const DEFAULT_RESPONSE_EXPIRES = 2 * 60_000;

/** The connection types jwt/v2 knows (convertAllowedConnectionTypes). */
const CONNECTION_TYPES = new Set(["STANDARD", "WEBSOCKET", "LEAFNODE", "LEAFNODE_WS", "MQTT", "MQTT_WS"]);

export interface Authorization {
  user: string;
  pass: string;
  token: string;
  /** ms; undefined when not given. */
  timeout?: number;
  /** undefined when the block has no `users` key (as the reference's nil slice). */
  users?: User[];
  nkeys: NkeyUser[];
  defaultPermissions?: Permissions;
}

export function parseAuthorization(ctx: LoadContext, tk: Token): Authorization | undefined {
  if (tk.kind !== "map") {
    ctx.error(tk, `error parsing authorization: expected a map, got ${describe(tk)}`);
    return undefined;
  }
  const auth: Authorization = { user: "", pass: "", token: "", nkeys: [] };
  for (const [mk, mv] of tk.value) {
    switch (mk.toLowerCase()) {
      case "user":
      case "username":
        auth.user = getString(ctx, mk, mv) ?? "";
        break;
      case "pass":
      case "password":
        auth.pass = getString(ctx, mk, mv) ?? "";
        break;
      case "token":
        auth.token = getString(ctx, mk, mv) ?? "";
        break;
      case "timeout":
        // Seconds, fractions allowed. The reference turns any other type into 1s; a duration
        // string is more likely meant literally, so it is honoured here.
        if (mv.kind === "integer" || mv.kind === "float") auth.timeout = mv.value * 1000;
        else if (mv.kind === "string") {
          try {
            auth.timeout = parseGoDuration(mv.value);
          } catch (e) {
            ctx.error(mv, `error parsing authorization timeout: ${(e as Error).message}`);
          }
        } else ctx.error(mv, `error parsing authorization timeout: expected seconds, got ${describe(mv)}`);
        break;
      case "users": {
        const r = parseUsers(ctx, mv);
        if (r !== undefined) {
          auth.users = r.users;
          auth.nkeys = r.nkeys;
        }
        break;
      }
      case "default_permission":
      case "default_permissions":
      case "permissions":
        auth.defaultPermissions = parseUserPermissions(ctx, mv);
        break;
      default:
        ctx.unknown(mv, mk);
    }
  }
  // As applyDefaultPermissions: users without their own permissions get the defaults.
  if (auth.defaultPermissions !== undefined) {
    for (const u of auth.users ?? []) u.permissions ??= auth.defaultPermissions;
    for (const u of auth.nkeys) u.permissions ??= auth.defaultPermissions;
  }
  return auth;
}

export function parseUsers(ctx: LoadContext, tk: Token): { users: User[]; nkeys: NkeyUser[] } | undefined {
  if (tk.kind !== "array") {
    ctx.error(tk, `Expected users field to be an array, got ${describe(tk)}`);
    return undefined;
  }
  const users: User[] = [];
  const nkeys: NkeyUser[] = [];
  for (const u of tk.value) {
    if (u.kind !== "map") {
      ctx.error(u, `Expected user entry to be a map/struct, got ${describe(u)}`);
      continue;
    }
    let nkey = "";
    let username = "";
    let password = "";
    let perms: Permissions | undefined;
    let cts: string[] | undefined;
    for (const [k, v] of u.value) {
      switch (k.toLowerCase()) {
        case "nkey":
          nkey = getString(ctx, k, v) ?? "";
          break;
        case "user":
        case "username":
          username = getString(ctx, k, v) ?? "";
          break;
        case "pass":
        case "password":
          password = getString(ctx, k, v) ?? "";
          break;
        case "permission":
        case "permissions":
        case "authorization":
          perms = parseUserPermissions(ctx, v);
          break;
        case "allowed_connection_types":
        case "connection_types":
        case "clients":
          cts = parseAllowedConnectionTypes(ctx, v);
          break;
        default:
          ctx.unknown(v, k);
      }
    }
    if (nkey === "" && username === "") {
      ctx.error(u, "User entry requires a user");
      return undefined;
    }
    if (nkey !== "") {
      if (!isValidPublicUserKey(nkey)) {
        ctx.error(u, "Not a valid public nkey for a user");
        return undefined;
      }
      if (username !== "" || password !== "") {
        ctx.error(u, "Nkey users do not take usernames or passwords");
        return undefined;
      }
      const nu: NkeyUser = { nkey };
      if (perms !== undefined) nu.permissions = perms;
      if (cts !== undefined) nu.allowedConnectionTypes = cts;
      nkeys.push(nu);
    } else {
      const user: User = { username, password };
      if (perms !== undefined) user.permissions = perms;
      if (cts !== undefined) user.allowedConnectionTypes = cts;
      users.push(user);
    }
  }
  return { users, nkeys };
}

export function isValidPublicUserKey(key: string): boolean {
  if (!key.startsWith("U")) return false;
  try {
    fromPublic(key);
    return true;
  } catch {
    return false;
  }
}

function parseAllowedConnectionTypes(ctx: LoadContext, tk: Token): string[] | undefined {
  const cts = getStringArray(ctx, "allowed connection types", tk);
  if (cts === undefined) return undefined;
  const upper = cts.map((c) => c.toUpperCase());
  const unknown = upper.filter((c) => !CONNECTION_TYPES.has(c));
  if (unknown.length > 0) {
    ctx.error(tk, `invalid connection types [${unknown.map((c) => JSON.stringify(c)).join(" ")}]`);
  }
  return upper.filter((c) => CONNECTION_TYPES.has(c));
}

export function parseUserPermissions(ctx: LoadContext, tk: Token): Permissions | undefined {
  if (tk.kind !== "map") {
    ctx.error(tk, `Expected permissions to be a map/struct, got ${describe(tk)}`);
    return undefined;
  }
  const p: Permissions = {};
  for (const [k, v] of tk.value) {
    switch (k.toLowerCase()) {
      // For routes, import is publish and export is subscribe (accepted for users too, as the reference).
      case "pub":
      case "publish":
      case "import": {
        const sp = parseVariablePermissions(ctx, v);
        if (sp !== null) p.publish = sp;
        break;
      }
      case "sub":
      case "subscribe":
      case "export": {
        const sp = parseVariablePermissions(ctx, v);
        if (sp !== null) p.subscribe = sp;
        break;
      }
      case "publish_allow_responses":
      case "allow_responses": {
        let rp: ResponsePermission | undefined;
        if (v.kind === "bool") {
          if (v.value) rp = { max: DEFAULT_RESPONSE_MAX, expires: DEFAULT_RESPONSE_EXPIRES };
        } else {
          rp = parseAllowResponses(ctx, v);
        }
        if (rp !== undefined) {
          p.response = rp;
          // As the reference: allow_responses turns off the blanket publish allow.
          p.publish ??= {};
          p.publish.allow ??= [];
        }
        break;
      }
      default:
        if (!v.usedVariable) ctx.error(v, `Unknown field ${JSON.stringify(k)} parsing permissions`);
    }
  }
  return p;
}

/**
 * A map with allow/deny (an empty map is no permission: null), or the old style: a subject or a
 * list of subjects, which means allow. undefined on error.
 */
function parseVariablePermissions(ctx: LoadContext, tk: Token): SubjectPermission | null | undefined {
  if (tk.kind === "map") {
    if (tk.value.size === 0) return null;
    const sp: SubjectPermission = {};
    for (const [k, v] of tk.value) {
      switch (k.toLowerCase()) {
        case "allow": {
          const s = parsePermSubjects(ctx, v);
          if (s !== undefined) sp.allow = s;
          break;
        }
        case "deny": {
          const s = parsePermSubjects(ctx, v);
          if (s !== undefined) sp.deny = s;
          break;
        }
        default:
          if (!v.usedVariable) {
            ctx.error(
              v,
              `Unknown field name ${JSON.stringify(k)} parsing subject permissions, only 'allow' or 'deny' are permitted`,
            );
          }
      }
    }
    return sp;
  }
  const allow = parsePermSubjects(ctx, tk);
  return allow === undefined ? undefined : { allow };
}

/** parsePermSubjects: a subject or an array of subjects, each valid (also leafnodes deny lists). */
export function parsePermSubjects(ctx: LoadContext, tk: Token): string[] | undefined {
  let subjects: string[];
  if (tk.kind === "string") subjects = [tk.value];
  else if (tk.kind === "array") {
    subjects = [];
    for (const v of tk.value) {
      if (v.kind !== "string") {
        ctx.error(v, "Subject in permissions array cannot be cast to string");
        return undefined;
      }
      subjects.push(v.value);
    }
  } else {
    ctx.error(tk, `Expected subject permissions to be a subject, or array of subjects, got ${goType(tk)}`);
    return undefined;
  }
  // As checkPermSubjectArray: a valid subject, or a queue-qualified one ("subject queue").
  for (const s of subjects) {
    if (isValidSubject(s)) continue;
    const elements = s.split(/\s+/).filter((e) => e !== "");
    if (elements.length !== 2) {
      ctx.error(tk, `subject ${JSON.stringify(s)} is not a valid subject`);
      return undefined;
    }
    if (!isValidSubject(elements[0] as string)) {
      ctx.error(tk, `subject ${JSON.stringify(elements[0])} is not a valid subject`);
      return undefined;
    }
  }
  return subjects;
}

function parseAllowResponses(ctx: LoadContext, tk: Token): ResponsePermission | undefined {
  if (tk.kind !== "map") {
    ctx.error(tk, "error parsing response permissions, expected a boolean or a map");
    return undefined;
  }
  const rp: ResponsePermission = { max: DEFAULT_RESPONSE_MAX, expires: DEFAULT_RESPONSE_EXPIRES };
  for (const [k, v] of tk.value) {
    switch (k.toLowerCase()) {
      case "max":
      case "max_msgs":
      case "max_messages":
      case "max_responses":
        if (v.kind !== "integer") {
          ctx.error(v, `error parsing ${k}: expected an integer, got ${describe(v)}`);
          return undefined;
        }
        // Negative means unlimited; 0 keeps the default (as the reference).
        if (v.value !== 0) rp.max = v.value;
        break;
      case "expires":
      case "expiration":
      case "ttl": {
        if (v.kind !== "string") {
          ctx.error(v, "error parsing expires, not a duration string");
          return undefined;
        }
        let ttl: number;
        try {
          ttl = parseGoDuration(v.value);
        } catch (e) {
          ctx.error(v, `error parsing expires: ${(e as Error).message}`);
          return undefined;
        }
        if (ttl !== 0) rp.expires = ttl;
        break;
      }
      default:
        if (!v.usedVariable) ctx.error(v, `Unknown field ${JSON.stringify(k)} parsing permissions`);
    }
  }
  return rp;
}
