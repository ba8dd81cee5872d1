// The reference server (Debian's nats-server 2.9.10) for differential tests.
import { existsSync } from "node:fs";
import { startProcess, type ProcessServer, type ServerSpec } from "./proc.ts";

export type { ServerSpec, RunningServer, ProcessServer } from "./proc.ts";

export const REFERENCE_BINARY = process.env.NATS_SERVER_BIN ?? "/usr/sbin/nats-server";

/** Whether the reference nats-server is installed (CI installs it; local runs may not have it). */
export function hasReference(): boolean {
  return existsSync(REFERENCE_BINARY);
}

/** Starts nats-server with the spec's config text and/or flags on a random port. */
export function startReference(spec: ServerSpec = {}): Promise<ProcessServer> {
  return startProcess(REFERENCE_BINARY, "reference", spec);
}
