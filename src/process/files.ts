// The pid file (-P / pid_file) and the ports file (--ports_file_dir / ports_file_dir), as
// nats-server's server.go logPid, logPorts, portFile, deletePortsFile and PortsInfo (v2.9.10):
// - the pid file holds the decimal pid and nothing else (no newline: readers parse it strictly),
//   mode 0660; it is left in place at shutdown, as the reference does;
// - the ports file is "<program>_<pid>.ports" in the directory, JSON of the Ports struct
//   ({"nats":[...],"monitoring":[...],"cluster":[...],"websocket":[...]}, empty lists omitted),
//   removed at shutdown;
// - a listener on 0.0.0.0 or :: is listed under every interface address (resolveHostPorts), the
//   order being the interfaces' order; IPv6 addresses in brackets, without zone.

import { renameSync, rmSync, writeFileSync } from "node:fs";
import type * as NodeNet from "node:net";
import type * as NodeOs from "node:os";
import { join } from "node:path";
import { programName } from "./signal.ts";

/** server.go Ports; field order is the JSON's. */
export interface Ports {
  nats?: string[];
  monitoring?: string[];
  cluster?: string[];
  profile?: string[];
  websocket?: string[];
}

/** Writes the pid file (logPid: strconv.Itoa(os.Getpid()), 0660). Throws on failure. */
export function writePidFile(path: string, pid = process.pid): void {
  writeFileSync(path, String(pid), { mode: 0o660 });
}

/** portFile: "<dir>/<basename of argv[0]>_<pid>.ports". */
export function portsFilePath(dir: string, program = programName(), pid = process.pid): string {
  return join(dir, `${program}_${pid}.ports`);
}

function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function isUnspecified(host: string): boolean {
  // net.IP.IsUnspecified: 0.0.0.0 or :: (any spelling of all-zero IPv6).
  return host === "" || host === "0.0.0.0" || ((require("node:net") as typeof NodeNet).isIP(host) === 6 && /^[0:]+$/.test(host));
}

/** resolveHostPorts: the addresses a listener on host:port can be reached at. */
export function resolveHostPorts(host: string, port: number): string[] {
  if (!isUnspecified(host)) return [joinHostPort(host, port)];
  const out: string[] = [];
  for (const addrs of Object.values((require("node:os") as typeof NodeOs).networkInterfaces())) {
    for (const a of addrs ?? []) out.push(joinHostPort(a.address, port));
  }
  return out;
}

/** formatURL: "<proto>://<host:port>" for each address. */
export function formatURLs(proto: string, host: string, port: number): string[] {
  return resolveHostPorts(host, port).map((hp) => `${proto}://${hp}`);
}

export interface ListenerInfo {
  /** The client listener: host as configured, the bound port. */
  host: string;
  port: number;
  /** TLS required of clients (INFO tls_required): the URLs say tls://. */
  tls: boolean;
  /** The monitoring listener, when on. */
  httpHost?: string;
  httpPort?: number;
  /** Monitoring over https (https_port): the URLs say https://. */
  https?: boolean;
  /** The route listener, when clustering: its host and bound port; TLS routes say tls://. */
  clusterHost?: string;
  clusterPort?: number;
  clusterTLS?: boolean;
  /** The websocket listener, when on: its host and bound port; wss:// when it has a tls {} block. */
  wsHost?: string;
  wsPort?: number;
  wss?: boolean;
}

/** PortsInfo: the URLs of the listeners (nats, monitoring, cluster, websocket; no profiler in bnats). */
export function portsInfo(l: ListenerInfo): Ports {
  const ports: Ports = { nats: formatURLs(l.tls ? "tls" : "nats", l.host, l.port) };
  if (l.httpPort) ports.monitoring = formatURLs(l.https ? "https" : "http", l.httpHost ?? l.host, l.httpPort);
  // Test launchers (nats.js nst) find a cluster member's route port and the websocket port here.
  if (l.clusterPort) ports.cluster = formatURLs(l.clusterTLS ? "tls" : "nats", l.clusterHost ?? l.host, l.clusterPort);
  if (l.wsPort) ports.websocket = formatURLs(l.wss ? "wss" : "ws", l.wsHost ?? l.host, l.wsPort);
  return ports;
}

/**
 * Writes the ports file and returns its path. The content appears at once (temporary file then
 * rename), so a reader polling for the file never sees half of it.
 */
export function writePortsFile(dir: string, ports: Ports, path = portsFilePath(dir)): string {
  const json = JSON.stringify(ports, (_k, v: unknown) => (Array.isArray(v) && v.length === 0 ? undefined : v));
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, json, { mode: 0o666 });
  renameSync(tmp, path);
  return path;
}

/** deletePortsFile. Throws on failure (the caller logs "Error cleaning up ports file ..."). */
export function removePortsFile(path: string): void {
  rmSync(path);
}
