// An InternalClient without a server: it records subscriptions and publishes, and delivers a request to
// the matching subscriptions the way the fan-out would.
import { subjectMatchesFilter } from "../../src/subjects/subject.ts";
import type { InternalClient, InternalHandler } from "../../src/system/system.ts";

export interface Published {
  subject: string;
  reply: string;
  json: Record<string, unknown>;
  hdr?: string;
  raw: Uint8Array;
}

export class FakeInternalClient implements InternalClient {
  readonly subs: { subject: string; handler: InternalHandler }[] = [];
  readonly published: Published[] = [];
  closed = false;

  subscribe(subject: string, handler: InternalHandler): void {
    this.subs.push({ subject, handler });
  }

  publish(subject: string, reply: string, payload: Uint8Array, hdr?: Uint8Array): void {
    const h = hdr === undefined ? undefined : new TextDecoder().decode(hdr);
    // A compressed body is kept raw; the JSON is read only from plain ones.
    const plain = h === undefined || h.includes("identity");
    const json = plain ? (JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>) : {};
    this.published.push({ subject, reply, json, hdr: h, raw: payload });
  }

  close(): void {
    this.closed = true;
  }

  /** Delivers a message to every matching subscription; returns how many matched. */
  deliver(subject: string, reply: string, body = "", hdr?: string): number {
    const bytes = new TextEncoder().encode(body);
    const h = hdr === undefined ? undefined : new TextEncoder().encode(hdr);
    let n = 0;
    for (const s of this.subs) {
      if (subjectMatchesFilter(subject, s.subject)) {
        s.handler(subject, reply, h, bytes);
        n++;
      }
    }
    return n;
  }

  /** Delivers a request and waits for the send loop (a microtask) to publish the answers. */
  async request(subject: string, body = "", reply = "_INBOX.r", hdr?: string): Promise<Published[]> {
    const before = this.published.length;
    this.deliver(subject, reply, body, hdr);
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    return this.published.slice(before);
  }
}
