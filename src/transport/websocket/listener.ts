// The websocket listener: Bun.serve with websocket handlers (websocket.go startWebsocketServer, v2.9.10).
// `fetch` makes the reference's upgrade checks (upgrade.ts), the connection is handed to the host on
// `open`, and Bun's defaults that would decide things NATS decides are turned off: no idle timeout or
// automatic pings (NATS PING/PONG decides staleness), a message size limit well above max_payload plus
// the control line (a bigger PUB is the protocol's -ERR, not a 1009 from Bun), no backpressure limit (Bun
// would drop sends past it; transport.ts keeps Bun's buffer to one message instead).
import type { Server as BunServer } from "bun";
import type { TLSContext } from "../tls/context.ts";
import { OriginChecker } from "./origin.ts";
import { WebsocketTransport, type BnatsWebSocket, type WebsocketConnHandler, type WebsocketData } from "./transport.ts";
import { checkUpgrade, isRefusal, refusalResponse } from "./upgrade.ts";
import type { WebsocketOptions } from "../../options.ts";

export interface WebsocketLog {
  notice(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** What the listener needs from the server. */
export interface WebsocketHost {
  readonly log: WebsocketLog;
  /** A connection is open (101 sent): create its client, which then sends INFO. */
  accept(transport: WebsocketTransport): WebsocketConnHandler;
}

export interface WebsocketListenerConfig {
  opts: WebsocketOptions;
  /** The loaded websocket tls {} block (wss), when configured. */
  tls?: TLSContext;
  /** The largest websocket message accepted (Bun closes with 1009 above it, plus a slack). */
  maxMessage: number;
}

/** Slack over max_payload + control line for the CRLFs and a header block's framing. */
const MESSAGE_SLACK = 64 * 1024;

export class WebsocketListener {
  private server: BunServer<WebsocketData> | undefined;
  private readonly origins: OriginChecker;
  readonly secure: boolean;

  constructor(
    private readonly config: WebsocketListenerConfig,
    private readonly host: WebsocketHost,
  ) {
    this.secure = config.tls !== undefined;
    this.origins = new OriginChecker(config.opts.sameOrigin, config.opts.allowedOrigins, (m) => host.log.error(m));
  }

  /** The bound port (differs from the option when that was -1). */
  get port(): number {
    return this.server?.port ?? this.config.opts.port;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Listens; throws what Bun.serve throws (the caller reports "Unable to listen for websocket connections"). */
  start(): void {
    const { opts, tls } = this.config;
    const host = this.host;
    const origins = this.origins;
    const secure = this.secure;
    const compression = opts.compression;
    const t = opts.handshakeTimeout;
    this.server = Bun.serve<WebsocketData>({
      hostname: opts.host,
      port: opts.port < 0 ? 0 : opts.port,
      // The HTTP read timeout of the upgrade request (handshake_timeout; none by default), in seconds.
      idleTimeout: t > 0 ? Math.min(255, Math.max(1, Math.ceil(t / 1000))) : 0,
      ...(tls ? { tls: tls.bun } : {}),
      fetch(req, server) {
        const r = checkUpgrade(req, origins, { compression, tls: secure });
        const peer = server.requestIP(req);
        if (isRefusal(r)) {
          const addr = peer ? `${peer.address}:${peer.port}` : "";
          host.log.error(`${addr} - websocket handshake error: ${r.reason}`);
          return refusalResponse(r);
        }
        const data: WebsocketData = { upgrade: r, remoteAddress: peer?.address ?? "", remotePort: peer?.port ?? 0 };
        if (server.upgrade(req, { data })) return undefined;
        host.log.error(`${peer ? `${peer.address}:${peer.port}` : ""} - websocket handshake error: upgrade failed`);
        return refusalResponse({ status: 400, reason: "upgrade failed" });
      },
      websocket: {
        idleTimeout: 0,
        sendPings: false,
        maxPayloadLength: this.config.maxMessage + MESSAGE_SLACK,
        backpressureLimit: 0,
        closeOnBackpressureLimit: false,
        perMessageDeflate: compression,
        open(ws: BnatsWebSocket) {
          const transport = new WebsocketTransport(ws);
          ws.data.transport = transport;
          // Bun sends the 101 response and what open() sends in one TCP write. nats-server writes INFO
          // apart from it (wsUpgrade's response, then createWSClient's INFO), and a client that feeds
          // its first read to the handshake parser and drops the leftover (nats-pure.rb) then waits
          // forever for an INFO that came with the 101. So the connection (and its INFO) starts on the
          // next turn of the event loop; messages that come first wait for it, in order.
          const early: Buffer[] = [];
          ws.data.early = early;
          setImmediate(() => {
            if (ws.data.early !== early) return; // closed before its turn
            ws.data.early = undefined;
            const h = host.accept(transport);
            ws.data.handler = h;
            for (const chunk of early) {
              if (ws.data.handler !== h) break;
              h.data(chunk);
            }
          });
        },
        message(ws: BnatsWebSocket, msg: string | Buffer) {
          // Text frames are stream bytes too (the reference treats both opcodes alike).
          const bytes = typeof msg === "string" ? Buffer.from(msg, "utf8") : msg;
          const h = ws.data.handler;
          if (h !== undefined) h.data(bytes);
          else ws.data.early?.push(Buffer.from(bytes));
        },
        drain(ws: BnatsWebSocket) {
          ws.data.handler?.drain();
        },
        close(ws: BnatsWebSocket, code: number, reason: string) {
          ws.data.early = undefined;
          const h = ws.data.handler;
          ws.data.handler = undefined;
          h?.closed(code, reason);
        },
      },
    });
  }

  /** Stop accepting; open websocket connections stay (lame duck mode, shutdown closes them as clients). */
  stop(): void {
    this.server?.stop(false);
    this.server = undefined;
  }
}
