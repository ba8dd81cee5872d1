// Server-wide counters, read by monitoring (/varz in_msgs, out_msgs, slow_consumers, ...).

export class SlowConsumerStats {
  clients = 0;
  routes = 0;
  gateways = 0;
  leafs = 0;
}

export class ServerStats {
  inMsgs = 0;
  outMsgs = 0;
  inBytes = 0;
  outBytes = 0;
  slowConsumers = 0;
  readonly slowConsumerStats = new SlowConsumerStats();
  /** Connections accepted since start (varz total_connections). */
  totalConnections = 0;
}
