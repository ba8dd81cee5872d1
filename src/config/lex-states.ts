// The state functions of the configuration lexer: a port of nats-server's conf/lex.go (v2.9.10),
// one function per state, each consuming input and returning the next state. See lexer.ts.

import { EOF, ItemType } from "./items.ts";
import type { LexerState as Lexer, StateFn } from "./lex-types.ts";


const mapStart = "{";
const mapEnd = "}";
const arrayStart = "[";
const arrayEnd = "]";
const arrayValTerm = ",";
const mapValTerm = ",";
const commentHashStart = "#";
const commentSlashStart = "/";
const dqStringStart = '"';
const dqStringEnd = '"';
const sqStringStart = "'";
const sqStringEnd = "'";
const optValTerm = ";";
const topOptStart = "{";
const topOptValTerm = ",";
const topOptTerm = "}";
const blockStart = "(";
const blockEnd = ")";

/** Escapes a rune for an error message, as the reference's escapeSpecial. */
function esc(r: string): string {
  if (r === "\n") return "\\n";
  if (r === EOF) return "\u0000";
  return r;
}

/** Go's %q of a one-character string. */
function q(c: string): string {
  return JSON.stringify(c);
}

// Character classes as the reference: isWhitespace is tab and space only; new lines are separate;
// unicode.IsSpace covers both and the other Unicode spaces.
function isWhitespace(r: string): boolean {
  return r === "\t" || r === " ";
}
function isNL(r: string): boolean {
  return r === "\n" || r === "\r";
}
function isSpace(r: string): boolean {
  return r !== EOF && /^\s$/u.test(r);
}
function isDigit(r: string): boolean {
  return r >= "0" && r <= "9" && r.length === 1;
}
function isKeySeparator(r: string): boolean {
  return r === "=" || r === ":";
}
function isNumberSuffix(r: string): boolean {
  return "kKmMgGtTpPeE".includes(r) && r.length === 1;
}

/** Ignores what was read and moves to nextState (the reference's lexSkip). */
function lexSkip(_lx: Lexer, nextState: StateFn): StateFn {
  return (lx: Lexer) => {
    lx.ignore();
    return nextState;
  };
}

export function lexTop(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (isSpace(r)) return lexSkip(lx, lexTop);
  switch (r) {
    case topOptStart:
      return lexSkip(lx, lexTop);
    case commentHashStart:
      lx.push(lexTop);
      return lexCommentStart;
    case commentSlashStart: {
      const rn = lx.next();
      if (rn === commentSlashStart) {
        lx.push(lexTop);
        return lexCommentStart;
      }
      lx.backup();
      // fallthrough (as the reference)
      if (lx.pos > lx.start) return lx.errorf("Unexpected EOF.");
      lx.emit(ItemType.EOF);
      return null;
    }
    case EOF:
      if (lx.pos > lx.start) return lx.errorf("Unexpected EOF.");
      lx.emit(ItemType.EOF);
      return null;
  }
  // Only a key can start here.
  lx.backup();
  lx.push(lexTopValueEnd);
  return lexKeyStart;
}

function lexTopValueEnd(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (r === commentHashStart) {
    lx.push(lexTop);
    return lexCommentStart;
  }
  if (r === commentSlashStart) {
    const rn = lx.next();
    if (rn === commentSlashStart) {
      lx.push(lexTop);
      return lexCommentStart;
    }
    lx.backup();
    return lexTopValueEnd; // fallthrough to the whitespace case
  }
  if (isWhitespace(r)) return lexTopValueEnd;
  if (isNL(r) || r === EOF || r === optValTerm || r === topOptValTerm || r === topOptTerm) {
    lx.ignore();
    return lexTop;
  }
  return lx.errorf(
    `Expected a top-level value to end with a new line, comment or EOF, but got '${esc(r)}' instead.`,
  );
}

function lexKeyStart(lx: Lexer): StateFn | null {
  const r = lx.peek();
  if (isKeySeparator(r)) return lx.errorf(`Unexpected key separator '${esc(r)}'`);
  if (isSpace(r)) {
    lx.next();
    return lexSkip(lx, lexKeyStart);
  }
  if (r === dqStringStart) {
    lx.next();
    return lexSkip(lx, lexDubQuotedKey);
  }
  if (r === sqStringStart) {
    lx.next();
    return lexSkip(lx, lexQuotedKey);
  }
  lx.ignore();
  lx.next();
  return lexKey;
}

function quotedKey(end: string): StateFn {
  const fn = (lx: Lexer): StateFn | null => {
    const r = lx.peek();
    if (r === end) {
      lx.emit(ItemType.Key);
      lx.next();
      return lexSkip(lx, lexKeyEnd);
    } else if (r === EOF) {
      if (lx.pos > lx.start) return lx.errorf("Unexpected EOF.");
      lx.emit(ItemType.EOF);
      return null;
    }
    lx.next();
    return fn;
  };
  return fn;
}
const lexDubQuotedKey = quotedKey(dqStringEnd);
const lexQuotedKey = quotedKey(sqStringEnd);

export function lexIncludeStart(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (isWhitespace(r)) return lexSkip(lx, lexIncludeStart);
  lx.backup();
  return lexInclude;
}

function includeQuoted(end: string, what: string): StateFn {
  const fn = (lx: Lexer): StateFn | null => {
    const r = lx.next();
    if (r === end) {
      lx.backup();
      lx.emit(ItemType.Include);
      lx.next();
      lx.ignore();
      return lx.pop();
    }
    if (r === EOF) return lx.errorf(`Unexpected EOF in ${what} include`);
    return fn;
  };
  return fn;
}
const lexIncludeQuotedString = includeQuoted(sqStringEnd, "quoted");
const lexIncludeDubQuotedString = includeQuoted(dqStringEnd, "double quoted");

function lexIncludeString(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (isNL(r) || r === EOF || r === optValTerm || r === mapEnd || isWhitespace(r)) {
    lx.backup();
    lx.emit(ItemType.Include);
    return lx.pop();
  }
  if (r === sqStringEnd) {
    lx.backup();
    lx.emit(ItemType.Include);
    lx.next();
    lx.ignore();
    return lx.pop();
  }
  return lexIncludeString;
}

function lexInclude(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (r === sqStringStart) {
    lx.ignore();
    return lexIncludeQuotedString;
  }
  if (r === dqStringStart) {
    lx.ignore();
    return lexIncludeDubQuotedString;
  }
  if (r === arrayStart) return lx.errorf("Expected include value but found start of an array");
  if (r === mapStart) return lx.errorf("Expected include value but found start of a map");
  if (r === blockStart) return lx.errorf("Expected include value but found start of a block");
  if (isDigit(r) || r === "-") return lx.errorf("Expected include value but found start of a number");
  if (r === "\\") return lx.errorf("Expected include value but found escape sequence");
  if (isNL(r)) return lx.errorf("Expected include value but found new line");
  lx.backup();
  return lexIncludeString;
}

function lexKey(lx: Lexer): StateFn | null {
  const r = lx.peek();
  if (isSpace(r)) {
    // A space may follow a keyword such as include.
    return lx.keyCheckKeyword(lexKeyEnd, null);
  } else if (isKeySeparator(r) || r === EOF) {
    lx.emit(ItemType.Key);
    return lexKeyEnd;
  }
  lx.next();
  return lexKey;
}

function lexKeyEnd(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (isSpace(r)) return lexSkip(lx, lexKeyEnd);
  if (isKeySeparator(r)) return lexSkip(lx, lexValue);
  if (r === EOF) {
    lx.emit(ItemType.EOF);
    return null;
  }
  lx.backup();
  return lexValue;
}

function lexValue(lx: Lexer): StateFn | null {
  // Whitespace may precede a value, new lines may not (arrays skip their own new lines).
  const r = lx.next();
  if (isWhitespace(r)) return lexSkip(lx, lexValue);
  if (r === arrayStart) {
    lx.ignore();
    lx.emit(ItemType.ArrayStart);
    return lexArrayValue;
  }
  if (r === mapStart) {
    lx.ignore();
    lx.emit(ItemType.MapStart);
    return lexMapKeyStart;
  }
  if (r === sqStringStart) {
    lx.ignore();
    return lexQuotedString;
  }
  if (r === dqStringStart) {
    lx.ignore();
    lx.stringStateFn = lexDubQuotedString;
    return lexDubQuotedString;
  }
  if (r === "-") return lexNegNumberStart;
  if (r === blockStart) {
    lx.ignore();
    return lexBlock;
  }
  if (isDigit(r)) {
    lx.backup();
    return lexNumberOrDateOrStringOrIPStart;
  }
  if (r === ".") return lx.errorf("Floats must start with a digit");
  if (isNL(r)) return lx.errorf("Expected value but found new line");
  lx.backup();
  lx.stringStateFn = lexString;
  return lexString;
}

function lexArrayValue(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (isSpace(r)) return lexSkip(lx, lexArrayValue);
  if (r === commentHashStart) {
    lx.push(lexArrayValue);
    return lexCommentStart;
  }
  if (r === commentSlashStart) {
    const rn = lx.next();
    if (rn === commentSlashStart) {
      lx.push(lexArrayValue);
      return lexCommentStart;
    }
    lx.backup();
    return lx.errorf(`Unexpected array value terminator '${arrayValTerm}'.`); // fallthrough
  }
  if (r === arrayValTerm) return lx.errorf(`Unexpected array value terminator '${arrayValTerm}'.`);
  if (r === arrayEnd) return lexArrayEnd;
  lx.backup();
  lx.push(lexArrayValueEnd);
  return lexValue;
}

function lexArrayValueEnd(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (isWhitespace(r)) return lexSkip(lx, lexArrayValueEnd);
  if (r === commentHashStart) {
    lx.push(lexArrayValueEnd);
    return lexCommentStart;
  }
  if (r === commentSlashStart) {
    const rn = lx.next();
    if (rn === commentSlashStart) {
      lx.push(lexArrayValueEnd);
      return lexCommentStart;
    }
    lx.backup();
    return lexSkip(lx, lexArrayValue); // fallthrough
  }
  if (r === arrayValTerm || isNL(r)) return lexSkip(lx, lexArrayValue);
  if (r === arrayEnd) return lexArrayEnd;
  return lx.errorf(
    `Expected an array value terminator ${q(arrayValTerm)} or an array terminator ${q(arrayEnd)}, but got '${esc(r)}' instead.`,
  );
}

function lexArrayEnd(lx: Lexer): StateFn | null {
  lx.ignore();
  lx.emit(ItemType.ArrayEnd);
  return lx.pop();
}

function lexMapKeyStart(lx: Lexer): StateFn | null {
  const r = lx.peek();
  if (isKeySeparator(r)) return lx.errorf(`Unexpected key separator '${esc(r)}'.`);
  if (r === arrayEnd) return lx.errorf(`Unexpected array end '${esc(r)}' processing map.`);
  if (isSpace(r)) {
    lx.next();
    return lexSkip(lx, lexMapKeyStart);
  }
  if (r === mapEnd) {
    lx.next();
    return lexSkip(lx, lexMapEnd);
  }
  if (r === commentHashStart) {
    lx.next();
    lx.push(lexMapKeyStart);
    return lexCommentStart;
  }
  if (r === commentSlashStart) {
    lx.next();
    const rn = lx.next();
    if (rn === commentSlashStart) {
      lx.push(lexMapKeyStart);
      return lexCommentStart;
    }
    lx.backup();
  } else if (r === sqStringStart) {
    lx.next();
    return lexSkip(lx, lexMapQuotedKey);
  } else if (r === dqStringStart) {
    lx.next();
    return lexSkip(lx, lexMapDubQuotedKey);
  } else if (r === EOF) {
    return lx.errorf("Unexpected EOF processing map.");
  }
  lx.ignore();
  lx.next();
  return lexMapKey;
}

function mapQuotedKey(end: string, what: string): StateFn {
  const fn = (lx: Lexer): StateFn | null => {
    const r = lx.peek();
    if (r === EOF) return lx.errorf(`Unexpected EOF processing ${what} map key.`);
    if (r === end) {
      lx.emit(ItemType.Key);
      lx.next();
      return lexSkip(lx, lexMapKeyEnd);
    }
    lx.next();
    return fn;
  };
  return fn;
}
const lexMapQuotedKey = mapQuotedKey(sqStringEnd, "quoted");
const lexMapDubQuotedKey = mapQuotedKey(dqStringEnd, "double quoted");

function lexMapKey(lx: Lexer): StateFn | null {
  const r = lx.peek();
  if (r === EOF) return lx.errorf("Unexpected EOF processing map key.");
  if (isSpace(r)) return lx.keyCheckKeyword(lexMapKeyEnd, lexMapValueEnd);
  if (isKeySeparator(r)) {
    lx.emit(ItemType.Key);
    return lexMapKeyEnd;
  }
  lx.next();
  return lexMapKey;
}

function lexMapKeyEnd(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (isSpace(r)) return lexSkip(lx, lexMapKeyEnd);
  if (isKeySeparator(r)) return lexSkip(lx, lexMapValue);
  lx.backup();
  return lexMapValue;
}

function lexMapValue(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (isSpace(r)) return lexSkip(lx, lexMapValue);
  if (r === mapValTerm) return lx.errorf(`Unexpected map value terminator ${q(mapValTerm)}.`);
  if (r === mapEnd) return lexSkip(lx, lexMapEnd);
  lx.backup();
  lx.push(lexMapValueEnd);
  return lexValue;
}

function lexMapValueEnd(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (isWhitespace(r)) return lexSkip(lx, lexMapValueEnd);
  if (r === commentHashStart) {
    lx.push(lexMapValueEnd);
    return lexCommentStart;
  }
  if (r === commentSlashStart) {
    const rn = lx.next();
    if (rn === commentSlashStart) {
      lx.push(lexMapValueEnd);
      return lexCommentStart;
    }
    lx.backup();
    return lexSkip(lx, lexMapKeyStart); // fallthrough
  }
  if (r === optValTerm || r === mapValTerm || isNL(r)) return lexSkip(lx, lexMapKeyStart);
  if (r === mapEnd) return lexSkip(lx, lexMapEnd);
  return lx.errorf(
    `Expected a map value terminator ${q(mapValTerm)} or a map terminator ${q(mapEnd)}, but got '${esc(r)}' instead.`,
  );
}

function lexMapEnd(lx: Lexer): StateFn | null {
  lx.ignore();
  lx.emit(ItemType.MapEnd);
  return lx.pop();
}

function lexQuotedString(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (r === sqStringEnd) {
    lx.backup();
    lx.emit(ItemType.String);
    lx.next();
    lx.ignore();
    return lx.pop();
  }
  if (r === EOF) {
    if (lx.pos > lx.start) return lx.errorf("Unexpected EOF.");
    lx.emit(ItemType.EOF);
    return null;
  }
  return lexQuotedString;
}

function lexDubQuotedString(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (r === "\\") {
    lx.addCurrentStringPart(1);
    return lexStringEscape;
  }
  if (r === dqStringEnd) {
    lx.backup();
    lx.emitString();
    lx.next();
    lx.ignore();
    return lx.pop();
  }
  if (r === EOF) {
    if (lx.pos > lx.start) return lx.errorf("Unexpected EOF.");
    lx.emit(ItemType.EOF);
    return null;
  }
  return lexDubQuotedString;
}

export function lexString(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (r === "\\") {
    lx.addCurrentStringPart(1);
    return lexStringEscape;
  }
  // Termination of bare strings.
  if (
    isNL(r) || r === EOF || r === optValTerm || r === arrayValTerm || r === arrayEnd || r === mapEnd ||
    isWhitespace(r)
  ) {
    lx.backup();
    if (lx.hasEscapedParts()) lx.emitString();
    else if (lx.isBool()) lx.emit(ItemType.Bool);
    else if (lx.isVariable()) lx.emit(ItemType.Variable);
    else lx.emitString();
    return lx.pop();
  }
  if (r === sqStringEnd) {
    lx.backup();
    lx.emitString();
    lx.next();
    lx.ignore();
    return lx.pop();
  }
  return lexString;
}

/** A `( ... )` block: everything up to a `)` alone on its line. */
function lexBlock(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (r === blockEnd) {
    lx.backup();
    lx.backup();
    // The reference backs up twice with a one-rune width: look at the rune before the ')'.
    if (lx.next() !== "\n") {
      lx.next();
      return lexBlock;
    }
    lx.next();
    const n = lx.next();
    if (n === "\n" || n === EOF || n === "\u0000") {
      lx.backup();
      lx.backup();
      lx.emit(ItemType.String);
      lx.next();
      lx.ignore();
      return lx.pop();
    }
    lx.backup();
    return lexBlock;
  }
  if (r === EOF) return lx.errorf("Unexpected EOF processing block.");
  return lexBlock;
}

function lexStringEscape(lx: Lexer): StateFn | null {
  const r = lx.next();
  switch (r) {
    case "x":
      return lexStringBinary;
    case "t":
      return lx.addStringPart("\t");
    case "n":
      return lx.addStringPart("\n");
    case "r":
      return lx.addStringPart("\r");
    case '"':
      return lx.addStringPart('"');
    case "\\":
      return lx.addStringPart("\\");
  }
  return lx.errorf(
    `Invalid escape character '${esc(r)}'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\", \\\\.`,
  );
}

function lexStringBinary(lx: Lexer): StateFn | null {
  let r = lx.next();
  if (isNL(r)) return lx.errorf("Expected two hexadecimal digits after '\\x', but hit end of line");
  r = lx.next();
  if (isNL(r)) return lx.errorf("Expected two hexadecimal digits after '\\x', but hit end of line");
  const hex = lx.input.slice(lx.pos - 2, lx.pos);
  if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
    return lx.errorf(`Expected two hexadecimal digits after '\\x', but got '${hex}'`);
  }
  // Go appends the raw byte; bytes >= 0x80 become latin1 characters here.
  lx.addStringPart(String.fromCharCode(parseInt(hex, 16)));
  return lx.stringStateFn;
}

function lexNumberOrDateOrStringOrIPStart(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (!isDigit(r)) {
    if (r === ".") return lx.errorf("Floats must start with a digit, not '.'.");
    return lx.errorf(`Expected a digit but got '${esc(r)}'.`);
  }
  return lexNumberOrDateOrStringOrIP;
}

function lexNumberOrDateOrStringOrIP(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (r === "-") {
    if (lx.pos - lx.start !== 5) return lx.errorf("All ISO8601 dates must be in full Zulu form.");
    return lexDateAfterYear;
  }
  if (isDigit(r)) return lexNumberOrDateOrStringOrIP;
  if (r === ".") return lexFloatStart; // a float, or maybe an IP
  if (isNumberSuffix(r)) return lexConvenientNumber;
  if (!(isNL(r) || r === EOF || r === mapEnd || r === optValTerm || r === mapValTerm || isWhitespace(r))) {
    // Not a number after all: a bare string that starts with digits.
    lx.stringStateFn = lexString;
    return lexString;
  }
  lx.backup();
  lx.emit(ItemType.Integer);
  return lx.pop();
}

/** A number with a size suffix, e.g. 1k or 1MB or 1GiB. */
function lexConvenientNumber(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (r === "b" || r === "B" || r === "i" || r === "I") return lexConvenientNumber;
  lx.backup();
  if (isNL(r) || r === EOF || r === mapEnd || r === optValTerm || r === mapValTerm || isWhitespace(r) || isDigit(r)) {
    lx.emit(ItemType.Integer);
    return lx.pop();
  }
  lx.stringStateFn = lexString;
  return lexString;
}

function lexDateAfterYear(lx: Lexer): StateFn | null {
  // '0' stands for a digit; everything else must match exactly.
  const format = "00-00T00:00:00Z";
  for (const f of format) {
    const r = lx.next();
    if (f === "0") {
      if (!isDigit(r)) return lx.errorf(`Expected digit in ISO8601 datetime, but found '${esc(r)}' instead.`);
    } else if (f !== r) {
      return lx.errorf(`Expected '${f}' in ISO8601 datetime, but found '${esc(r)}' instead.`);
    }
  }
  lx.emit(ItemType.Datetime);
  return lx.pop();
}

function lexNegNumberStart(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (!isDigit(r)) {
    if (r === ".") return lx.errorf("Floats must start with a digit, not '.'.");
    return lx.errorf(`Expected a digit but got '${esc(r)}'.`);
  }
  return lexNegNumber;
}

function lexNegNumber(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (isDigit(r)) return lexNegNumber;
  if (r === ".") return lexFloatStart;
  if (isNumberSuffix(r)) return lexConvenientNumber;
  lx.backup();
  lx.emit(ItemType.Integer);
  return lx.pop();
}

function lexFloatStart(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (!isDigit(r)) return lx.errorf(`Floats must have a digit after the '.', but got '${esc(r)}' instead.`);
  return lexFloat;
}

function lexFloat(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (isDigit(r)) return lexFloat;
  // Another '.': an IP address, not a float.
  if (r === ".") return lexIPAddr;
  lx.backup();
  lx.emit(ItemType.Float);
  return lx.pop();
}

/** IP addresses such as 127.0.0.1:4222. */
function lexIPAddr(lx: Lexer): StateFn | null {
  const r = lx.next();
  if (isDigit(r) || r === "." || r === ":" || r === "-") return lexIPAddr;
  lx.backup();
  lx.emit(ItemType.String);
  return lx.pop();
}

function lexCommentStart(lx: Lexer): StateFn | null {
  lx.ignore();
  lx.emit(ItemType.CommentStart);
  return lexComment;
}

function lexComment(lx: Lexer): StateFn | null {
  const r = lx.peek();
  if (isNL(r) || r === EOF) {
    lx.emit(ItemType.Text);
    return lx.pop();
  }
  lx.next();
  return lexComment;
}

