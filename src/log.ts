// Placeholder logger contract used by the server; the CLI work replaces the body with consola in
// nats-server's log shape. Keep the interface.
export interface Logger {
  readonly debugEnabled: boolean;
  readonly traceEnabled: boolean;
  notice(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  fatal(msg: string): void;
  debug(msg: string): void;
  trace(msg: string): void;
}
