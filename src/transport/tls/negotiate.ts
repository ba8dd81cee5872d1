// The four per-connection TLS modes on one listener, as nats-server's createClient (server.go; 2.10+ for
// handshake_first):
//  1. no `tls {}`: the server never builds a TLSConnection (plain transport);
//  2. TLS required: plaintext INFO with tls_required, then Bun's native upgradeTLS (no byte is read before
//     the handshake, so nothing needs replaying). A client that talks plaintext instead fails the handshake
//     ("tls: first record does not look like a TLS handshake") and is closed without a word, as the reference;
//  3. handshake_first: nothing is sent, the handshake starts at once (native), INFO goes out over TLS. With a
//     fallback delay, the first bytes decide: bytes -> TLS (replayed: they were read), silence -> plaintext INFO
//     and mode 2 (or mode 4 with allow_non_tls);
//  4. allow_non_tls: INFO with tls_available; the first byte decides (0x16 = TLS handshake record); a silent
//     client is treated as plaintext once the TLS timeout passes (server.go: ReadFull with the TLS timeout).
// Every TLS handshake is first counted by the connection_rate_limit counter, and has `tls.timeout` to finish.
import { unmapIPv4 } from "../address.ts";
import type { Socket, SocketHandler } from "bun";
import type * as nodeTls from "node:tls";
import { encodeErr } from "../../protocol/encode.ts";
import { ClosedReason, Err } from "../../protocol/errors.ts";
import { tlsCipherName, tlsVersionName } from "./ciphers.ts";
import type { TLSContext } from "./context.ts";
import { matchesPinnedCert } from "./pinned.ts";
import type { RateCounter } from "./ratelimit.ts";
import { ReplayTLS } from "./replay.ts";
import type { InfoTLSFlags, TLSHost, TLSState, Transport } from "./state.ts";

/** What every TLS connection of a listener shares; rebuilt on reload (new connections use the new one). */
export interface NegotiationConfig {
  readonly ctx: TLSContext;
  readonly allowNonTLS: boolean;
  readonly rateCounter?: RateCounter;
}

const enum State {
  /** Accepted, nothing decided: writes go out in plaintext (INFO, a max_connections -ERR). */
  Initial,
  /** handshake_first with a fallback delay: waiting for the client's first bytes. */
  Fallback,
  /** allow_non_tls: INFO sent, waiting for the first byte. */
  Sniff,
  /** Native upgradeTLS in progress. */
  NativeHandshake,
  /** node:tls replay handshake in progress. */
  ReplayHandshake,
  Native,
  Replay,
  Plain,
  Closed,
}

const TLS_HANDSHAKE_RECORD = 0x16;

/** The handlers of every natively upgraded socket; the connection rides in `socket.data`. */
const NATIVE_HANDLERS: SocketHandler<TLSConnection> = {
  handshake(sock, success, authorizationError) {
    sock.data.onNativeHandshake(sock, success, authorizationError);
  },
  data(sock, chunk) {
    sock.data.onTLSData(chunk);
  },
  drain(sock) {
    sock.data.onTLSDrain();
  },
  close(sock) {
    sock.data.onSocketClosed();
  },
  error(sock, err) {
    sock.data.onSocketError(err);
  },
};

export class TLSConnection implements Transport {
  tls?: TLSState;
  private state: State = State.Initial;
  private timer?: ReturnType<typeof setTimeout>;
  private native?: Socket<TLSConnection>;
  private replay?: ReplayTLS;
  /** TLS came before INFO (handshake_first): INFO goes out over TLS once the handshake is done. */
  private first = false;
  private closedNotified = false;

  constructor(
    private readonly raw: Socket<unknown>,
    private readonly cfg: NegotiationConfig,
    private readonly host: TLSHost,
  ) {}

  get remoteAddress(): string {
    return unmapIPv4(this.raw.remoteAddress);
  }

  get remotePort(): number {
    return this.raw.remotePort;
  }

  /** Starts the negotiation: call from the listener's `open`, once the host (Client) exists. */
  start(): void {
    const { ctx, allowNonTLS } = this.cfg;
    const fallback = ctx.opts.handshakeFirst;
    if (fallback !== 0) {
      // 2.10: no INFO yet; max_connections is still checked before any TLS.
      if (!this.host.admit()) return;
    } else {
      this.sendInfo(allowNonTLS ? { tlsRequired: false, tlsAvailable: true } : { tlsRequired: true, tlsAvailable: false });
      if (!this.host.admit()) return;
    }
    if (fallback > 0) {
      // 2.10 createClient: wait up to the fallback delay for the client's first bytes before sending INFO.
      this.state = State.Fallback;
      this.timer = setTimeout(() => this.onFallbackTimeout(), fallback);
    } else if (fallback < 0) {
      this.first = true;
      this.startNative();
    } else if (allowNonTLS) {
      this.startSniff();
    } else {
      this.startNative();
    }
  }

  // ---- Transport ----

  write(bytes: Uint8Array): number {
    switch (this.state) {
      case State.Native:
        return this.native!.write(bytes);
      case State.Plain:
      case State.Initial:
        return this.raw.write(bytes);
      case State.Replay:
        return this.replay!.write(bytes);
      default:
        // Not negotiated yet (or closed): the caller keeps the bytes; drain() follows ready().
        return 0;
    }
  }

  end(): void {
    const state = this.state;
    if (state === State.Closed) return; // already closed by the negotiation (failure) or an earlier end()
    this.state = State.Closed;
    this.clearTimer();
    if (state === State.Native || state === State.NativeHandshake) this.native!.end();
    else if (state === State.Replay || state === State.ReplayHandshake) this.replay!.end();
    else this.raw.end();
  }

  pause(): void {
    if (this.native) this.native.pause();
    else this.raw.pause();
  }

  resume(): void {
    if (this.native) this.native.resume();
    else this.raw.resume();
  }

  // ---- events from the listener's raw socket handlers ----

  /** A chunk read from the raw socket (ciphertext once TLS is on). */
  rawData(chunk: Buffer): void {
    switch (this.state) {
      case State.Plain:
        this.host.data(chunk);
        return;
      case State.Replay:
      case State.ReplayHandshake:
        this.replay!.rawData(chunk);
        return;
      case State.Sniff:
        this.clearTimer();
        if (chunk.length > 0 && chunk[0] === TLS_HANDSHAKE_RECORD) {
          this.startReplay(chunk);
        } else {
          this.state = State.Plain;
          this.host.ready();
          this.host.data(chunk);
        }
        return;
      case State.Fallback:
        // 2.10: any bytes within the delay mean "TLS first"; the handshake itself checks their content.
        this.clearTimer();
        this.first = true;
        this.startReplay(chunk);
        return;
      default:
        // Native TLS: Bun also shows the raw handlers the ciphertext; it is not ours to parse.
        return;
    }
  }

  rawDrain(): void {
    if (this.state === State.Plain) this.host.drain();
    else this.replay?.rawDrain();
  }

  rawClose(): void {
    if (this.state === State.ReplayHandshake) {
      // node:tls reports the handshake's own error a tick later (nextTick): let it speak first, so the log
      // says why (e.g. no client certificate) rather than "EOF".
      setImmediate(() => {
        this.replay?.rawClose();
        this.onSocketClosed();
      });
      return;
    }
    this.replay?.rawClose();
    this.onSocketClosed();
  }

  // ---- native TLS socket events (NATIVE_HANDLERS) ----

  onNativeHandshake(sock: Socket<TLSConnection>, success: boolean, authorizationError: Error | null): void {
    if (this.state !== State.NativeHandshake) return;
    if (!success) {
      this.handshakeError(describeHandshakeError(authorizationError ?? sock.getAuthorizationError()));
      return;
    }
    if (this.cfg.ctx.verify && !sock.authorized) {
      this.handshakeError(describeHandshakeError(sock.getAuthorizationError()));
      return;
    }
    const peer = (sock.getPeerCertificate() as Partial<nodeTls.DetailedPeerCertificate> | null)?.raw;
    this.secured(State.Native, sock.getTLSVersion(), sock.getCipher()?.name, peer, sock.authorized);
  }

  onTLSData(chunk: Buffer): void {
    if (this.state === State.Native) this.host.data(chunk);
  }

  onTLSDrain(): void {
    if (this.state === State.Native) this.host.drain();
  }

  onSocketError(err: Error): void {
    if (this.state === State.NativeHandshake || this.state === State.ReplayHandshake) {
      this.handshakeError(describeHandshakeError(err));
    } else {
      this.host.log.debug(`TLS error: ${err.message}`);
    }
  }

  onSocketClosed(): void {
    if (this.state === State.NativeHandshake || this.state === State.ReplayHandshake) {
      // The peer left mid-handshake: Go's Handshake() returns EOF -> "TLS Handshake Failure".
      this.handshakeError("EOF");
    }
    this.state = State.Closed;
    this.clearTimer();
    if (!this.closedNotified) {
      this.closedNotified = true;
      this.host.closed();
    }
  }

  // ---- the modes ----

  private sendInfo(flags: InfoTLSFlags): void {
    this.raw.write(this.host.infoBytes(flags));
  }

  private startSniff(): void {
    this.state = State.Sniff;
    this.timer = setTimeout(() => {
      // server.go: ReadFull timed out with nothing read -> not TLS; the client goes on in plaintext.
      if (this.state !== State.Sniff) return;
      this.state = State.Plain;
      this.host.ready();
    }, this.cfg.ctx.timeout);
  }

  private onFallbackTimeout(): void {
    if (this.state !== State.Fallback) return;
    // Silence: send the INFO (with the tls flags of the non-"first" modes) and go on as mode 2 or 4.
    if (this.cfg.allowNonTLS) {
      this.sendInfo({ tlsRequired: false, tlsAvailable: true });
      this.startSniff();
    } else {
      this.sendInfo({ tlsRequired: true, tlsAvailable: false });
      this.startNative();
    }
  }

  /** server.go: the rate limiter is asked before each TLS handshake; over it: -ERR after INFO, close. */
  private rateAllowed(): boolean {
    const rc = this.cfg.rateCounter;
    if (!rc || rc.allow()) return true;
    this.state = State.Closed;
    this.host.log.trace(`->> [-ERR ${Err.connectionThrottling}]`);
    this.raw.write(encodeErr(Err.connectionThrottling));
    this.host.failed(ClosedReason.maxConnectionsExceeded);
    this.raw.end();
    return false;
  }

  private startNative(): void {
    if (!this.rateAllowed()) return;
    this.host.log.debug("Starting TLS client connection handshake");
    this.state = State.NativeHandshake;
    this.startHandshakeTimer();
    try {
      const [, tlsSock] = this.raw.upgradeTLS<TLSConnection>({ data: this, tls: this.cfg.ctx.bun, socket: NATIVE_HANDLERS });
      this.native = tlsSock;
    } catch (err) {
      this.handshakeError((err as Error).message);
    }
  }

  private startReplay(first: Uint8Array): void {
    if (!this.rateAllowed()) return;
    this.host.log.debug("Starting TLS client connection handshake");
    this.state = State.ReplayHandshake;
    this.startHandshakeTimer();
    const { ctx } = this.cfg;
    this.replay = new ReplayTLS(this.raw, ctx.secureContext, ctx.verify, {
      secure: (sock) => this.onReplaySecure(sock),
      data: (chunk) => {
        if (this.state === State.Replay) this.host.data(chunk);
      },
      drain: () => {
        if (this.state === State.Replay) this.host.drain();
      },
      error: (err) => this.onSocketError(err),
      close: () => setImmediate(() => this.onSocketClosed()),
    });
    this.replay.rawData(first);
  }

  private onReplaySecure(sock: nodeTls.TLSSocket): void {
    if (this.state !== State.ReplayHandshake) return;
    if (this.cfg.ctx.verify && !sock.authorized) {
      this.handshakeError(describeHandshakeError(sock.authorizationError));
      return;
    }
    const peer = (sock.getPeerCertificate(false) as Partial<nodeTls.PeerCertificate> | null)?.raw;
    const cipher = sock.getCipher() as nodeTls.CipherNameAndProtocol | null;
    this.secured(State.Replay, sock.getProtocol(), cipher?.name, peer, sock.authorized);
  }

  private secured(next: State, version: string | null, cipher: string | undefined, peer: Uint8Array | undefined, authorized: boolean): void {
    this.clearTimer();
    const peerCert = peer && peer.length > 0 ? new Uint8Array(peer) : undefined;
    if (!matchesPinnedCert(this.cfg.ctx.pinned, peerCert)) {
      this.handshakeError("certificate not pinned");
      return;
    }
    this.tls = {
      version: tlsVersionName(version),
      cipher: tlsCipherName(cipher),
      first: this.first,
      peerCertificate: peerCert,
      authorized,
    };
    this.state = next;
    this.host.log.debug("TLS handshake complete");
    this.host.log.debug(`TLS version ${this.tls.version}, cipher suite ${this.tls.cipher}`);
    if (this.first) {
      // 2.10: "send the INFO if it was delayed", now over TLS.
      this.write(this.host.infoBytes({ tlsRequired: true, tlsAvailable: this.cfg.allowNonTLS }));
    }
    this.host.ready();
    this.host.drain();
  }

  private startHandshakeTimer(): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      if (this.state !== State.NativeHandshake && this.state !== State.ReplayHandshake) return;
      // client.go doTLSHandshake + server.go tlsTimeout: the read deadline fails the handshake, then the
      // timeout logs; the -ERR it queues never reaches the wire (the conn is already closed), so none is sent.
      const local = `${this.raw.localAddress}:${this.raw.localPort}`;
      const remote = `${unmapIPv4(this.raw.remoteAddress)}:${this.raw.remotePort}`;
      this.handshakeError(`read tcp ${local}->${remote}: i/o timeout`);
      this.host.log.error("TLS handshake timeout");
    }, this.cfg.ctx.timeout);
  }

  private handshakeError(msg: string): void {
    if (this.state === State.Closed) return;
    this.state = State.Closed;
    this.clearTimer();
    this.host.log.error(`TLS handshake error: ${msg}`);
    // The reason first: closing the socket may run the close handlers at once ("Client Closed").
    this.host.failed(ClosedReason.tlsHandshakeError);
    if (this.replay) this.replay.destroy();
    else if (this.native) this.native.end();
    else this.raw.end();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

/** The handshake error in Go's crypto/tls words where the reference has one (for the log). */
export function describeHandshakeError(err: Error | string | null | undefined): string {
  if (!err) return "unknown error";
  const code = typeof err === "string" ? "" : String((err as NodeJS.ErrnoException).code ?? "");
  const msg = typeof err === "string" ? err : err.message;
  const text = `${code} ${msg}`;
  if (/PEER_DID_NOT_RETURN_A_CERTIFICATE|CERTIFICATE_REQUIRED/i.test(text)) {
    return "tls: client didn't provide a certificate";
  }
  if (/CERT_HAS_EXPIRED|certificate has expired|CERT_NOT_YET_VALID/i.test(text)) {
    return "tls: failed to verify client certificate: x509: certificate has expired or is not yet valid";
  }
  if (/UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY_LEAF|SELF_SIGNED|unable to (get|verify)|CERTIFICATE_VERIFY_FAILED/i.test(text)) {
    return "tls: failed to verify client certificate: x509: certificate signed by unknown authority";
  }
  if (/HTTP_REQUEST|HTTPS_PROXY_REQUEST|WRONG_VERSION_NUMBER|UNKNOWN_PROTOCOL|WRONG_SSL_VERSION|UNEXPECTED_RECORD/i.test(text)) {
    return "tls: first record does not look like a TLS handshake";
  }
  return msg;
}
