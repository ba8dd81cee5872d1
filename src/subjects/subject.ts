// Subject helpers: validation, literal/wildcard checks and wildcard matching, ported from
// nats-server v2.9.10 server/sublist.go. Subjects are latin1 "binary strings" (one char per wire
// byte), so charCodeAt() reads the byte and no UTF-8 decoding is involved.
//
// Everything here walks the string with index loops (no regexes, no split) because several of
// these run per message (pedantic publish checks, permission filters, the match cache).

/** Token separator and wildcard bytes, as sublist.go's btsep, pwc, fwc. */
export const TSEP = 0x2e; // '.'
export const PWC = 0x2a; // '*'
export const FWC = 0x3e; // '>'

/** Whitespace that makes a subject token invalid, as IsValidSubject's "\t\n\f\r ". */
function isSubjectSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

/**
 * IsValidSubject: non-empty, no empty tokens, `>` only as the last token, no whitespace.
 * `*` and `>` that are not whole tokens ("foo*", ">bar") are plain characters, as in the reference.
 */
export function isValidSubject(subject: string): boolean {
  const len = subject.length;
  if (len === 0) return false;
  let start = 0;
  let sfwc = false;
  for (let i = 0; i <= len; i++) {
    const c = i < len ? subject.charCodeAt(i) : TSEP;
    if (c === TSEP) {
      const tlen = i - start;
      if (tlen === 0 || sfwc) return false;
      if (tlen === 1 && subject.charCodeAt(start) === FWC) sfwc = true;
      start = i + 1;
    } else if (isSubjectSpace(c)) {
      return false;
    }
  }
  return true;
}

/**
 * IsValidLiteralSubject: no empty tokens and no wildcard tokens. As the reference, this does not
 * look for whitespace (the protocol parser already splits on it); client.go uses this one for the
 * pedantic PUB check, so keeping its exact semantics keeps pedantic mode a drop-in.
 */
export function isValidLiteralSubject(subject: string): boolean {
  const len = subject.length;
  let start = 0;
  for (let i = 0; i <= len; i++) {
    if (i < len && subject.charCodeAt(i) !== TSEP) continue;
    const tlen = i - start;
    if (tlen === 0) return false;
    if (tlen === 1) {
      const c = subject.charCodeAt(start);
      if (c === PWC || c === FWC) return false;
    }
    start = i + 1;
  }
  return true;
}

/** IsValidPublishSubject: IsValidSubject (so also no whitespace) and literal. */
export function isValidPublishSubject(subject: string): boolean {
  return isValidSubject(subject) && subjectIsLiteral(subject);
}

/**
 * Queue group names. nats-server v2.9.10 does no validation of its own on SUB's queue argument:
 * whatever the parser splits out (a non-empty run of non-whitespace bytes) is accepted, dots and
 * `*`/`>` included. So this only rejects what could not have come off the wire as one argument.
 * (2.10+ additionally requires queues named in permission config to be valid subjects; use
 * isValidSubject for that.)
 */
export function isValidQueueName(queue: string): boolean {
  const len = queue.length;
  if (len === 0) return false;
  for (let i = 0; i < len; i++) {
    if (isSubjectSpace(queue.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * subjectIsLiteral: true when no token is exactly `*` or `>`. Fast and does not validate,
 * as the reference (used by the cache layer).
 */
export function subjectIsLiteral(subject: string): boolean {
  const len = subject.length;
  for (let i = 0; i < len; i++) {
    const c = subject.charCodeAt(i);
    if (c === PWC || c === FWC) {
      if ((i === 0 || subject.charCodeAt(i - 1) === TSEP) && (i + 1 === len || subject.charCodeAt(i + 1) === TSEP)) {
        return false;
      }
    }
  }
  return true;
}

/** subjectHasWildcard: !subjectIsLiteral. */
export function subjectHasWildcard(subject: string): boolean {
  return !subjectIsLiteral(subject);
}

/**
 * matchLiteral(literal, subject) of the reference: does the literal subject match the (possibly
 * wildcard) filter? `*` and `>` count as wildcards only when they are whole tokens.
 */
export function subjectMatchesFilter(subject: string, filter: string): boolean {
  const literal = subject;
  const ll = literal.length;
  const ls = filter.length;
  let li = 0;
  for (let i = 0; i < ls; i++) {
    if (li >= ll) return false;
    const c = filter.charCodeAt(i);
    if (c === PWC) {
      if (i === 0 || filter.charCodeAt(i - 1) === TSEP) {
        if (i === ls - 1) {
          // Last token of the filter is `*`: the rest of the literal must be a single token.
          for (;;) {
            if (li >= ll) return true;
            if (literal.charCodeAt(li) === TSEP) return false;
            li++;
          }
        } else if (filter.charCodeAt(i + 1) === TSEP) {
          // Skip one literal token; a separator must follow it.
          for (;;) {
            if (li >= ll) return false;
            if (literal.charCodeAt(li) === TSEP) break;
            li++;
          }
          i++; // both now sit on '.', compared below
        }
      }
    } else if (c === FWC) {
      if ((i === 0 || filter.charCodeAt(i - 1) === TSEP) && i === ls - 1) return true;
    }
    if (filter.charCodeAt(i) !== literal.charCodeAt(li)) return false;
    li++;
  }
  return li >= ll;
}

/** Splits on '.' into `out` (reused by callers), returns the token count. Empty tokens kept. */
export function tokenizeSubject(subject: string, out: string[]): number {
  let n = 0;
  let start = 0;
  for (;;) {
    const dot = subject.indexOf(".", start);
    if (dot < 0) break;
    out[n++] = subject.substring(start, dot);
    start = dot + 1;
  }
  out[n++] = subject.substring(start);
  return n;
}

function isPwcToken(t: string): boolean {
  return t.length === 1 && t.charCodeAt(0) === PWC;
}
function isFwcToken(t: string): boolean {
  return t.length === 1 && t.charCodeAt(0) === FWC;
}

/**
 * isSubsetMatchTokenized of the reference: is every subject matched by `tokens` also matched by
 * `test`? Both may hold wildcards: "foo.*" is a subset of ">", "*.*" and "foo.*" but not of
 * "foo.bar". Empty tokens make it false.
 */
export function isSubsetMatchTokenized(tokens: readonly string[], nt: number, test: readonly string[], ntest: number): boolean {
  for (let i = 0; i < ntest; i++) {
    if (i >= nt) return false;
    const t2 = test[i]!;
    if (t2.length === 0) return false;
    if (isFwcToken(t2)) return true;
    const t1 = tokens[i]!;
    if (t1.length === 0 || isFwcToken(t1)) return false;
    if (isPwcToken(t1)) {
      if (!isPwcToken(t2)) return false;
      continue;
    }
    if (!isPwcToken(t2) && t1 !== t2) return false;
  }
  return nt === ntest;
}

const subsetA: string[] = [];
const subsetB: string[] = [];

/** subjectIsSubsetMatch(subject, test) of the reference (see isSubsetMatchTokenized). */
export function subjectIsSubsetMatch(subject: string, test: string): boolean {
  const na = tokenizeSubject(subject, subsetA);
  const nb = tokenizeSubject(test, subsetB);
  return isSubsetMatchTokenized(subsetA, na, subsetB, nb);
}

/** numTokens of the reference: 0 for "", else separators + 1. */
export function numTokens(subject: string): number {
  if (subject.length === 0) return 0;
  let n = 1;
  for (let i = subject.indexOf("."); i >= 0; i = subject.indexOf(".", i + 1)) n++;
  return n;
}

/** tokenAt of the reference: 1-based token, "" when out of range. */
export function tokenAt(subject: string, index: number): string {
  let ti = 1;
  let start = 0;
  for (let i = 0; i < subject.length; i++) {
    if (subject.charCodeAt(i) === TSEP) {
      if (ti === index) return subject.substring(start, i);
      start = i + 1;
      ti++;
    }
  }
  return ti === index ? subject.substring(start) : "";
}

/** analyzeTokens of the reference: any `*` token, any `>` token. */
function analyzeTokens(tokens: readonly string[]): { pwc: boolean; fwc: boolean } {
  let pwc = false;
  let fwc = false;
  for (const t of tokens) {
    if (t.length !== 1) continue;
    if (t === "*") pwc = true;
    else if (t === ">") fwc = true;
  }
  return { pwc, fwc };
}

/** tokensCanMatch of the reference. */
function tokensCanMatch(t1: string, t2: string): boolean {
  if (t1.length === 0 || t2.length === 0) return false;
  const a = t1[0];
  const b = t2[0];
  if (a === "*" || b === "*" || a === ">" || b === ">") return true;
  return t1 === t2;
}

/** SubjectsCollide of the reference: could both subjects match one literal subject? (Not for the hot path.) */
export function subjectsCollide(subj1: string, subj2: string): boolean {
  if (subj1 === subj2) return true;
  const toks1 = subj1.split(".");
  const toks2 = subj2.split(".");
  const a1 = analyzeTokens(toks1);
  const a2 = analyzeTokens(toks2);
  const l1 = !(a1.pwc || a1.fwc);
  const l2 = !(a2.pwc || a2.fwc);
  if (l1 && l2) return false;
  if (l1 && !l2) return isSubsetMatchTokenized(toks1, toks1.length, toks2, toks2.length);
  if (l2 && !l1) return isSubsetMatchTokenized(toks2, toks2.length, toks1, toks1.length);
  if (!a1.fwc && !a2.fwc && toks1.length !== toks2.length) return false;
  if (toks1.length !== toks2.length) {
    if ((toks1.length < toks2.length && !a1.fwc) || (toks2.length < toks1.length && !a2.fwc)) return false;
  }
  const stop = Math.min(toks1.length, toks2.length);
  for (let i = 0; i < stop; i++) if (!tokensCanMatch(toks1[i]!, toks2[i]!)) return false;
  return true;
}
