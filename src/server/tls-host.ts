// The bridge between a TLSConnection and the core: the server's ClientConnection plays the TLSHost.
// Kept here so client.ts and server.ts only gain a few lines (accept -> TLSConnection, events routed).
import { encodeInfo } from "../protocol/encode.ts";
import type { ClientConnection } from "./client.ts";
import type { ServerInfo } from "../protocol/info.ts";
import type { ReadLoop } from "../conn/readloop.ts";

/** What the bridge needs of the server (server.ts implements it). */
export interface TLSClientServer {
  readonly log: { readonly traceEnabled: boolean };
  readonly loop: ReadLoop;
  clientInfo(client: ClientConnection): ServerInfo;
  admitClient(client: ClientConnection): boolean;
  startClient(client: ClientConnection): void;
}
import type { ConnLog, InfoTLSFlags, TLSHost } from "../transport/tls/state.ts";

export class ClientTLSHost implements TLSHost {
  client!: ClientConnection;
  readonly log: ConnLog;

  constructor(private readonly server: TLSClientServer) {
    this.log = {
      debug: (m) => this.client.debug(m),
      error: (m) => this.client.error(m),
      trace: (m) => {
        if (this.server.log.traceEnabled) this.client.trace(m);
      },
    };
  }

  infoBytes(flags: InfoTLSFlags): Uint8Array {
    const info = this.server.clientInfo(this.client);
    info.tls_required = flags.tlsRequired || undefined;
    info.tls_available = flags.tlsAvailable || undefined;
    return encodeInfo(info);
  }

  admit(): boolean {
    return this.server.admitClient(this.client);
  }

  ready(): void {
    this.server.startClient(this.client);
  }

  data(chunk: Buffer): void {
    this.server.loop.read(this.client, chunk);
  }

  drain(): void {
    this.client.onTransportDrain();
  }

  failed(reason: string): void {
    this.client.closeConnection(reason);
  }

  closed(): void {
    this.client.onTransportClose();
  }
}
