// Go's json.Unmarshal errors as the $SYS services report them: unit cases, and the same bodies sent to
// nats-server's `$SYS.REQ.SERVER.PING.CONNZ`, whose 400 description must equal ours.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { checkValid, goUnmarshal } from "../../src/system/gojson.ts";
import { ConnzEventOptions, eventFilter, filterRequest, StatszEventOptions, Values } from "../../src/system/options.ts";
import { hasReference, startReference, type ProcessServer } from "../helpers/ref.ts";
import { requestAll, SYS_CONFIG } from "./harness.ts";

/** Bodies covering the scanner's and the decoder's error paths, plus accepted ones. */
const BODIES = [
  "notjson",
  "{",
  "{}",
  "null",
  "[]",
  '"x"',
  "5",
  "true",
  '{"state":"x"}',
  '{"state":1.5}',
  '{"cid":-1}',
  '{"offset":1e2}',
  '{"limit":99999999999999999999}',
  '{"sort":5}',
  '{"auth":"yes"}',
  '{"tags":"a"}',
  '{"tags":[1]}',
  '{"tags":["a",null]}',
  '{"AUTH":true,"Limit":2}',
  '{"unknown":{"deep":[1,2,{"x":null}]}}',
  '{"a" 1}',
  '{"a":1 "b":2}',
  "[1 2]",
  "{1:2}",
  '{"a":tru}',
  '{"a":nul}',
  '{"a":fals}',
  '{"a":-}',
  '{"a":1.}',
  '{"a":1.5e}',
  '{"a":1.5e+x}',
  '{"a":"\\x"}',
  '{"a":"\\u12G4"}',
  '{"a":"\x01"}',
  '{"a":01}',
  "{} x",
  "  ",
  '{"state":2,"sort":"cid"} ',
  "{'a':1}",
  '{"a":[}',
];

describe("goUnmarshal", () => {
  test("decodes fields by exact then case-insensitive name, ignores unknown keys and nulls", () => {
    const d = goUnmarshal('{"AUTH":true,"limit":3,"state":null,"x":[1],"tags":["a"]}', ConnzEventOptions);
    expect(d.ok).toBe(true);
    if (d.ok) expect(Object.fromEntries(d.values)).toEqual({ auth: true, limit: 3, tags: ["a"] });
  });
  test("reports the first type error with the struct and field names", () => {
    expect(goUnmarshal('{"state":"x","auth":1}', ConnzEventOptions)).toEqual({
      ok: false,
      error: "json: cannot unmarshal string into Go struct field ConnzEventOptions.state of type server.ConnState",
    });
    expect(goUnmarshal('{"tags":[1]}', StatszEventOptions)).toEqual({
      ok: false,
      error: "json: cannot unmarshal number into Go struct field StatszEventOptions.tags of type string",
    });
    expect(goUnmarshal("[]", ConnzEventOptions)).toEqual({
      ok: false,
      error: "json: cannot unmarshal array into Go value of type server.ConnzEventOptions",
    });
  });
  test("syntax errors are scanner.go's", () => {
    expect(checkValid("notjson")).toBe("invalid character 'o' in literal null (expecting 'u')");
    expect(checkValid("{")).toBe("unexpected end of JSON input");
    expect(checkValid("{} x")).toBe("invalid character 'x' after top-level value");
    expect(checkValid('{"a":1}')).toBeUndefined();
  });
});

describe.if(hasReference())("goUnmarshal equals nats-server's json.Unmarshal (CONNZ request bodies)", () => {
  let ref: ProcessServer;
  let nc: NatsConnection;
  beforeAll(async () => {
    ref = await startReference({ config: SYS_CONFIG });
    nc = await connect({ port: ref.port, user: "sys", pass: "sys" });
  });
  afterAll(async () => {
    await nc?.close();
    await ref?.stop();
  });

  test("every body: same error text, or both accepted (or both silent: a filter that is not for this server)", async () => {
    const target = { name: "sysdiff", host: "0.0.0.0", cluster: "", tags: [], domain: "" };
    const mismatches: string[] = [];
    for (const body of BODIES) {
      const answers = (await requestAll(nc, "$SYS.REQ.SERVER.PING.CONNZ", body, 300, 1)) as { error?: { code: number; description: string } }[];
      const r = answers[0];
      const theirs = r === undefined ? "(silent)" : r.error?.code === 400 ? r.error.description : "(accepted)";
      const d = goUnmarshal(body, ConnzEventOptions);
      const ours = !d.ok ? d.error : filterRequest(eventFilter(new Values(d.values)), target) ? "(silent)" : "(accepted)";
      if (theirs !== ours) mismatches.push(`${JSON.stringify(body)}: nats-server ${JSON.stringify(theirs)}, bnats ${JSON.stringify(ours)}`);
    }
    expect(mismatches).toEqual([]);
  });
});
