// The soliciting side of a leaf link over websocket (leafnode.go leafNodeSolicitWSConnection): the
// hub's websocket port is dialed at `/leafnode` (plus the URL's own path), and the NATS byte stream
// rides in binary messages, masked as any websocket client's. Bun's WebSocket client does the
// handshake and the framing (wss:// with TLS); this adapts it to the Transport a connection writes to.
import type { Transport } from "../transport/transport.ts";

/** websocket.go leafNodeWSPath. */
export const LEAF_WS_PATH = "/leafnode";

export class WebsocketClientTransport implements Transport {
  constructor(
    private readonly ws: WebSocket,
    readonly remoteAddress: string,
    readonly remotePort: number,
  ) {}

  /** Bun buffers what the socket does not take at once: everything is accepted. */
  write(bytes: Uint8Array): number {
    if (this.ws.readyState !== WebSocket.OPEN) return bytes.length;
    this.ws.send(bytes);
    return bytes.length;
  }

  end(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
  }

  // The WebSocket client has no flow control to pause: reads keep coming (a leaf link is not throttled).
  pause(): void {}
  resume(): void {}
}

/** The URL dialed for a ws:// or wss:// remote: `/leafnode` first, the remote's path after it. */
export function leafWebsocketURL(scheme: string, hostPort: string, raw: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*(\/.*)?$/.exec(raw);
  let path = m?.[1] ?? "";
  if (path.startsWith("/")) path = path.slice(1);
  return `${scheme}://${hostPort}${LEAF_WS_PATH}${path}`;
}
