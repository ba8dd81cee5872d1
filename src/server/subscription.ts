// One client subscription, as nats-server's `subscription` struct. The sid's bytes are kept so that
// delivery copies them without encoding a string per message.
import type { Client } from "./client.ts";

export class Subscription {
  /** Messages delivered so far (nm). */
  delivered = 0;
  /** Auto-unsubscribe after this many messages; 0 = no limit. */
  max = 0;
  closed = false;
  readonly sidBytes: Uint8Array;

  constructor(
    readonly client: Client,
    /** latin1 binary string, as received. */
    readonly subject: string,
    readonly queue: string | undefined,
    readonly sid: string,
  ) {
    const b = new Uint8Array(sid.length);
    for (let i = 0; i < sid.length; i++) b[i] = sid.charCodeAt(i);
    this.sidBytes = b;
  }
}
