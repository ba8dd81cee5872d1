// The CONNECT options, read field by field from the client's JSON. Go's json.Unmarshal into the
// ClientOpts struct is the model: unknown fields are ignored, a known field of the wrong JSON type is an
// error (the connection closes with Protocol Violation), and nothing from the JSON can reach an
// object's prototype because only named fields are copied out.

export interface ConnectOptions {
  verbose: boolean;
  pedantic: boolean;
  echo: boolean;
  headers: boolean;
  noResponders: boolean;
  tlsRequired: boolean;
  name: string;
  lang: string;
  version: string;
  protocol: number;
  user: string;
  pass: string;
  authToken: string;
  nkey: string;
  sig: string;
  jwt: string;
  account: string;
  newAccount: boolean;
}

/** The client's current settings serve as defaults (nats-server starts from defaultOpts). */
export interface ConnectDefaults {
  verbose: boolean;
  pedantic: boolean;
  echo: boolean;
}

export function parseConnect(arg: Uint8Array, defaults: ConnectDefaults): ConnectOptions {
  const parsed: unknown = JSON.parse(new TextDecoder().decode(arg));
  if (parsed !== null && (typeof parsed !== "object" || Array.isArray(parsed))) {
    throw new Error(`json: cannot unmarshal ${describe(parsed)} into Go value of type server.ClientOpts`);
  }
  // `null` unmarshals to nothing: the defaults stand.
  const o = foldKeys(parsed === null ? {} : (parsed as Record<string, unknown>));
  return {
    verbose: bool(o, "verbose", defaults.verbose),
    pedantic: bool(o, "pedantic", defaults.pedantic),
    echo: bool(o, "echo", defaults.echo),
    headers: bool(o, "headers", false),
    noResponders: bool(o, "no_responders", false),
    tlsRequired: bool(o, "tls_required", false),
    name: str(o, "name"),
    lang: str(o, "lang"),
    version: str(o, "version"),
    protocol: int(o, "protocol"),
    user: str(o, "user"),
    pass: str(o, "pass"),
    authToken: str(o, "auth_token"),
    nkey: str(o, "nkey"),
    sig: str(o, "sig"),
    jwt: str(o, "jwt"),
    account: str(o, "account"),
    newAccount: bool(o, "new_account", false),
  };
}

/**
 * Go's encoding/json matches field names case-insensitively, and a later duplicate wins. Fold the keys
 * to lower case into a prototype-less map, so `__proto__` is just another ignored key.
 */
function foldKeys(o: Record<string, unknown>): Record<string, unknown> {
  const folded = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(o)) folded[key.toLowerCase()] = o[key];
  return folded;
}

function own(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function bool(o: Record<string, unknown>, key: string, dflt: boolean): boolean {
  const v = own(o, key);
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "boolean") throw typeError(v, key, "bool");
  return v;
}

function str(o: Record<string, unknown>, key: string): string {
  const v = own(o, key);
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw typeError(v, key, "string");
  return v;
}

function int(o: Record<string, unknown>, key: string): number {
  const v = own(o, key);
  if (v === undefined || v === null) return 0;
  if (typeof v !== "number" || !Number.isInteger(v)) throw typeError(v, key, "int");
  return v;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  return typeof v === "object" ? "object" : typeof v;
}

function typeError(v: unknown, key: string, want: string): Error {
  return new Error(`json: cannot unmarshal ${describe(v)} into Go struct field ClientOpts.${key} of type ${want}`);
}
