// What a connection needs from the server that accepted it, so that the message path (src/conn) never
// imports the Server: the options and limits of the moment (a reload replaces them), the shared
// counters, the logger (swapped by a reload), the read loop with its flush queue, and removal at close.
import type { Logger } from "../log.ts";
import type { Options } from "../options.ts";
import type { SubscriptionLike } from "../subjects/sublist.ts";
import type { ReadLoop } from "./readloop.ts";
import type { ServerStats } from "./stats.ts";

export interface ConnHost<C> {
  readonly opts: Options;
  readonly stats: ServerStats;
  readonly log: Logger;
  /** A consumer with more pending bytes than this pauses the producers feeding it (client.go: mp/2). */
  readonly stallThreshold: number;
  /** The read budget and the flush queue of the event loop (the reference's pcd). */
  readonly loop: ReadLoop;
  /** Called once by Connection.closeConnection: the registries forget it (closed-connection list). */
  removeConnection(conn: C): void;
  /**
   * A subscription of `conn` was added (+1, or a queue weight change) or removed (-1) in its account:
   * leaf nodes (and routes) forward interest (leafnode.go updateLeafNodes, route.go
   * updateRouteSubscriptionMap). Optional: a server without them has nothing to tell.
   */
  interestChanged?(conn: C, sub: SubscriptionLike, delta: number): void;
}
