// How nats-server 2.9.10 (Go's encoding/json) takes CONNECT and INFO arguments from a client: each line
// is followed by "SUB x 1" and "PING"; the answer shows whether the connection survived and whether it
// ended up verbose (an +OK for the CONNECT and the SUB). Recorded answers.
// Notable Go behaviours: field names match case-insensitively, a later duplicate key wins, null leaves
// the default, a wrong type or any trailing JSON closes the connection, invalid UTF-16 is accepted.
import type { Conversation } from "./conversation.ts";
import { OK, PONG, diffSuite } from "./suite.ts";

const VERBOSE = `${OK}${OK}${PONG}`;
const QUIET = PONG;

const TABLE: [line: string, outcome: string | "close"][] = [
  ["INFO {bad}\r\n", "close"],
  ["INFO []\r\n", "close"],
  ["INFO null\r\n", `${OK}${PONG}`],
  ["CONNECT []\r\n", "close"],
  ["CONNECT null\r\n", VERBOSE],
  ['CONNECT "str"\r\n', "close"],
  ['CONNECT {"verbose":1}\r\n', "close"],
  ['CONNECT {"name":5}\r\n', "close"],
  ['CONNECT {"protocol":"1"}\r\n', "close"],
  ['CONNECT {"protocol":1.5}\r\n', "close"],
  ['CONNECT {"protocol":1}\r\n', VERBOSE],
  ['CONNECT {"protocol":0}\r\n', VERBOSE],
  ['CONNECT {"verbose":true}{"x":1}\r\n', "close"],
  ["CONNECT {} {}\r\n", "close"],
  ['CONNECT {"verbose":false,"verbose":true}\r\n', VERBOSE],
  ['CONNECT {"verbose":true,"verbose":false}\r\n', QUIET],
  ['CONNECT {"verbose":null}\r\n', VERBOSE],
  ['CONNECT {"VERBOSE":false}\r\n', QUIET],
  ['CONNECT {"Verbose":false}\r\n', QUIET],
  ['CONNECT {"verb\\u006fse":false}\r\n', QUIET],
  ['CONNECT {"verbose":false,"pedantic":"x"}\r\n', "close"],
  ['CONNECT {"verbose":false,"echo":0}\r\n', "close"],
  ['CONNECT  {"verbose":false}\r\n', QUIET],
  ['CONNECT\t{"verbose":false}\r\n', QUIET],
  ['CONNECT {"verbose":false} \r\n', QUIET],
  ['CONNECT {"verbose" : false }\r\n', QUIET],
  ['CONNECT {"verbose":false,}\r\n', "close"],
  ["CONNECT {'verbose':false}\r\n", "close"],
  ['CONNECT {"verbose":false,"name":"\\ud800"}\r\n', QUIET],
  [`CONNECT {"verbose":false,"name":"${Buffer.from("é", "utf8").toString("latin1")}"}\r\n`, QUIET],
  ['CONNECT {"verbose":false,"headers":"yes"}\r\n', "close"],
  ['CONNECT {"verbose":false,"sig":123}\r\n', "close"],
  ['CONNECT {"verbose":false,"auth_token":1}\r\n', "close"],
  ['CONNECT {"verbose":false,"tls_required":true}\r\n', QUIET],
  ['CONNECT {"verbose":false,"protocol":1,"no_responders":true,"headers":true}\r\n', QUIET],
  ['CONNECT {"verbose":false}\r\nCONNECT {"verbose":true}\r\n', VERBOSE],
];

const conversations: Conversation[] = TABLE.map(([line, outcome]) => ({
  name: `${JSON.stringify(line)} -> ${outcome === "close" ? "close" : JSON.stringify(outcome)}`,
  steps:
    outcome === "close"
      ? [{ send: line + "SUB x 1\r\nPING\r\n" }, { closed: true as const }]
      : [{ send: line + "SUB x 1\r\nPING\r\n" }, { expect: outcome }],
}));

diffSuite("connect-json", conversations);
