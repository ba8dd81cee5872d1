// Small helpers of the cluster: Go's address formats and errors, local addresses, generated names.
import type { Socket } from "bun";
import { networkInterfaces } from "node:os";
import { GoURLError, splitGoHostPort } from "../go/url.ts";

/** The peer certificate's DER, when the TLS socket has one. */
export function peerCertificateDer(socket: Socket<unknown>): Uint8Array | undefined {
  const cert = (socket as unknown as { getPeerCertificate?: () => { raw?: Uint8Array } | undefined }).getPeerCertificate?.();
  return cert?.raw;
}

/** server.go parseHostPort: "host:port", or a host alone with the default port; Go's errors. */
export function parseHostPort(hostPort: string, defaultPort: number): { host: string; port: number } {
  let host: string;
  let sPort: string;
  try {
    ({ host, port: sPort } = splitGoHostPort(hostPort));
  } catch (e) {
    if (!(e instanceof GoURLError) || !e.message.includes("missing port")) throw e;
    return { host: hostPort.trim(), port: defaultPort };
  }
  const port = Number(sPort.trim());
  if (!/^[+-]?[0-9]+$/.test(sPort.trim())) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(sPort.trim())}: invalid syntax`);
  if (port === 0 || port === -1) return { host: host.trim(), port: defaultPort };
  if (port < 0 || port > 65535) throw new Error(`invalid port number: ${port}`);
  return { host: host.trim(), port };
}

/** net.JoinHostPort. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

export function redacted(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:xxxxx@");
}

/** The addresses of this host's interfaces (routesToSelf), loopback included. */
export function localIPs(): string[] {
  const out: string[] = [];
  for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) out.push(a.address);
  return out;
}

/** A random cluster name, as the reference's nuid-based dynamic name. */
export function generateName(): string {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let s = "";
  for (let i = 0; i < 22; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

export function nonce(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  let s = "";
  for (let i = 0; i < 11; i++) s += alphabet[Math.floor(Math.random() * 64)];
  return s;
}

export function describeDialError(e: unknown, host: string, port: number): string {
  const code = (e as { code?: string }).code;
  if (code === "ECONNREFUSED") return `dial tcp ${joinHostPort(host, port)}: connect: connection refused`;
  if (code === "ETIMEDOUT") return `dial tcp ${joinHostPort(host, port)}: i/o timeout`;
  return `dial tcp ${joinHostPort(host, port)}: ${(e as Error).message}`;
}


/** A list, or undefined when empty (Go's omitempty). */
export function nonEmpty(l: string[]): string[] | undefined {
  return l.length > 0 ? l : undefined;
}
