// Subject transforms: nats-server v2.9.10 accounts.go newTransform / transform / reverse /
// indexPlaceHolders, sublist.go ValidateMappingDestination, with the reference's error texts.
//
// A transform maps a subject matching `src` onto `dest`. When `src` has wildcards, `dest` places
// them: `$1`, `{{wildcard(1)}}`, and the 2.9.10 functions `{{partition(n,i,...)}}`,
// `{{splitFromLeft(i,p)}}`, `{{splitFromRight(i,p)}}`, `{{sliceFromLeft(i,n)}}`,
// `{{sliceFromRight(i,n)}}`, `{{split(i,delim)}}`. Used by subject mappings, stream imports with
// `to`, and wildcard service imports. Subjects are latin1 "binary strings" (one char per byte),
// so slicing and hashing work on the wire bytes.

import { isSubsetMatchTokenized, tokenizeSubject } from "./subject.ts";

/** errors.go ErrBadSubject. */
export const ERR_BAD_SUBJECT = "invalid subject";
/** errors.go ErrNoTransforms. */
export const ERR_NO_TRANSFORMS = "no matching transforms available";

/** errors.go ErrInvalidMappingDestination and the errors wrapping it. */
const INVALID_DEST = "invalid mapping destination";
export const ERR_INVALID_MAPPING_DEST_SUBJECT = `${INVALID_DEST}: invalid subject`;
export const ERR_MAPPING_DEST_NOT_USING_ALL_WILDCARDS = `${INVALID_DEST}: not using all of the token wildcard(s)`;
export const ERR_UNKNOWN_MAPPING_DEST_FUNCTION = `${INVALID_DEST}: unknown function`;
export const ERR_MAPPING_DEST_INDEX_OUT_OF_RANGE = `${INVALID_DEST}: wildcard index out of range`;
export const ERR_MAPPING_DEST_NOT_ENOUGH_ARGS = `${INVALID_DEST}: not enough arguments passed to the function`;
export const ERR_MAPPING_DEST_INVALID_ARG = `${INVALID_DEST}: function argument is invalid or in the wrong format`;
export const ERR_MAPPING_DEST_TOO_MANY_ARGS = `${INVALID_DEST}: too many arguments passed to the function`;

/**
 * A transform error. `invalidDestination` is the reference's errors.Is(err, ErrInvalidMappingDestination);
 * the message is Error() of the reference (mappingDestinationErr: "<err> in <token>").
 */
export class TransformError extends Error {
  readonly invalidDestination: boolean;
  constructor(message: string, invalidDestination = false) {
    super(message);
    this.name = "TransformError";
    this.invalidDestination = invalidDestination;
  }
}

function destError(token: string, err: string): TransformError {
  return new TransformError(`${err} in ${token}`, true);
}

/** accounts.go: the transform function types. */
export const enum TransformType {
  NoTransform = 0,
  BadTransform = 1,
  Partition = 2,
  Wildcard = 3,
  SplitFromLeft = 4,
  SplitFromRight = 5,
  SliceFromLeft = 6,
  SliceFromRight = 7,
  Split = 8,
}

// The reference's regular expressions (accounts.go), same semantics (leftmost, greedy `.*`).
const COMMA_SEPARATOR = /,\s*/;
const PARTITION_FN = /\{\{\s*[pP]artition\s*\((.*)\)\s*\}\}/;
const WILDCARD_FN = /\{\{\s*[wW]ildcard\s*\((.*)\)\s*\}\}/;
const SPLIT_FROM_LEFT_FN = /\{\{\s*[sS]plit[fF]rom[lL]eft\s*\((.*)\)\s*\}\}/;
const SPLIT_FROM_RIGHT_FN = /\{\{\s*[sS]plit[fF]rom[rR]ight\s*\((.*)\)\s*\}\}/;
const SLICE_FROM_LEFT_FN = /\{\{\s*[sS]lice[fF]rom[lL]eft\s*\((.*)\)\s*\}\}/;
const SLICE_FROM_RIGHT_FN = /\{\{\s*[sS]lice[fF]rom[rR]ight\s*\((.*)\)\s*\}\}/;
const SPLIT_FN = /\{\{\s*[sS]plit\s*\((.*)\)\s*\}\}/;
const ALL_FNS = [PARTITION_FN, WILDCARD_FN, SPLIT_FROM_LEFT_FN, SPLIT_FROM_RIGHT_FN, SLICE_FROM_LEFT_FN, SLICE_FROM_RIGHT_FN, SPLIT_FN];

/** getMappingFunctionArgs: the comma-separated arguments, or null when the function does not match. */
function functionArgs(re: RegExp, token: string): string[] | null {
  const m = re.exec(token);
  if (m === null || m.length < 2) return null;
  return (m[1] as string).split(COMMA_SEPARATOR);
}

/** strconv.Atoi: optional sign and decimal digits only; null otherwise. */
function atoi(s: string): number | null {
  return /^[+-]?[0-9]+$/.test(s) ? Number(s) : null;
}

/** strings.Trim(s, " "). */
function trimSpaces(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) === 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) === 0x20) b--;
  return s.slice(a, b);
}

function isMustache(token: string): boolean {
  const n = token.length;
  return n > 4 && token[0] === "{" && token[1] === "{" && token[n - 2] === "}" && token[n - 1] === "}";
}

interface Placeholder {
  type: TransformType;
  /** Wildcard indexes (1-based) the function reads. */
  indexes: number[];
  intArg: number;
  strArg: string;
}

const NO_TRANSFORM: Placeholder = { type: TransformType.NoTransform, indexes: [-1], intArg: -1, strArg: "" };

/** transformIndexIntArgsHelper: functions taking (wildcard index, integer). */
function indexIntArgs(token: string, args: string[], type: TransformType): Placeholder {
  if (args.length < 2) throw destError(token, ERR_MAPPING_DEST_NOT_ENOUGH_ARGS);
  if (args.length > 2) throw destError(token, ERR_MAPPING_DEST_TOO_MANY_ARGS);
  const i = atoi(trimSpaces(args[0] as string));
  const n = atoi(trimSpaces(args[1] as string));
  if (i === null || n === null) throw destError(token, ERR_MAPPING_DEST_INVALID_ARG);
  return { type, indexes: [i], intArg: n, strArg: "" };
}

/** indexPlaceHolders: what one destination token does. Throws TransformError. */
function indexPlaceholder(token: string): Placeholder {
  if (token.length <= 1) return NO_TRANSFORM;
  // The old $1, $2 form. Other things rely on tokens starting with $, so "$foo" stays literal.
  if (token[0] === "$") {
    const n = atoi(token.slice(1));
    return n === null ? NO_TRANSFORM : { type: TransformType.Wildcard, indexes: [n], intArg: -1, strArg: "" };
  }
  if (!isMustache(token)) return NO_TRANSFORM;

  let args = functionArgs(WILDCARD_FN, token);
  if (args !== null) {
    if (args.length === 1 && args[0] === "") throw destError(token, ERR_MAPPING_DEST_NOT_ENOUGH_ARGS);
    if (args.length !== 1) throw destError(token, ERR_MAPPING_DEST_TOO_MANY_ARGS);
    const i = atoi(trimSpaces(args[0] as string));
    if (i === null) throw destError(token, ERR_MAPPING_DEST_INVALID_ARG);
    return { type: TransformType.Wildcard, indexes: [i], intArg: -1, strArg: "" };
  }
  args = functionArgs(PARTITION_FN, token);
  if (args !== null) {
    if (args.length < 2) throw destError(token, ERR_MAPPING_DEST_NOT_ENOUGH_ARGS);
    const n = atoi(trimSpaces(args[0] as string));
    if (n === null) throw destError(token, ERR_MAPPING_DEST_INVALID_ARG);
    const indexes: number[] = [];
    for (const a of args.slice(1)) {
      const i = atoi(trimSpaces(a));
      if (i === null) throw destError(token, ERR_MAPPING_DEST_INVALID_ARG);
      indexes.push(i);
    }
    return { type: TransformType.Partition, indexes, intArg: n, strArg: "" };
  }
  args = functionArgs(SPLIT_FROM_LEFT_FN, token);
  if (args !== null) return indexIntArgs(token, args, TransformType.SplitFromLeft);
  args = functionArgs(SPLIT_FROM_RIGHT_FN, token);
  if (args !== null) return indexIntArgs(token, args, TransformType.SplitFromRight);
  args = functionArgs(SLICE_FROM_LEFT_FN, token);
  if (args !== null) return indexIntArgs(token, args, TransformType.SliceFromLeft);
  args = functionArgs(SLICE_FROM_RIGHT_FN, token);
  if (args !== null) return indexIntArgs(token, args, TransformType.SliceFromRight);
  args = functionArgs(SPLIT_FN, token);
  if (args !== null) {
    if (args.length < 2) throw destError(token, ERR_MAPPING_DEST_NOT_ENOUGH_ARGS);
    if (args.length > 2) throw destError(token, ERR_MAPPING_DEST_TOO_MANY_ARGS);
    const i = atoi(trimSpaces(args[0] as string));
    if (i === null) throw destError(token, ERR_MAPPING_DEST_INVALID_ARG);
    const delim = args[1] as string;
    if (delim.includes(" ") || delim.includes(".")) throw destError(token, ERR_MAPPING_DEST_INVALID_ARG);
    return { type: TransformType.Split, indexes: [i], intArg: -1, strArg: delim };
  }
  throw destError(token, ERR_UNKNOWN_MAPPING_DEST_FUNCTION);
}

/** sublist.go subjectInfo: valid, tokens, number of `*`, has `>`. */
function subjectInfo(subject: string): { valid: boolean; tokens: string[]; npwcs: number; fwc: boolean } {
  if (subject === "") return { valid: false, tokens: [], npwcs: 0, fwc: false };
  const tokens = subject.split(".");
  let npwcs = 0;
  let fwc = false;
  for (const t of tokens) {
    if (t.length === 0 || fwc) return { valid: false, tokens: [], npwcs: 0, fwc: false };
    if (t.length > 1) continue;
    if (t === ">") fwc = true;
    else if (t === "*") npwcs++;
  }
  return { valid: true, tokens, npwcs, fwc };
}

/**
 * ValidateMappingDestination of sublist.go: a destination subject with mapping functions. Throws
 * TransformError.
 */
export function validateMappingDestination(subject: string): void {
  let sfwc = false;
  for (const t of subject.split(".")) {
    if (t.length === 0 || sfwc) throw destError(t, ERR_INVALID_MAPPING_DEST_SUBJECT);
    if (isMustache(t)) {
      if (!ALL_FNS.some((re) => re.test(t))) throw destError(t, ERR_UNKNOWN_MAPPING_DEST_FUNCTION);
      continue;
    }
    if (t === ">") sfwc = true;
    else if (/[\t\n\f\r ]/.test(t)) throw new TransformError(ERR_INVALID_MAPPING_DEST_SUBJECT, true);
  }
}

/** FNV-1a 32-bit of the bytes (latin1 chars) of `key`. */
function fnv1a32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i) & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const scratch: string[] = [];

export class SubjectTransform {
  readonly src: string;
  readonly dest: string;
  /** Destination and source tokens. */
  private readonly dtoks: string[];
  private readonly stoks: string[];
  /** Per destination token (empty when `src` is literal: the result is always `dest`). */
  private readonly types: TransformType[];
  /** Source token positions (0-based) each function reads. */
  private readonly indexes: number[][];
  private readonly intArgs: number[];
  private readonly strArgs: string[];

  private constructor(src: string, dest: string, dtoks: string[], stoks: string[], phs: Placeholder[], sti: Map<number, number>) {
    this.src = src;
    this.dest = dest;
    this.dtoks = dtoks;
    this.stoks = stoks;
    this.types = phs.map((p) => p.type);
    // A wildcard index the source does not have (0, negative) reads token 0, as the reference's
    // missing map key.
    this.indexes = phs.map((p) => (p.type === TransformType.NoTransform ? [-1] : p.indexes.map((i) => sti.get(i) ?? 0)));
    this.intArgs = phs.map((p) => p.intArg);
    this.strArgs = phs.map((p) => p.strArg);
  }

  /** newTransform: checks `src` and `dest`. Throws TransformError. */
  static create(src: string, dest: string): SubjectTransform {
    const s = subjectInfo(src);
    const d = subjectInfo(dest);
    // Both valid, `>` on both sides or neither, and no `*` in the destination.
    if (!s.valid || !d.valid || d.npwcs > 0 || s.fwc !== d.fwc) throw new TransformError(ERR_BAD_SUBJECT);
    const phs: Placeholder[] = [];
    const sti = new Map<number, number>();
    if (s.npwcs > 0 || s.fwc) {
      s.tokens.forEach((t, i) => {
        if (t === "*") sti.set(sti.size + 1, i);
      });
      let nphs = 0;
      for (const token of d.tokens) {
        const ph = indexPlaceholder(token);
        if (ph.type !== TransformType.NoTransform) {
          nphs++;
          for (const wi of ph.indexes) {
            if (wi > s.npwcs) throw destError(`${token}: [${wi}]`, ERR_MAPPING_DEST_INDEX_OUT_OF_RANGE);
          }
        }
        phs.push(ph);
      }
      if (nphs < s.npwcs) throw destError(dest, ERR_MAPPING_DEST_NOT_USING_ALL_WILDCARDS);
    }
    return new SubjectTransform(src, dest, d.tokens, s.tokens, phs, sti);
  }

  /** True when the result depends on the subject (the reference's len(dtokmftokindexesargs) > 0). */
  get usesWildcards(): boolean {
    return this.types.length > 0;
  }

  /**
   * Match: maps a literal subject that matches `src`. Throws TransformError (ErrBadSubject for a
   * non-literal subject, ErrNoTransforms when it does not match).
   */
  match(subject: string): string {
    if ((this.src === ">" || this.src === "") && (this.dest === ">" || this.dest === "")) return subject;
    const n = tokenizeSubject(subject, scratch);
    for (let i = 0; i < n; i++) {
      const t = scratch[i] as string;
      if (t.length === 0 || t === "*" || t === ">") throw new TransformError(ERR_BAD_SUBJECT);
    }
    if (this.src === "" || this.src === ">" || isSubsetMatchTokenized(scratch, n, this.stoks, this.stoks.length)) {
      return this.transformTokens(scratch, n);
    }
    throw new TransformError(ERR_NO_TRANSFORMS);
  }

  /** transformSubject: transforms without checking that the subject matches. */
  transformSubject(subject: string): string {
    const n = tokenizeSubject(subject, scratch);
    return this.transformTokens(scratch, n);
  }

  /** transform: the destination for a subject's tokens (`tokens[0..n)`). */
  transformTokens(tokens: readonly string[], n: number): string {
    const types = this.types;
    if (types.length === 0) return this.dest;
    let b = "";
    const li = types.length - 1;
    for (let i = 0; i < types.length; i++) {
      const type = types[i] as TransformType;
      if (type === TransformType.NoTransform) {
        const dt = this.dtoks[i] as string;
        if (dt === ">") break;
        b += dt;
      } else {
        const idx = this.indexes[i] as number[];
        const src = tokens[idx[0] as number] ?? "";
        const arg = this.intArgs[i] as number;
        switch (type) {
          case TransformType.Partition: {
            let key = "";
            for (const j of idx) key += tokens[j] ?? "";
            // uint32(numBuckets) as the reference; 0 buckets would divide by zero there.
            const buckets = arg >>> 0;
            b += buckets === 0 ? "0" : String(fnv1a32(key) % buckets);
            break;
          }
          case TransformType.Wildcard:
            b += src;
            break;
          case TransformType.SplitFromLeft:
            b += arg > 0 && arg < src.length ? `${src.slice(0, arg)}.${src.slice(arg)}` : src;
            break;
          case TransformType.SplitFromRight:
            b += arg > 0 && arg < src.length ? `${src.slice(0, src.length - arg)}.${src.slice(src.length - arg)}` : src;
            break;
          case TransformType.SliceFromLeft:
            b += sliceFromLeft(src, arg);
            break;
          case TransformType.SliceFromRight:
            b += sliceFromRight(src, arg);
            break;
          case TransformType.Split:
            b += splitToken(src, this.strArgs[i] as string);
            break;
          default:
            break;
        }
      }
      if (i < li) b += ".";
    }
    // With `>` the remaining source tokens follow.
    if (this.dtoks[this.dtoks.length - 1] === ">") {
      const sli = n - 1;
      for (let i = this.stoks.length - 1; i < n; i++) {
        b += tokens[i] as string;
        if (i < sli) b += ".";
      }
    }
    return b;
  }

  /** reverse: the transform mapping `dest` back to `src` (null where the reference gets nil). */
  reverse(): SubjectTransform | null {
    try {
      if (this.types.length === 0) return SubjectTransform.create(this.dest, this.src);
      const { subject: nsrc, placeholders } = transformUntokenize(this.dest);
      const phs = placeholders.slice();
      const nda: string[] = [];
      for (const t of this.stoks) {
        if (t === "*") {
          const ph = phs.shift();
          if (ph === undefined) return null;
          nda.push(ph);
        } else nda.push(t);
      }
      return SubjectTransform.create(nsrc, nda.join("."));
    } catch {
      return null;
    }
  }
}

function sliceFromLeft(src: string, size: number): string {
  const len = src.length;
  if (!(size > 0 && size < len)) return src;
  let b = "";
  for (let i = 0; i + size <= len; i += size) {
    if (i !== 0) b += ".";
    b += src.slice(i, i + size);
    if (i + size !== len && i + size + size > len) {
      b += "." + src.slice(i + size);
      break;
    }
  }
  return b;
}

function sliceFromRight(src: string, size: number): string {
  const len = src.length;
  if (!(size > 0 && size < len)) return src;
  let b = "";
  const rem = len % size;
  if (rem > 0) b += src.slice(0, rem) + ".";
  for (let i = rem; i + size <= len; i += size) {
    b += src.slice(i, i + size);
    if (i + size < len) b += ".";
  }
  return b;
}

function splitToken(src: string, delim: string): string {
  const splits = src.split(delim);
  let b = "";
  for (let j = 0; j < splits.length; j++) {
    const s = splits[j] as string;
    if (s !== "") b += s;
    if (j < splits.length - 1 && splits[j + 1] !== "" && !(j === 0 && s === "")) b += ".";
  }
  return b;
}

/** transformTokenize: `foo.*.*` -> `foo.$1.$2` (wildcards as placeholders). */
export function transformTokenize(subject: string): string {
  let i = 1;
  return subject
    .split(".")
    .map((t) => (t === "*" ? `$${i++}` : t))
    .join(".");
}

/** transformUntokenize: `foo.$1.$2` -> `foo.*.*`, with the placeholders in order. */
export function transformUntokenize(subject: string): { subject: string; placeholders: string[] } {
  const placeholders: string[] = [];
  const out = subject.split(".").map((t) => {
    if (t.length > 1 && t[0] === "$" && t[1]! >= "1" && t[1]! <= "9") {
      placeholders.push(t);
      return "*";
    }
    return t;
  });
  return { subject: out.join("."), placeholders };
}
