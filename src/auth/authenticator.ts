// Client authentication, as nats-server v2.9.10 auth.go: configureAuthorization,
// processClientOrLeafAuthentication and comparePasswords, for CLIENT connections.
//
// Built once from Options; `authenticate` is called with the CONNECT credentials. The order of
// checks is the reference's:
//   1. nkey users are configured and CONNECT has `nkey`: that key must be configured, and `sig`
//      must be its signature of the INFO nonce.
//   2. else, users are configured: with verify_and_map the certificate picks the user; otherwise
//      a CONNECT without user/pass/token takes `no_auth_user`, and a CONNECT `user` must name a
//      configured user whose password matches.
//   3. else the single token (`authorization { token }` / --auth), else the single user/password.
// Anything else is refused. Identity only ever comes from verified credentials.

import type * as NodeCrypto from "node:crypto";
// Node built-ins are required on first use: loading one costs a few MB of resident memory (issue 15).
const nodeCrypto = (): typeof NodeCrypto => require("node:crypto") as typeof NodeCrypto;
import { fromPublic } from "@nats-io/nkeys";
import type { NkeyUser, Options, Permissions, User } from "../options.ts";
import { bcryptVerify, bcryptVerifySync, constantTimeEquals, isBcrypt } from "./compare.ts";
import { CompiledPermissions, PermissionChecker } from "./permissions.ts";
import { GLOBAL_ACCOUNT } from "../options.ts";
import { mapCertToUser, type PeerCertInfo } from "./tlsmap.ts";

/** The global account: users outside any `accounts {}` entry are bound to it (assignGlobalAccountToOrphanUsers). */
export { GLOBAL_ACCOUNT };

/** nkey.go nonceRawLen: 11 random bytes, base64url without padding = 15 characters. */
const NONCE_RAW_LEN = 11;

/** Shown in place of a token wherever the reference would show the client's credential. */
export const REDACTED = "[REDACTED]";

/** The CONNECT fields that carry credentials (JSON names of the reference's ClientOpts). */
export interface ConnectCredentials {
  user?: string;
  pass?: string;
  auth_token?: string;
  nkey?: string;
  sig?: string;
  jwt?: string;
}

export interface AuthContext {
  connect: ConnectCredentials;
  /** The nonce sent in this connection's INFO (empty when none was sent). */
  nonce?: string;
  /** The verified peer certificate, for verify_and_map (provided by the TLS layer). */
  peerCert?: PeerCertInfo;
  /** allowed_connection_types vocabulary: "STANDARD" for plain NATS clients. */
  connectionType?: string;
}

export type AuthMethod = "none" | "nkey" | "user" | "no_auth_user" | "tls_map" | "token" | "single_user";

export interface AuthResult {
  /** The identity shown as connz `authorized_user`: user name, nkey public key, or [REDACTED] for a token. */
  user: string;
  /** The account the client is bound to: the user's account, else the global account. */
  account: string;
  method: AuthMethod;
  /** The user's permissions (after default_permissions), when it has any. */
  permissions?: Permissions;
  /** The same, compiled and shared by all connections of that user. */
  compiled?: CompiledPermissions;
}

/** A check that still needs a bcrypt comparison before it can succeed. */
interface PendingBcrypt {
  hash: string;
  password: string;
  result: AuthResult;
}

type Decision = AuthResult | null | PendingBcrypt;

function isPending(d: Decision): d is PendingBcrypt {
  return d !== null && "hash" in d;
}

/** Why a login failed, for the server log (authViolation of client.go), never with secrets. */
export function describeAuthFailure(a: Authenticator, connect: ConnectCredentials): string {
  const base = "authentication error";
  if (a.hasNkeys) return `${base} - Nkey ${JSON.stringify(connect.nkey ?? "")}`;
  if (a.hasUsers) return `${base} - User ${JSON.stringify(connect.user ?? "")}`;
  return base;
}

/**
 * Decode a nonce signature: base64 raw URL encoding, falling back to standard base64 with padding
 * (as processClientOrLeafAuthentication). Strict about the alphabet, so garbage is refused rather
 * than decoded leniently.
 */
export function decodeSignature(sig: string): Uint8Array | null {
  if (/^[A-Za-z0-9_-]*$/.test(sig) && sig.length % 4 !== 1) return new Uint8Array(Buffer.from(sig, "base64url"));
  if (/^[A-Za-z0-9+/]*={0,2}$/.test(sig) && sig.length % 4 === 0) return new Uint8Array(Buffer.from(sig, "base64"));
  return null;
}

export function generateNonce(): string {
  return nodeCrypto().randomBytes(NONCE_RAW_LEN).toString("base64url");
}

interface UserEntry {
  user: User;
  compiled?: CompiledPermissions;
  permissions?: Permissions;
}

interface NkeyEntry {
  nkey: NkeyUser;
  compiled?: CompiledPermissions;
  permissions?: Permissions;
}

function allowedType(types: readonly string[] | undefined, ct: string): boolean {
  if (types === undefined || types.length === 0) return true;
  return types.some((t) => t.toUpperCase() === ct);
}

export class Authenticator {
  private readonly users = new Map<string, UserEntry>();
  private readonly nkeys = new Map<string, NkeyEntry>();
  private readonly username: string;
  private readonly password: string;
  private readonly token: string;
  private readonly noAuthUser: string;
  private readonly tlsMap: boolean;
  private readonly authRequired: boolean;

  constructor(opts: Pick<Options, "username" | "password" | "authorization" | "users" | "nkeys" | "noAuthUser" | "defaultPermissions" | "tls">) {
    // default_permissions apply to listed users and nkeys that have none (applyDefaultPermissions).
    const def = opts.defaultPermissions;
    // Users sharing one permissions object share one compiled checker.
    const compiledBySource = new Map<Permissions, CompiledPermissions>();
    const compile = (p: Permissions): CompiledPermissions => {
      let c = compiledBySource.get(p);
      if (c === undefined) compiledBySource.set(p, (c = new CompiledPermissions(p)));
      return c;
    };
    // Users of an account got that account's default_permissions from the config instead.
    for (const u of opts.users) {
      const p = u.permissions ?? (u.account === undefined ? def : undefined);
      this.users.set(u.username, p ? { user: u, permissions: compile(p).source, compiled: compile(p) } : { user: u });
    }
    for (const n of opts.nkeys) {
      const p = n.permissions ?? (n.account === undefined ? def : undefined);
      this.nkeys.set(n.nkey, p ? { nkey: n, permissions: compile(p).source, compiled: compile(p) } : { nkey: n });
    }
    this.username = opts.username;
    this.password = opts.password;
    this.token = opts.authorization;
    this.noAuthUser = opts.noAuthUser;
    this.tlsMap = opts.tls?.map === true;
    // configureAuthorization: any users/nkeys, or a single user or token, require auth.
    this.authRequired = this.users.size > 0 || this.nkeys.size > 0 || this.username !== "" || this.token !== "";
  }

  get hasUsers(): boolean {
    return this.users.size > 0;
  }

  /** verify_and_map: the peer certificate picks the user. */
  get usesTLSMap(): boolean {
    return this.tlsMap && this.users.size > 0;
  }

  get hasNkeys(): boolean {
    return this.nkeys.size > 0;
  }

  /**
   * checkAuthforWarnings: a plain-text password configured (single user or users list; a
   * certificate-mapped user without password does not count).
   */
  hasPlaintextPasswords(): boolean {
    if (this.password !== "" && !isBcrypt(this.password)) return true;
    for (const e of this.users.values()) {
      if (e.user.password === "" && this.tlsMap) continue;
      if (!isBcrypt(e.user.password)) return true;
    }
    return false;
  }

  /** s.info.AuthRequired: the auth timer runs and /varz shows auth_required. */
  requiresAuth(): boolean {
    return this.authRequired;
  }

  /**
   * The `auth_required` of the INFO sent to a client: false when no_auth_user is set, since such a
   * client may connect without credentials (createClient of server.go).
   */
  infoAuthRequired(): boolean {
    return this.authRequired && this.noAuthUser === "";
  }

  /** nonceRequired: a nonce goes in INFO when nkey users are configured. */
  needsNonce(): boolean {
    return this.nkeys.size > 0;
  }

  /**
   * The parser's no_auth_user shortcut: when auth is required and a client's first operation is
   * not CONNECT, a configured no_auth_user logs it in (telnet-style use); else null (violation).
   */
  noAuthUserResult(): AuthResult | null {
    if (this.noAuthUser === "") return null;
    const e = this.users.get(this.noAuthUser);
    if (e === undefined) return null;
    return this.userResult(e, "no_auth_user");
  }

  /** Synchronous check; a bcrypt comparison blocks the event loop for the hash's cost. */
  authenticate(ctx: AuthContext): AuthResult | null {
    const d = this.decide(ctx);
    if (!isPending(d)) return d;
    return bcryptVerifySync(d.hash, d.password) ? d.result : null;
  }

  /** The same check with the bcrypt comparison off the event loop. */
  async authenticateAsync(ctx: AuthContext): Promise<AuthResult | null> {
    const d = this.decide(ctx);
    if (!isPending(d)) return d;
    return (await bcryptVerify(d.hash, d.password)) ? d.result : null;
  }

  /** True when authenticate(ctx) would need a bcrypt comparison (the client may then go async). */
  needsBcrypt(ctx: AuthContext): boolean {
    return isPending(this.decide(ctx, true));
  }

  private userResult(e: UserEntry, method: AuthMethod): AuthResult {
    const r: AuthResult = { user: e.user.username, account: e.user.account ?? GLOBAL_ACCOUNT, method };
    if (e.compiled) {
      r.permissions = e.permissions;
      r.compiled = e.compiled;
    }
    return r;
  }

  /** comparePasswords, deferring bcrypt to the caller. */
  private compare(server: string, client: string, ok: AuthResult): Decision {
    if (isBcrypt(server)) return { hash: server, password: client, result: ok };
    return constantTimeEquals(server, client) ? ok : null;
  }

  private decide(ctx: AuthContext, dryRun = false): Decision {
    const c = ctx.connect;
    const user = c.user ?? "";
    const pass = c.pass ?? "";
    const tok = c.auth_token ?? "";
    const nk = c.nkey ?? "";
    const ct = ctx.connectionType ?? "STANDARD";

    if (!this.authRequired) {
      // Nothing to verify; connz still shows what the client called itself (getRawAuthUser),
      // except that a token is never shown.
      return { user: nk || user || (tok ? REDACTED : ""), account: GLOBAL_ACCOUNT, method: "none" };
    }

    if (this.nkeys.size > 0 && nk !== "") {
      const e = this.nkeys.get(nk);
      if (e === undefined || !allowedType(e.nkey.allowedConnectionTypes, ct)) return null;
      if (dryRun) return null;
      if (!this.verifyNonceSignature(nk, ctx.nonce ?? "", c.sig ?? "")) return null;
      const r: AuthResult = { user: nk, account: e.nkey.account ?? GLOBAL_ACCOUNT, method: "nkey" };
      if (e.compiled) {
        r.permissions = e.permissions;
        r.compiled = e.compiled;
      }
      return r;
    }

    if (this.users.size > 0) {
      if (this.tlsMap) {
        if (ctx.peerCert === undefined) return null;
        const eligible: string[] = [];
        for (const [name, e] of this.users) if (allowedType(e.user.allowedConnectionTypes, ct)) eligible.push(name);
        const name = mapCertToUser(ctx.peerCert, eligible);
        if (name === null) return null;
        const e = this.users.get(name)!;
        // As the reference, the mapped user's configured password (normally none) must still match.
        return this.compare(e.user.password, pass, this.userResult(e, "tls_map"));
      }
      if (this.noAuthUser !== "" && user === "" && pass === "" && tok === "") {
        const e = this.users.get(this.noAuthUser);
        // The reference copies the user's password into the CONNECT and compares it with itself,
        // which fails for a bcrypt hash; the configured no_auth_user is trusted as such here.
        if (e !== undefined && allowedType(e.user.allowedConnectionTypes, ct)) return this.userResult(e, "no_auth_user");
        return null;
      }
      if (user !== "") {
        const e = this.users.get(user);
        if (e === undefined || !allowedType(e.user.allowedConnectionTypes, ct)) return null;
        return this.compare(e.user.password, pass, this.userResult(e, "user"));
      }
      // No user: fall through to the single token / user checks, as the reference.
    }

    if (this.token !== "") {
      return this.compare(this.token, tok, { user: REDACTED, account: GLOBAL_ACCOUNT, method: "token" });
    }
    if (this.username !== "") {
      if (!constantTimeEquals(this.username, user)) return null;
      return this.compare(this.password, pass, { user: this.username, account: GLOBAL_ACCOUNT, method: "single_user" });
    }
    return null;
  }

  private verifyNonceSignature(nkey: string, nonce: string, sig: string): boolean {
    // "Signature missing"; an empty nonce can never have been signed for this connection.
    if (sig === "" || nonce === "") return false;
    const raw = decodeSignature(sig);
    if (raw === null) return false;
    try {
      return fromPublic(nkey).verify(new TextEncoder().encode(nonce), raw);
    } catch {
      return false;
    }
  }
}

/** A connection's permission checker for an AuthResult, or undefined when unrestricted. */
export function permissionCheckerFor(r: AuthResult): PermissionChecker | undefined {
  return r.compiled ? new PermissionChecker(r.compiled) : undefined;
}
