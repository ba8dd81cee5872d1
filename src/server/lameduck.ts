// Lame duck mode (SIGUSR2, `--signal ldm`), as nats-server v2.9.10 server.go lameDuckMode:
// stop accepting (the listener closes, /healthz turns 503), tell the connected clients with an INFO
// carrying "ldm": true so they can find another server, wait lame_duck_grace_period, then close the
// clients one by one spread over the rest of lame_duck_duration (at most 1s apart, at least half the
// interval, as the reference), and finally shut down. The process then exits 0.
import { ClosedReason } from "../protocol/errors.ts";
import { encodeInfo } from "../protocol/encode.ts";
import type { ClientConnection } from "./client.ts";
import type { Server } from "./server.ts";

/** Resolves when the mode is over (the server shut down), or at once when there is nothing to do. */
export async function lameDuckMode(server: Server): Promise<void> {
  if (server.shuttingDown || server.lameDuckMode) return;
  server.log.notice("Entering lame duck mode, stop accepting new clients");
  server.lameDuckMode = true;
  server.stopAccepting();
  // sendLDMToRoutes: the other members stop advertising us to their clients.
  server.cluster?.enterLameDuckMode();

  const opts = server.opts;
  // A negative grace period is the reference's test hook to exceed the duration; flip it as it does.
  const gp = Math.abs(opts.lameDuckGracePeriod);
  if (server.shuttingDown || server.clients.size === 0) {
    await server.shutdown();
    return;
  }
  let dur = opts.lameDuckDuration - gp;
  if (dur <= 0) dur = 1000;
  const clients = [...server.clients.values()];
  const n = clients.length;
  let batch = 1;
  // Interval between two closes; the reference works in nanoseconds, so "less than 1" there is
  // "less than 1e-6 ms" here: more clients than nanoseconds in the duration.
  let si = dur / n;
  if (si < 1e-6) {
    si = 1e-6;
    batch = Math.floor(n / (dur * 1e6));
  } else if (si > 1000) {
    // No need to spread 10 clients over 2 minutes: at most a second between two.
    si = 1000;
  }
  sendLDMToClients(server, clients);

  // Delay the closing, so that several servers put in lame duck mode together do not push their
  // clients onto each other.
  if (!(await sleepUnlessShutdown(server, gp))) return;
  server.log.notice("Closing existing clients");
  for (let i = 0; i < n; i++) {
    clients[i]!.closeConnection(ClosedReason.serverShutdown);
    server.flushClients();
    if (i === n - 1) break;
    if (batch === 1 || i % batch === 0) {
      // A random interval of at least si/2.
      const v = Math.max(Math.random() * si, si / 2);
      if (!(await sleepUnlessShutdown(server, v))) return;
    }
  }
  await server.shutdown();
}

/**
 * sendLDMToClients: an async INFO with "ldm": true, only to clients that can take async INFOs
 * (protocol >= 1, done with their CONNECT), as sendAsyncInfoToClients.
 */
function sendLDMToClients(server: Server, clients: ClientConnection[]): void {
  for (const c of clients) {
    if (c.closed || !c.connectReceived || c.protocol < 1) continue;
    const info = server.baseInfo();
    info.client_id = c.cid;
    info.client_ip = c.ip;
    info.max_payload = c.parser.maxPayload;
    info.ldm = true;
    c.enqueue(encodeInfo(info));
  }
  server.flushClients();
}

/** Sleep ms; false when the server was shut down meanwhile (the reference's select on quitCh). */
function sleepUnlessShutdown(server: Server, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (server.shuttingDown) done(false);
    }, 50);
    const timer = setTimeout(() => done(true), ms);
    function done(ok: boolean): void {
      clearInterval(poll);
      clearTimeout(timer);
      resolve(ok && !server.shuttingDown);
    }
  });
}
