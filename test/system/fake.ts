// An InternalClient without a server: it records subscriptions and publishes, and delivers a request to
// the matching subscriptions the way the fan-out would.
import { subjectMatchesFilter } from "../../src/subjects/subject.ts";
import type { InternalClient, InternalHandler } from "../../src/system/system.ts";

export interface Published {
  subject: string;
  reply: string;
  json: Record<string, unknown>;
}

export class FakeInternalClient implements InternalClient {
  readonly subs: { subject: string; handler: InternalHandler }[] = [];
  readonly published: Published[] = [];
  closed = false;

  subscribe(subject: string, handler: InternalHandler): void {
    this.subs.push({ subject, handler });
  }

  publish(subject: string, reply: string, payload: Uint8Array): void {
    this.published.push({ subject, reply, json: JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown> });
  }

  close(): void {
    this.closed = true;
  }

  /** Delivers a message to every matching subscription; returns how many matched. */
  deliver(subject: string, reply: string, body = ""): number {
    const bytes = new TextEncoder().encode(body);
    let n = 0;
    for (const s of this.subs) {
      if (subjectMatchesFilter(subject, s.subject)) {
        s.handler(subject, reply, bytes);
        n++;
      }
    }
    return n;
  }

  /** Delivers a request and waits for the send loop (a microtask) to publish the answers. */
  async request(subject: string, body = "", reply = "_INBOX.r"): Promise<Published[]> {
    const before = this.published.length;
    this.deliver(subject, reply, body);
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    return this.published.slice(before);
  }
}
