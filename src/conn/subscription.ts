// One subscription of a connection of any kind (nats-server's `subscription`). Declared in connection.ts
// beside the Connection it points to (the two types refer to each other); this is its public path.
export { Subscription } from "./connection.ts";
