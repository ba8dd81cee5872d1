// Command-line parsing with the semantics of Go's `flag` package (go1.19 flag.go parseOne), because
// scripts, systemd units and Helm charts call nats-server that way:
// - one or two dashes are the same (`-port`, `--port`); `-flag=value` and `-flag value`;
// - a boolean flag takes `=value` (`-T=false`) but never a separate argument;
// - a non-boolean flag takes the next argument whatever it looks like (`-p -1`);
// - parsing stops at the first non-flag argument, at "-" and after "--";
// - the last occurrence wins;
// - errors carry Go's exact texts ("flag provided but not defined: -x", ...).
import { parseGoBool, parseGoInt } from "../go/strconv.ts";

export type FlagKind = "bool" | "string" | "int";

export interface FlagSpec {
  kind: FlagKind;
  /** The canonical name: every alias of one option shares it (Go: several names on one variable). */
  key: string;
}

/** A flag as given: the name typed (without dashes) and its value. */
export interface SetFlag {
  name: string;
  key: string;
  value: string | boolean | number;
}

export interface GoFlagResult {
  /** Flags in command-line order (repeats included). */
  set: SetFlag[];
  /** The arguments after the flags. */
  args: string[];
}

/** A command-line error, with the text Go's flag package prints. */
export class FlagError extends Error {}


/** Parses `argv` against the flag table, as flag.FlagSet.Parse. Throws FlagError. */
export function parseGoFlags(argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>): GoFlagResult {
  const set: SetFlag[] = [];
  let i = 0;
  while (i < argv.length) {
    const s = argv[i]!;
    if (s.length < 2 || s[0] !== "-") break;
    let minuses = 1;
    if (s[1] === "-") {
      minuses = 2;
      if (s.length === 2) {
        i++; // "--" terminates the flags
        break;
      }
    }
    let name = s.slice(minuses);
    if (name.length === 0 || name[0] === "-" || name[0] === "=") throw new FlagError(`bad flag syntax: ${s}`);
    i++;
    let value = "";
    let hasValue = false;
    const eq = name.indexOf("=");
    if (eq > 0) {
      value = name.slice(eq + 1);
      hasValue = true;
      name = name.slice(0, eq);
    }
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (spec === undefined) throw new FlagError(`flag provided but not defined: -${name}`);
    if (spec.kind === "bool") {
      let b = true;
      if (hasValue) {
        const parsed = parseGoBool(value);
        if (parsed === undefined) throw new FlagError(`invalid boolean value ${goQuote(value)} for -${name}: parse error`);
        b = parsed;
      }
      set.push({ name, key: spec.key, value: b });
      continue;
    }
    if (!hasValue && i < argv.length) {
      value = argv[i]!;
      hasValue = true;
      i++;
    }
    if (!hasValue) throw new FlagError(`flag needs an argument: -${name}`);
    if (spec.kind === "int") {
      const n = parseGoInt(value);
      if (typeof n === "string") throw new FlagError(`invalid value ${goQuote(value)} for flag -${name}: ${n}`);
      set.push({ name, key: spec.key, value: n });
    } else {
      set.push({ name, key: spec.key, value });
    }
  }
  return { set, args: argv.slice(i) };
}

/** Go's %q for the strings a command line holds (JSON's escaping matches for printable text). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}
