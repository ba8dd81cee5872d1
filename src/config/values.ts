// Typed access to parsed configuration values, collecting errors and warnings the way nats-server's
// processConfigFileLine does (every error of the file is gathered, then reported together).
// Where the reference panics on a wrong type ("interface conversion: interface {} is string, not
// int64"), the message here says the same thing in words and names the key.

import { ConfigError, type Token } from "./parser.ts";
import { parseGoDuration } from "../go/duration.ts";

export class LoadContext {
  readonly errors: ConfigError[] = [];
  /** The reference's warnings (`nats-server -t` fails on them). */
  readonly warnings: string[] = [];
  /** bnats notes: keys accepted but not acted on. */
  readonly notes: string[] = [];

  error(tk: Token, reason: string): void {
    this.errors.push(new ConfigError(reason, tk));
  }

  /** As nats-server's configWarningErr: "file:line:col: invalid use of field "x": reason". */
  warn(tk: Token, field: string, reason: string): void {
    this.warnings.push(`${tk.file}:${tk.line}:${tk.pos}: invalid use of field ${JSON.stringify(field)}: ${reason}`);
  }

  /** A note about a key bnats accepts but does not act on. */
  note(tk: Token, message: string): void {
    this.notes.push(`${tk.file}:${tk.line}:${tk.pos}: ${message}`);
  }

  /** As nats-server's unknownConfigFieldErr; values used as $variables are never unknown. */
  unknown(tk: Token, field: string): void {
    if (!tk.usedVariable) this.error(tk, `unknown field ${JSON.stringify(field)}`);
  }
}

/** "a string ("x")", "an integer (5)", ... for messages. */
export function describe(tk: Token): string {
  switch (tk.kind) {
    case "string":
      return `a string (${JSON.stringify(tk.value)})`;
    case "integer":
      return `an integer (${tk.value})`;
    case "float":
      return `a float (${tk.value})`;
    case "bool":
      return `a boolean (${tk.value})`;
    case "datetime":
      return `a date (${tk.value.toISOString()})`;
    case "array":
      return "an array";
    case "map":
      return "a map";
  }
}

function wrongType(ctx: LoadContext, key: string, tk: Token, want: string): undefined {
  ctx.error(tk, `error parsing ${key}: expected ${want}, got ${describe(tk)}`);
  return undefined;
}

export function getString(ctx: LoadContext, key: string, tk: Token): string | undefined {
  return tk.kind === "string" ? tk.value : wrongType(ctx, key, tk, "a string");
}

export function getBool(ctx: LoadContext, key: string, tk: Token): boolean | undefined {
  return tk.kind === "bool" ? tk.value : wrongType(ctx, key, tk, "a boolean");
}

/** An integer (size suffixes allowed). Floats are rejected, as the reference's int64 assertion. */
export function getInt(ctx: LoadContext, key: string, tk: Token): number | undefined {
  return tk.kind === "integer" ? tk.value : wrongType(ctx, key, tk, "an integer");
}

/** An integer that must not be negative. */
export function getNonNegativeInt(ctx: LoadContext, key: string, tk: Token): number | undefined {
  const n = getInt(ctx, key, tk);
  if (n !== undefined && n < 0) {
    ctx.error(tk, `${key} value can not be negative`);
    return undefined;
  }
  return n;
}

export function getMap(ctx: LoadContext, key: string, tk: Token): Map<string, Token> | undefined {
  return tk.kind === "map" ? tk.value : wrongType(ctx, key, tk, "a map");
}

/** A string, or an array of strings (as the reference's parseStringArray). */
export function getStringArray(ctx: LoadContext, key: string, tk: Token): string[] | undefined {
  if (tk.kind === "string") return [tk.value];
  if (tk.kind !== "array") {
    ctx.error(tk, `error parsing ${key}: unsupported type ${describe(tk)}`);
    return undefined;
  }
  const out: string[] = [];
  for (const v of tk.value) {
    if (v.kind === "string") out.push(v.value);
    else ctx.error(v, `error parsing ${key}: unsupported type in array ${describe(v)}`);
  }
  return out;
}

/**
 * As the reference's parseDuration (ping_interval, write_deadline): a duration string, or, for
 * backward compatibility, an integer number of seconds with a warning. Milliseconds.
 */
export function getDuration(ctx: LoadContext, key: string, tk: Token): number | undefined {
  if (tk.kind === "string") {
    try {
      return parseGoDuration(tk.value);
    } catch (e) {
      ctx.error(tk, `error parsing ${key}: ${(e as Error).message}`);
      return undefined;
    }
  }
  if (tk.kind === "integer") {
    ctx.warn(tk, key, `${key} should be converted to a duration`);
    return tk.value * 1000;
  }
  return wrongType(ctx, key, tk, "a duration string or a number of seconds");
}

/** A duration that must be a string (lame_duck_duration, allow_responses expires, ...). Milliseconds. */
export function getDurationString(ctx: LoadContext, key: string, tk: Token): number | undefined {
  if (tk.kind !== "string") return wrongType(ctx, key, tk, "a duration string");
  try {
    return parseGoDuration(tk.value);
  } catch (e) {
    ctx.error(tk, `error parsing ${key}: ${(e as Error).message}`);
    return undefined;
  }
}

/** Go's net.SplitHostPort: "host:port", "[v6]:port", ":port". */
export function splitHostPort(hostport: string): { host: string; port: string } | undefined {
  if (hostport.startsWith("[")) {
    const end = hostport.indexOf("]");
    if (end < 0 || hostport[end + 1] !== ":") return undefined;
    return { host: hostport.slice(1, end), port: hostport.slice(end + 2) };
  }
  const i = hostport.lastIndexOf(":");
  if (i < 0) return undefined;
  const host = hostport.slice(0, i);
  if (host.includes(":")) return undefined; // "too many colons"
  return { host, port: hostport.slice(i + 1) };
}

/**
 * As the reference's parseListen (listen, http, https): a port number, or "host:port".
 * Port checks (range) are the caller's.
 */
export function getListen(ctx: LoadContext, key: string, tk: Token): { host?: string; port: number } | undefined {
  if (tk.kind === "integer") return { port: tk.value };
  if (tk.kind === "string") {
    const hp = splitHostPort(tk.value);
    if (hp === undefined) {
      ctx.error(tk, `error parsing ${key}: could not parse address string ${JSON.stringify(tk.value)}`);
      return undefined;
    }
    if (!/^[+-]?[0-9]+$/.test(hp.port)) {
      ctx.error(tk, `error parsing ${key}: could not parse port ${JSON.stringify(hp.port)}`);
      return undefined;
    }
    return { host: hp.host, port: Number(hp.port) };
  }
  ctx.error(tk, `error parsing ${key}: expected port or host:port, got ${describe(tk)}`);
  return undefined;
}

/** A listen port: -1 (random) to 65535. 0 means "default" in the reference. */
export function checkPort(ctx: LoadContext, key: string, tk: Token, port: number): number | undefined {
  if (!Number.isInteger(port) || port < -1 || port > 65535) {
    ctx.error(tk, `error parsing ${key}: port ${port} out of range (-1 for random, 0 to 65535)`);
    return undefined;
  }
  return port;
}
