// Subject mappings (`mappings {}` of an account, and the top-level one of \$G): opts.go
// parseAccountMappings and parseAccountMapDest, with the reference's messages.
import type { MappingOptions } from "../options.ts";
import { SubjectMapping } from "../subjects/mapping.ts";
import { isValidSubject } from "../subjects/subject.ts";
import { conversion, goType, str } from "./go-types.ts";
import type { Token } from "./parser.ts";
import type { LoadContext } from "./values.ts";

/** parseAccountMappings (also the top-level `mappings`, which belong to $G). */
export function parseMappings(ctx: LoadContext, tk: Token, out: MappingOptions[]): void {
  if (tk.kind !== "map") {
    conversion(ctx, tk, "map[string]interface {}");
    return;
  }
  for (const [subj, mv] of tk.value) {
    if (!isValidSubject(subj)) {
      ctx.error(tk, `Subject ${JSON.stringify(subj)} is not a valid subject`);
      continue;
    }
    let dests: MappingOptions["destinations"];
    if (mv.kind === "string") {
      dests = [{ subject: mv.value, weight: 100 }];
      try {
        new SubjectMapping(subj, dests);
      } catch (e) {
        ctx.error(mv, `Error adding mapping for ${JSON.stringify(subj)} to ${JSON.stringify(mv.value)} : ${(e as Error).message}`);
        continue;
      }
    } else if (mv.kind === "array" || mv.kind === "map") {
      dests = [];
      let bad = false;
      for (const d of mv.kind === "array" ? mv.value : [mv]) {
        const md = parseMapDest(ctx, d);
        if (md === undefined) bad = true;
        else dests.push(md);
      }
      if (bad) continue;
      try {
        new SubjectMapping(subj, dests);
      } catch {
        // The reference formats this error with v.(string) of a non-string and panics; the panic,
        // at the last value it read, is the message.
        const at = mv.kind === "array" ? (mv.value[mv.value.length - 1] ?? mv) : mv;
        ctx.error(at, `interface conversion: interface {} is ${goType(mv)}, not string`);
        continue;
      }
    } else {
      ctx.error(mv, `Unknown type ${goType(mv)} for mapping destination`);
      continue;
    }
    out.push({ source: subj, destinations: dests });
  }
}

/** parseAccountMapDest. */
function parseMapDest(ctx: LoadContext, tk: Token): MappingOptions["destinations"][number] | undefined {
  if (tk.kind !== "map") {
    ctx.error(tk, "Expected an entry for the mapping destination");
    return undefined;
  }
  const d: MappingOptions["destinations"][number] = { subject: "", weight: 0 };
  let sw = false;
  for (const [k, v] of tk.value) {
    switch (k.toLowerCase()) {
      case "dest":
      case "destination": {
        const s = str(ctx, v);
        if (s === undefined) return undefined;
        d.subject = s;
        break;
      }
      case "weight": {
        let w: number;
        if (v.kind === "string") {
          const ws = v.value.endsWith("%") ? v.value.slice(0, -1) : v.value;
          if (!/^[+-]?[0-9]+$/.test(ws)) {
            ctx.error(v, `Invalid weight ${JSON.stringify(ws)} for mapping destination`);
            return undefined;
          }
          w = Number(ws);
        } else if (v.kind === "integer") {
          w = v.value;
        } else {
          ctx.error(v, `Unknown entry type for weight of ${String(v.value)}\n`);
          return undefined;
        }
        if (w > 100 || w < 0) {
          ctx.error(v, `Invalid weight ${w} for mapping destination`);
          return undefined;
        }
        d.weight = w;
        sw = true;
        break;
      }
      case "cluster": {
        const s = str(ctx, v);
        if (s === undefined) return undefined;
        d.cluster = s;
        break;
      }
      default:
        ctx.error(v, `Unknown field ${JSON.stringify(k)} for mapping destination`);
        return undefined;
    }
  }
  if (!sw) {
    ctx.error(tk, `Missing weight for mapping destination ${JSON.stringify(d.subject)}`);
    return undefined;
  }
  return d;
}
