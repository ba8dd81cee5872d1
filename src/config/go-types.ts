// Go's view of config values, for the reference's messages: %T of a value ("got %T") and the text of
// the type-assertion panics its parsers turn into errors (convertPanicToErrorList).
import type { Token } from "./parser.ts";
import type { LoadContext } from "./values.ts";

/** Go's %T of a config value, for the reference's "got %T" messages. */
export function goType(tk: Token): string {
  switch (tk.kind) {
    case "string":
      return "string";
    case "integer":
      return "int64";
    case "float":
      return "float64";
    case "bool":
      return "bool";
    case "datetime":
      return "time.Time";
    case "array":
      return "[]interface {}";
    case "map":
      return "map[string]interface {}";
  }
}

/** The reference's type-assertion panic, reported at the value (convertPanicToErrorList). */
export function conversion(ctx: LoadContext, tk: Token, want: string): undefined {
  ctx.error(tk, `interface conversion: interface {} is ${goType(tk)}, not ${want}`);
  return undefined;
}

export function str(ctx: LoadContext, tk: Token): string | undefined {
  return tk.kind === "string" ? tk.value : conversion(ctx, tk, "string");
}
