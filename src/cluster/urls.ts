// The other members' client URLs (server.go clientConnectURLsMap / websocket.connectURLsMap and
// updateServerINFOAndSendINFOToClients): reference counted, as several routes can name the same URL; a
// change makes the server send an async INFO to its clients. Empty until the first route (the reference
// leaves INFO connect_urls unset until then).

/** What the URL list needs from the server: its own URLs, and a way to tell its clients. */
export interface URLsHost {
  clientConnectURLs(): string[];
  websocketConnectURLs(): string[];
  connectURLsChanged(): void;
}
export class ConnectURLs {
  private readonly peerURLs = new Map<string, number>();
  private readonly peerWsURLs = new Map<string, number>();
  /** connect_urls has been set once. */
  private urlsSet = false;

  constructor(private readonly host: URLsHost) {}

  /** The connect_urls of client INFO: ours and the members', or undefined before any route came. */
  clientConnectURLs(): string[] | undefined {
    if (!this.urlsSet) return undefined;
    return [...this.host.clientConnectURLs(), ...this.peerURLs.keys()];
  }

  /** The connect_urls of a websocket client's INFO (generateClientInfoJSON): the websocket URLs. */
  clientWsConnectURLs(): string[] | undefined {
    if (!this.urlsSet) return undefined;
    return [...this.host.websocketConnectURLs(), ...this.peerWsURLs.keys()];
  }

  add(urls: readonly string[], wsUrls: readonly string[] = []): void {
    let changed = false;
    for (const [map, list] of [[this.peerURLs, urls], [this.peerWsURLs, wsUrls]] as const) {
      for (const u of list) {
        const n = map.get(u) ?? 0;
        map.set(u, n + 1);
        if (n === 0) changed = true;
      }
    }
    if (changed) {
      this.urlsSet = true;
      this.host.connectURLsChanged();
    }
  }

  remove(urls: readonly string[], wsUrls: readonly string[] = []): void {
    let changed = false;
    for (const [map, list] of [[this.peerURLs, urls], [this.peerWsURLs, wsUrls]] as const) {
      for (const u of list) {
        const n = map.get(u);
        if (n === undefined) continue;
        if (n <= 1) {
          map.delete(u);
          changed = true;
        } else map.set(u, n - 1);
      }
    }
    if (changed) {
      this.urlsSet = true;
      this.host.connectURLsChanged();
    }
  }
}
