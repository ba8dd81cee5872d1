// The server starters the differential suites run their conversations against; each takes the
// configuration file text, so every implementation gets exactly the same settings.
import { startReference } from "../helpers/ref.ts";
import { startBnats, startBnatsBinary } from "../helpers/bnats.ts";
import type { RunningServer } from "../helpers/proc.ts";

export { hasReference } from "../helpers/ref.ts";
export { hasBnatsBinary } from "../helpers/bnats.ts";

/** The reference nats-server with `-c <config>`. */
export function reference(config: string): Promise<RunningServer> {
  return startReference({ config });
}

/** bnats in this process, the config text mapped by its own config loader. */
export function bnats(config: string): Promise<RunningServer> {
  return startBnats({ config });
}

/** The compiled dist/bnats with `-c <config>`. */
export function bnatsBinary(config: string): Promise<RunningServer> {
  return startBnatsBinary({ config });
}
