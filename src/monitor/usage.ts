// Process usage for /varz, as nats-server's pse package: `cpu` is the percent of one core used over the
// last one-second window (sampled every second in the background, one decimal), `mem` the RSS in bytes.

export class ProcessUsage {
  private lastCpuMicros = 0;
  private lastWallMs = 0;
  private pcpu = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly intervalMs = 1000) {}

  /** Starts the periodic sampling (pse.periodic); the timer never keeps the process alive. */
  start(): void {
    if (this.timer) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes a sample now; the percent covers the time since the previous sample. */
  sample(): void {
    const cpu = process.cpuUsage();
    const micros = cpu.user + cpu.system;
    const wall = performance.now();
    if (this.lastWallMs > 0) {
      const dWallMicros = (wall - this.lastWallMs) * 1000;
      if (dWallMicros > 0) {
        // pse: (ticks * 1000 / hz) / seconds, then / 10 -> one decimal of percent.
        this.pcpu = Math.floor(((micros - this.lastCpuMicros) / dWallMicros) * 1000) / 10;
      }
    }
    this.lastCpuMicros = micros;
    this.lastWallMs = wall;
  }

  /** Percent CPU over the last window (0 before the second sample). Always a number. */
  get cpu(): number {
    return this.pcpu;
  }

  /** Resident set size in bytes. */
  get rss(): number {
    return process.memoryUsage.rss();
  }
}
