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

/** nats-server's defaultOpts: what a client has before any CONNECT (verbose, pedantic and echo on). */
export function defaultConnectOptions(): ConnectOptions {
  return {
    verbose: true,
    pedantic: true,
    echo: true,
    headers: false,
    noResponders: false,
    tlsRequired: false,
    name: "",
    lang: "",
    version: "",
    protocol: 0,
    user: "",
    pass: "",
    authToken: "",
    nkey: "",
    sig: "",
    jwt: "",
    account: "",
    newAccount: false,
  };
}

/**
 * The client's options after this CONNECT. The reference unmarshals every CONNECT into the same
 * c.opts, so a field a later CONNECT leaves out (or sends as null) keeps its earlier value.
 */
export function parseConnect(arg: Uint8Array, previous: ConnectOptions): ConnectOptions {
  const parsed: unknown = JSON.parse(new TextDecoder().decode(arg));
  if (parsed !== null && (typeof parsed !== "object" || Array.isArray(parsed))) {
    throw new Error(`json: cannot unmarshal ${describe(parsed)} into Go value of type server.ClientOpts`);
  }
  // `null` unmarshals to nothing: the previous values stand.
  const o = foldKeys(parsed === null ? {} : (parsed as Record<string, unknown>));
  const p = previous;
  return {
    verbose: bool(o, "verbose", p.verbose),
    pedantic: bool(o, "pedantic", p.pedantic),
    echo: bool(o, "echo", p.echo),
    headers: bool(o, "headers", p.headers),
    noResponders: bool(o, "no_responders", p.noResponders),
    tlsRequired: bool(o, "tls_required", p.tlsRequired),
    name: str(o, "name", p.name),
    lang: str(o, "lang", p.lang),
    version: str(o, "version", p.version),
    protocol: int(o, "protocol", p.protocol),
    user: str(o, "user", p.user),
    pass: str(o, "pass", p.pass),
    authToken: str(o, "auth_token", p.authToken),
    nkey: str(o, "nkey", p.nkey),
    sig: str(o, "sig", p.sig),
    jwt: str(o, "jwt", p.jwt),
    account: str(o, "account", p.account),
    newAccount: bool(o, "new_account", p.newAccount),
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

function str(o: Record<string, unknown>, key: string, dflt: string): string {
  const v = own(o, key);
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "string") throw typeError(v, key, "string");
  return v;
}

function int(o: Record<string, unknown>, key: string, dflt: number): number {
  const v = own(o, key);
  if (v === undefined || v === null) return dflt;
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
