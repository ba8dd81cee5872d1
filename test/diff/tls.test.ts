// TLS on the client port, as a client sees it: INFO fields, who is accepted, plaintext on a TLS port.
// Recorded nats-server 2.9.10 answers. Certificates come from test/helpers/certs.ts (generated per run).
import { readFileSync } from "node:fs";
import type { Conversation } from "./conversation.ts";
import { testCerts } from "../helpers/certs.ts";
import { CONNECT_QUIET, diffSuite, referenceInfo } from "./suite.ts";

const certs = testCerts();
const pem = (path: string): string => readFileSync(path, "utf8");
const ca = pem(certs.ca.cert);
const withCert = (pair: { cert: string; key: string }) => ({ ca, cert: pem(pair.cert), key: pem(pair.key) });

const tlsBlock = (extra: string): string => `tls {
  cert_file: "${certs.server.cert}"
  key_file: "${certs.server.key}"
  ca_file: "${certs.ca.cert}"
  ${extra}
}
`;
const VERIFY = tlsBlock("verify: true");
const NO_VERIFY = tlsBlock("");
const MAP = `${tlsBlock("verify_and_map: true")}authorization {
  users = [ { user: "${certs.email.user}" }, { user: "${certs.dn.user}" } ]
}
`;
const MIXED = `${NO_VERIFY}allow_non_tls: true\n`;

const conversations: Conversation[] = [
  {
    name: "INFO with tls and verify",
    config: VERIFY,
    steps: [{ info: referenceInfo({ tls_required: true, tls_verify: true }) }, { tlsProbe: withCert(certs.client), outcome: "accepted" }],
  },
  {
    name: "INFO with tls, no verify",
    config: NO_VERIFY,
    steps: [{ info: referenceInfo({ tls_required: true }) }, { tlsProbe: { ca }, outcome: "accepted" }],
  },
  {
    name: "INFO with verify_and_map",
    config: MAP,
    steps: [{ info: referenceInfo({ auth_required: true, tls_required: true, tls_verify: true }) }, { tlsProbe: withCert(certs.email), outcome: "accepted" }],
  },
  {
    name: "INFO in mixed mode (allow_non_tls)",
    config: MIXED,
    steps: [{ info: referenceInfo({ tls_available: true }) }, { send: CONNECT_QUIET }, { ping: true }],
  },
  {
    name: "mixed mode: a TLS client is accepted too",
    config: MIXED,
    steps: [{ tlsProbe: { ca }, outcome: "accepted" }],
  },
  {
    name: "verify: a client without a certificate is rejected",
    config: VERIFY,
    steps: [{ tlsProbe: { ca }, outcome: "rejected" }],
  },
  {
    name: "verify: a certificate from a foreign CA is rejected",
    config: VERIFY,
    steps: [{ tlsProbe: withCert(certs.foreignClient), outcome: "rejected" }],
  },
  {
    name: "verify: an expired certificate is rejected",
    config: VERIFY,
    steps: [{ tlsProbe: withCert(certs.expiredClient), outcome: "rejected" }],
  },
  {
    name: "verify_and_map: the subject DN maps to a user",
    config: MAP,
    steps: [{ tlsProbe: withCert(certs.dn), outcome: "accepted" }],
  },
  {
    name: "verify_and_map: a certificate matching no user gets Authorization Violation",
    config: MAP,
    steps: [{ tlsProbe: withCert(certs.dns), outcome: JSON.stringify("-ERR 'Authorization Violation'") }],
  },
  {
    name: "plaintext CONNECT on a TLS port",
    config: NO_VERIFY,
    steps: [{ send: CONNECT_QUIET + "PING\r\n" }, { closed: true }],
  },
];

diffSuite("tls", conversations, { binary: true });
