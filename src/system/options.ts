// The request bodies of the $SYS services: each is a Go struct embedding the monitoring endpoint's options
// and EventFilterOptions (events.go *EventOptions, monitor.go *Options), decoded with Go's json rules
// (gojson.ts). The JSON names are the reference's (they differ from the HTTP query names: `auth` and
// `subscriptions` for connz, `account` for subsz, ...).
import type { GoField, GoStruct, GoValue } from "./gojson.ts";

const str: GoField = { kind: "string" };
const bool: GoField = { kind: "bool" };
const int: GoField = { kind: "int" };
const strs: GoField = { kind: "[]string" };

/** EventFilterOptions: which servers a request is for (all must match). */
const FILTER_FIELDS: Record<string, GoField> = {
  server_name: str,
  cluster: str,
  host: str,
  tags: strs,
  domain: str,
};

function eventOptions(name: string, fields: Record<string, GoField>): GoStruct {
  return { name, fields: { ...fields, ...FILTER_FIELDS } };
}

export const StatszEventOptions = eventOptions("StatszEventOptions", {});
export const AccInfoEventOptions = eventOptions("AccInfoEventOptions", {});
export const VarzEventOptions = eventOptions("VarzEventOptions", {});
export const ConnzEventOptions = eventOptions("ConnzEventOptions", {
  sort: { kind: "string", type: "server.SortOpt" },
  auth: bool,
  subscriptions: bool,
  subscriptions_detail: bool,
  offset: int,
  limit: int,
  cid: { kind: "uint64" },
  mqtt_client: str,
  state: { kind: "int", type: "server.ConnState" },
  user: str,
  acc: str,
  filter_subject: str,
});
export const RoutezEventOptions = eventOptions("RoutezEventOptions", { subscriptions: bool, subscriptions_detail: bool });
export const SubszEventOptions = eventOptions("SubszEventOptions", {
  offset: int,
  limit: int,
  subscriptions: bool,
  account: str,
  test: str,
});
export const GatewayzEventOptions = eventOptions("GatewayzEventOptions", { name: str, accounts: bool, account_name: str });
export const LeafzEventOptions = eventOptions("LeafzEventOptions", { subscriptions: bool, account: str });
export const AccountzEventOptions = eventOptions("AccountzEventOptions", { account: str });
export const AccountStatzEventOptions = eventOptions("AccountStatzEventOptions", { accounts: strs, include_unused: bool });
export const JszEventOptions = eventOptions("JszEventOptions", {
  account: str,
  accounts: bool,
  streams: bool,
  consumer: bool,
  config: bool,
  leader_only: bool,
  offset: int,
  limit: int,
});
export const HealthzEventOptions = eventOptions("HealthzEventOptions", { "js-enabled-only": bool, "js-server-only": bool });

/** Typed reads of decoded values (absent = Go's zero value). */
export class Values {
  constructor(private readonly m: ReadonlyMap<string, GoValue> = new Map()) {}

  str(name: string): string {
    const v = this.m.get(name);
    return typeof v === "string" ? v : "";
  }

  bool(name: string): boolean {
    return this.m.get(name) === true;
  }

  int(name: string): number {
    const v = this.m.get(name);
    return typeof v === "number" ? v : 0;
  }

  strs(name: string): string[] {
    const v = this.m.get(name);
    return Array.isArray(v) ? v : [];
  }
}

/** EventFilterOptions as read from a request. */
export interface EventFilter {
  name: string;
  cluster: string;
  host: string;
  tags: string[];
  domain: string;
}

export function eventFilter(v: Values): EventFilter {
  return { name: v.str("server_name"), cluster: v.str("cluster"), host: v.str("host"), tags: v.strs("tags"), domain: v.str("domain") };
}

/** What filterRequest compares against: this server's name, host, cluster, tags and JetStream domain. */
export interface FilterTarget {
  name: string;
  host: string;
  cluster: string;
  tags: readonly string[];
  domain: string;
}

/**
 * events.go filterRequest: true when the request is NOT for this server (it then stays silent). Names,
 * hosts and clusters match by substring; every tag must be one of ours (trimmed and case-insensitively,
 * as jwt.TagList.Contains); the domain must be equal.
 */
export function filterRequest(f: EventFilter, s: FilterTarget): boolean {
  if (f.name !== "" && !s.name.includes(f.name)) return true;
  if (f.host !== "" && !s.host.includes(f.host)) return true;
  if (f.cluster !== "" && !s.cluster.includes(f.cluster)) return true;
  if (f.tags.length > 0) {
    // The server's tags are stored lower-cased (jwt TagList.Add); Contains trims and lower-cases.
    const ours = new Set(s.tags.map((t) => t.trim().toLowerCase()));
    for (const t of f.tags) if (!ours.has(t.trim().toLowerCase())) return true;
  }
  if (f.domain !== "" && s.domain !== f.domain) return true;
  return false;
}

/** ConnState (0 open, 1 closed, 2 all) as the monitor's state names. */
export function connState(n: number): "open" | "closed" | "any" {
  return n === 1 ? "closed" : n === 2 ? "any" : "open";
}
