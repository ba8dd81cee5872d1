// The bridge between a TLSConnection and the core: the server's Client plays the TLSHost.
// Kept here so client.ts and server.ts only gain a few lines (accept -> TLSConnection, events routed).
import { encodeInfo } from "../protocol/info.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import type { ConnLog, InfoTLSFlags, TLSHost } from "./transport.ts";

export class ClientTLSHost implements TLSHost {
  client!: Client;
  readonly log: ConnLog;

  constructor(private readonly server: Server) {
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
    this.server.feed(this.client, chunk);
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
