// The two debugging endpoints: /stacksz (the reference dumps its goroutine stacks as text; bnats has one
// JS thread and answers with its current stack) and /ipqueuesz (the reference's internal queues; bnats has
// none, so the answer is the empty object a quiet reference gives).
import { decodeBool, param, type Query } from "./query.ts";

/** Not counted in http_req_stats, as the reference. */
export function stacksz(): string {
  return `goroutine 1 [running]:\n${new Error("stacksz").stack ?? ""}\n`;
}

/** Not counted in http_req_stats, as the reference. */
export function handleIPQueuesz(q: Query): Record<string, never> {
  decodeBool(q, "all");
  param(q, "queues");
  return {};
}
