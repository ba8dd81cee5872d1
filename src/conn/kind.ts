// The kinds of connection, as nats-server's client.go (CLIENT, ROUTER, GATEWAY, SYSTEM, LEAF): the
// message path is the same for all of them; what a kind may receive and how it is written differs.
export const Kind = {
  CLIENT: 0,
  ROUTER: 1,
  GATEWAY: 2,
  SYSTEM: 3,
  LEAF: 4,
  /** An account's internal connection (a.ic: service import subscriptions). */
  ACCOUNT: 5,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** The reference's kindString, for log lines and monitoring. */
export function kindName(kind: Kind): string {
  switch (kind) {
    case Kind.CLIENT:
      return "Client";
    case Kind.ROUTER:
      return "Router";
    case Kind.GATEWAY:
      return "Gateway";
    case Kind.SYSTEM:
      return "System";
    case Kind.LEAF:
      return "Leafnode";
    case Kind.ACCOUNT:
      return "Account";
  }
}
