// Partial<Options> -> nats-server configuration text, so a conversation names its server settings once
// and both the reference (config file) and bnats (in-process Options) get the same ones.
// Only the keys the differential tests use are translated; any other key is an error, not a silent drop.
import type { Options, User } from "../../src/options.ts";

const SIMPLE: Partial<Record<keyof Options, string>> = {
  maxPayload: "max_payload",
  maxControlLine: "max_control_line",
  maxConnections: "max_connections",
  maxSubscriptions: "max_subscriptions",
  maxPending: "max_pending",
  pingMax: "ping_max",
  noHeaderSupport: "no_header_support",
  serverName: "server_name",
  clientAdvertise: "client_advertise",
  host: "host",
  debug: "debug",
  trace: "trace",
};

/** Durations (ms) as nats-server duration strings. */
const DURATIONS: Partial<Record<keyof Options, string>> = {
  pingInterval: "ping_interval",
  writeDeadline: "write_deadline",
};

function value(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new Error(`cannot translate ${JSON.stringify(v)} to config`);
}

function userBlock(u: User): string {
  return `{ user: ${value(u.username)}, password: ${value(u.password)} }`;
}

/** The configuration text for these options (port is left to the launcher: random). */
export function toConfig(opts: Partial<Options>): string {
  const lines: string[] = [];
  const auth: string[] = [];
  for (const [key, v] of Object.entries(opts) as [keyof Options, unknown][]) {
    if (v === undefined || key === "port") continue;
    const simple = SIMPLE[key];
    const duration = DURATIONS[key];
    if (simple) lines.push(`${simple}: ${value(v)}`);
    else if (duration) lines.push(`${duration}: "${v as number}ms"`);
    else if (key === "authorization") auth.push(`token: ${value(v)}`);
    else if (key === "username") auth.push(`user: ${value(v)}`);
    else if (key === "password") auth.push(`password: ${value(v)}`);
    else if (key === "authTimeout") auth.push(`timeout: ${(v as number) / 1000}`);
    else if (key === "users") auth.push(`users: [\n    ${(v as User[]).map(userBlock).join("\n    ")}\n  ]`);
    else throw new Error(`toConfig: no translation for option ${key}`);
  }
  if (auth.length) lines.push(`authorization {\n  ${auth.join("\n  ")}\n}`);
  return lines.join("\n") + "\n";
}
