// The JSON "shape" of a response: every key path (recursively, arrays merged over their elements) with its
// JSON type. Two servers agree on an endpoint when their shapes are equal: same keys, same types.
import type { CapturedResponse } from "./scenario.ts";

export type JsonType = "string" | "number" | "boolean" | "null" | "object" | "array";

function jsonType(v: unknown): JsonType {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  const t = typeof v;
  if (t === "string" || t === "number" || t === "boolean") return t;
  return "object";
}

/** Paths like `connections[].subscriptions_list_detail[].qgroup` -> set of types seen there. */
export function shapeOf(value: unknown): Map<string, Set<JsonType>> {
  const out = new Map<string, Set<JsonType>>();
  const add = (path: string, t: JsonType): void => {
    let s = out.get(path);
    if (!s) out.set(path, (s = new Set()));
    s.add(t);
  };
  const walk = (v: unknown, path: string): void => {
    add(path, jsonType(v));
    if (Array.isArray(v)) for (const e of v) walk(e, `${path}[]`);
    else if (v !== null && typeof v === "object") {
      for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
        // Map-valued fields keyed by data (http_req_stats paths) are compared by their value types only.
        walk(e, path === ".http_req_stats" ? `${path}.*` : `${path}.${k}`);
      }
    }
  };
  walk(value, "");
  return out;
}

/** The JSON inside a response body (JSONP `cb(...)` unwrapped); undefined when the body is not JSON. */
export function bodyJSON(r: CapturedResponse): unknown {
  let text = r.body;
  const m = /^[A-Za-z_$][\w$]*\(([\s\S]*)\)$/.exec(text);
  if (m && r.contentType === "application/javascript") text = m[1] ?? "";
  if (!r.contentType?.startsWith("application/")) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function describeShape(shape: Map<string, Set<JsonType>>): string[] {
  return [...shape.entries()].map(([k, v]) => `${k || "(root)"}: ${[...v].sort().join("|")}`).sort();
}

/**
 * Differences between two shapes, as lines `- path: type` (only in the reference) and `+ path: type`
 * (only in bnats). Array element paths are compared only when both sides had elements there.
 */
export function diffShapes(ref: Map<string, Set<JsonType>>, ours: Map<string, Set<JsonType>>): string[] {
  const lines: string[] = [];
  const refLines = new Set(describeShape(ref));
  const ourLines = new Set(describeShape(ours));
  const hasElements = (shape: Map<string, Set<JsonType>>, path: string): boolean => {
    // `a[].b` is comparable only if both shapes have some `a[]` entry.
    const i = path.lastIndexOf("[]");
    if (i < 0) return true;
    return shape.has(path.slice(0, i + 2));
  };
  for (const l of refLines) {
    const path = l.slice(0, l.lastIndexOf(": "));
    if (!ourLines.has(l) && hasElements(ours, path === "(root)" ? "" : path)) lines.push(`- ${l}`);
  }
  for (const l of ourLines) {
    const path = l.slice(0, l.lastIndexOf(": "));
    if (!refLines.has(l) && hasElements(ref, path === "(root)" ? "" : path)) lines.push(`+ ${l}`);
  }
  return lines.sort();
}
