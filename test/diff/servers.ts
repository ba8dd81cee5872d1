// The server starters the differential suites run their conversations against.
import type { Options } from "../../src/options.ts";
import { startReference } from "../helpers/ref.ts";
import { startBnats, startBnatsBinary } from "../helpers/bnats.ts";
import type { RunningServer } from "../helpers/proc.ts";
import { toConfig } from "./config.ts";

export { hasReference } from "../helpers/ref.ts";
export { hasBnatsBinary } from "../helpers/bnats.ts";

/** The reference, configured through a config file made from the options. */
export function reference(opts: Partial<Options>): Promise<RunningServer> {
  return startReference({ config: toConfig(opts) });
}

/** bnats in this process, configured through its config loader from the same config text as the reference. */
export function bnats(opts: Partial<Options>): Promise<RunningServer> {
  return startBnats({ config: toConfig(opts) });
}

/** The compiled bnats, configured through the same config file as the reference. */
export function bnatsBinary(opts: Partial<Options>): Promise<RunningServer> {
  return startBnatsBinary({ config: toConfig(opts) });
}

