// Reads server-sent events from a fetch() response body, one parsed event at a time.

export interface SSEvent {
  event: string;
  data: string;
}

export class EventReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buf = "";

  constructor(res: Response) {
    if (!res.body) throw new Error("no body");
    this.reader = res.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  }

  /** The next event (waits for it); throws when the stream ends first. */
  async next(): Promise<SSEvent> {
    for (;;) {
      const end = this.buf.indexOf("\n\n");
      if (end >= 0) {
        const block = this.buf.slice(0, end);
        this.buf = this.buf.slice(end + 2);
        let event = "message";
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data.push(line.slice(6));
        }
        return { event, data: data.join("\n") };
      }
      const { value, done } = await this.reader.read();
      if (done) throw new Error("event stream ended");
      this.buf += this.decoder.decode(value, { stream: true });
    }
  }

  /** The next event of a kind, skipping others. */
  async nextOf(kind: string): Promise<SSEvent> {
    for (;;) {
      const e = await this.next();
      if (e.event === kind) return e;
    }
  }

  async cancel(): Promise<void> {
    await this.reader.cancel();
  }
}
