// The login decision, once: from a client's CONNECT credentials (and its nonce and TLS certificate), who
// it is, which account it is bound to and what it may do (auth.go checkAuthentication ->
// processClientOrLeafAuthentication). CONNECT, the no_auth_user path and a config reload all ask here.
import {
  describeAuthFailure,
  permissionCheckerFor,
  type AuthResult,
  type Authenticator,
  type ConnectCredentials,
} from "./authenticator.ts";
import type { PermissionChecker } from "./permissions.ts";
import { toPeerCertInfo } from "./tlsmap.ts";

/** An accepted login: the connz authorized_user, the account's name, and the compiled permissions. */
export interface Login {
  readonly user: string;
  readonly account: string;
  readonly perms: PermissionChecker | undefined;
}

/** The decision: a login, or the failure text authViolation logs (names the user or nkey, never a secret). */
export type LoginOutcome = { readonly login: Login; readonly failure?: undefined } | { readonly login?: undefined; readonly failure: string };

export interface LoginRequest {
  readonly creds: ConnectCredentials;
  readonly nonce: string;
  /** The verified peer certificate, when the transport has one (read only by verify_and_map). */
  readonly peerCertificate?: unknown;
  /** allowed_connection_types vocabulary: "STANDARD" (default) or "WEBSOCKET". */
  readonly connectionType?: string;
}

function outcome(auth: Authenticator, creds: ConnectCredentials, r: AuthResult | null): LoginOutcome {
  if (r === null) return { failure: describeAuthFailure(auth, creds) };
  return { login: { user: r.user, account: r.account, perms: permissionCheckerFor(r) } };
}

/**
 * Judge credentials. bcrypt (~100 ms at cost 11) must not block the event loop: then the answer is a
 * promise. `bcryptCache` shares one comparison between connections with the same credentials (reload).
 */
export function login(
  auth: Authenticator,
  req: LoginRequest,
  bcryptCache?: Map<string, Promise<AuthResult | null>>,
): LoginOutcome | Promise<LoginOutcome> {
  const creds = req.creds;
  // Only verify_and_map reads the certificate; parse it only then.
  const cert = auth.usesTLSMap ? toPeerCertInfo(req.peerCertificate) : undefined;
  const ctx = { connect: creds, nonce: req.nonce, peerCert: cert, connectionType: req.connectionType };
  if (!auth.needsBcrypt(ctx)) return outcome(auth, creds, auth.authenticate(ctx));
  let p: Promise<AuthResult | null> | undefined;
  if (bcryptCache !== undefined) {
    const key = JSON.stringify([creds.user, creds.pass]);
    p = bcryptCache.get(key);
    if (p === undefined) bcryptCache.set(key, (p = auth.authenticateAsync(ctx)));
  } else {
    p = auth.authenticateAsync(ctx);
  }
  return p.then((r) => outcome(auth, creds, r));
}

/** parser.go: with no_auth_user set, a first op other than CONNECT logs in as that user. */
export function loginNoAuthUser(auth: Authenticator): LoginOutcome {
  return outcome(auth, {}, auth.noAuthUserResult());
}
