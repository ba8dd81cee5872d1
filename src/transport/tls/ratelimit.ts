// connection_rate_limit: nats-server's rateCounter (rate_counter.go), consulted once per connection that is
// about to start a TLS handshake (server.go createClient). Over the limit, the reference sends
// -ERR 'Connection throttling is active. Please try again later.' (in plaintext, after the INFO) and closes
// with "Maximum Connections Exceeded"; once a second it logs how many it rejected.
import type { Logger } from "../../log.ts";

export class RateCounter {
  private count = 0;
  private blocked = 0;
  private end = 0;
  private timer?: ReturnType<typeof setInterval>;

  constructor(
    readonly limit: number,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** rateCounter.allow(): the first call of a window opens it with count 0, so `limit` calls pass per window. */
  allow(): boolean {
    const now = this.now();
    if (now > this.end) {
      this.count = 0;
      this.end = now + this.intervalMs;
    } else {
      this.count++;
    }
    const allow = this.count < this.limit;
    if (!allow) this.blocked++;
    return allow;
  }

  /** rateCounter.countBlocked(): the number rejected since the last call. */
  countBlocked(): number {
    const n = this.blocked;
    this.blocked = 0;
    return n;
  }

  /**
   * server.go logRejectedTLSConns: a warning each second that had rejections. The logger is asked for
   * each time, since a reload may swap it.
   */
  startLogging(log: () => Logger): void {
    this.stopLogging();
    this.timer = setInterval(() => {
      const n = this.countBlocked();
      if (n > 0) log().warn(`Rejected ${n} connections due to TLS rate limiting`);
    }, 1000);
    this.timer.unref?.();
  }

  stopLogging(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
