// What a reload does to the connected clients (reload.go's Apply functions and reloadAuthorization):
// the limits each connection carries, pinned certificates, and the authorization of every client
// judged again with the credentials of its CONNECT. Called by src/server/reload.ts after the diff.
import { Authenticator, type AuthResult, type ConnectCredentials } from "../auth/authenticator.ts";
import { login, type LoginOutcome } from "../auth/login.ts";
import type { NkeyUser, User } from "../options.ts";
import { goQuote } from "../go/quote.ts";
import { ClosedReason, Err, permissionsViolationSubscriptionReload } from "../protocol/errors.ts";
import { matchesPinnedCert } from "../transport/tls/pinned.ts";
import type { ClientConnection } from "./client.ts";
import type { Server } from "./server.ts";

/** maxConnOption: close connections until within the new limit, then log. */
export function applyMaxConnections(server: Server, max: number): void {
  const clients = [...server.clients.values()];
  if (max > 0 && clients.length > max) {
    const n = clients.length - max;
    // The reference closes whichever its map iteration yields (random); close the newest here, so
    // long-lived connections survive a lowered limit.
    const victims = clients.slice(clients.length - n);
    for (const c of victims) {
      c.sendErr(Err.maxConnections);
      c.error(Err.maxConnections);
      c.closeConnection(ClosedReason.maxConnectionsExceeded);
    }
    server.flushClients();
    server.log.notice(`Closed ${victims.length} connections to fall within max_connections`);
  }
  server.log.notice(`Reloaded: max_connections = ${max}`);
}

export function applyMaxControlLine(server: Server, mcl: number): void {
  for (const c of server.clients.values()) c.parser.maxControlLine = mcl;
  server.log.notice(`Reloaded: max_control_line = ${mcl}`);
}

/** maxPayloadOption: the server INFO (read from opts) and each client's parser limit. */
export function applyMaxPayload(server: Server, mp: number): void {
  for (const c of server.clients.values()) c.parser.maxPayload = mp;
  server.log.notice(`Reloaded: max_payload = ${mp}`);
}

/**
 * tlsPinnedCertOption + recheckPinnedCerts: clients whose certificate key is not in the new set are
 * closed (the reference, v2.9.10, compares with the old set there; later versions use the new one,
 * which is what the setting means).
 */
export function applyPinnedCerts(server: Server, pinned: string[] | undefined): void {
  server.log.notice(`Reloaded: ${pinned?.length ?? 0} pinned_certs`);
  if (pinned === undefined || pinned.length === 0) return;
  const set = new Set(pinned.map((p) => p.toLowerCase()));
  const victims: ClientConnection[] = [];
  for (const c of server.clients.values()) {
    const der = c.transport.tls?.peerCertificate;
    if (!matchesPinnedCert(set, der instanceof Uint8Array ? der : undefined)) victims.push(c);
  }
  if (victims.length === 0) return;
  server.log.notice(`Disconnect ${victims.length} clients due to pinned certs reload`);
  for (const c of victims) c.closeConnection(ClosedReason.tlsHandshakeError);
}

/**
 * reloadAuthorization: a new authenticator for new connections, then every connected client is
 * judged again with the credentials of its CONNECT:
 * - one that logged in as a user or nkey that no longer exists is closed (Client Closed; the
 *   reference's clientHasMovedToDifferentAccount, which also holds when no users are configured);
 * - one whose credentials no longer pass gets -ERR 'Authorization Violation' and is closed;
 * - the others get the permissions of the new configuration, and their subscriptions that the
 *   new permissions refuse are removed with an -ERR each (processSubsOnConfigReload).
 */
export async function reloadAuthorization(server: Server): Promise<void> {
  const opts = server.opts;
  const auth = new Authenticator(opts);
  server.auth = auth;
  // Websocket clients are judged by the websocket block's logins (its override, or these users).
  server.websocket?.reloadAuth();
  const users = new Set(opts.users.map((u: User) => u.username));
  const nkeys = new Set(opts.nkeys.map((u: NkeyUser) => u.nkey));
  // bcrypt (~100 ms each) runs off the event loop, once per distinct credentials: a thousand
  // connections of one user cost one comparison, and the other clients keep being served meanwhile.
  const bcrypt = new Map<string, Promise<AuthResult | null>>();
  for (const c of [...server.clients.values()]) {
    if (c.closed) continue;
    const creds: ConnectCredentials = c.credentials ?? {};
    const nkey = creds.nkey ?? "";
    const user = creds.user ?? "";
    const vanished = nkey !== "" ? !nkeys.has(nkey) : user !== "" && !users.has(user);
    if (vanished) {
      c.closeConnection(ClosedReason.clientClosed);
      continue;
    }
    // A client still before its CONNECT is judged when the CONNECT comes.
    if (!c.connectReceived) continue;
    const req = { creds, nonce: c.nonce, peerCertificate: c.transport.tls?.peerCertificate, connectionType: c.connectionType };
    let out = login(server.authFor(c), req, bcrypt);
    if (out instanceof Promise) {
      out = await out;
      // The world moved on while waiting: a newer reload or the client itself.
      if (c.closed || server.auth !== auth) continue;
    }
    const o: LoginOutcome = out;
    if (o.login === undefined) {
      c.authViolation();
      continue;
    }
    // A user now in another account is closed; it reconnects into the new one (clientHasMovedToDifferentAccount).
    if (o.login.account !== c.account.name) {
      c.closeConnection(ClosedReason.clientClosed);
      continue;
    }
    c.applyLogin(o.login);
    recheckSubscriptions(server, c);
  }
  server.flushClients();
}

function recheckSubscriptions(server: Server, c: ClientConnection): void {
  const perms = c.perms;
  if (perms === undefined) return;
  for (const sub of [...c.subs.values()]) {
    const canSub = perms.canSubscribe(sub.subject);
    const canQSub = sub.queue !== undefined && perms.canSubscribe(sub.subject, sub.queue);
    if (canSub || canQSub) continue;
    c.unsubscribe(sub);
    c.sendErr(permissionsViolationSubscriptionReload(sub.subject, sub.sid));
    server.log.notice(`Removed sub ${goQuote(sub.subject)} (sid ${goQuote(sub.sid)}) for ${authUserLabel(c)} - not authorized`);
  }
}

/** getAuthUser: how the reference names a client's identity in logs. */
function authUserLabel(c: ClientConnection): string {
  const creds = c.credentials ?? {};
  if (creds.nkey) return `Nkey ${goQuote(creds.nkey)}`;
  if (creds.user) return `User ${goQuote(creds.user)}`;
  return `User "N/A"`;
}
