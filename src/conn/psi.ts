// The service imports a message has crossed so far (the reference's c.pa.psi): a per-message stack,
// so that a chain coming back to an export it already crossed is dropped as a cycle. A publish that
// starts while another message is being delivered (an internal responder answering synchronously)
// is a new message with its own, empty chain: processInboundMsg brackets it with enter/leave.

/** The chain of the message being processed, outermost first. */
export let psi: { readonly se: unknown; readonly share: boolean }[] = [];

/** A new inbound message: returns the outer chain, to be given back to leave(). */
export function enterMessage(): typeof psi {
  const outer = psi;
  if (outer.length > 0) psi = [];
  return outer;
}

export function leaveMessage(outer: typeof psi): void {
  psi = outer;
}
