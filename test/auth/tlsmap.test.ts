import { describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { defaultOptions, type Options } from "../../src/options.ts";
import { Authenticator } from "../../src/auth/authenticator.ts";
import { goSubjectString, mapCertToUser, parseDN, peerCertInfoFromDER, type PeerCertInfo } from "../../src/auth/tlsmap.ts";

// openssl req -x509 ... -subj "/DC=com/DC=example/C=US/ST=CA/O=Syn\, Inc/OU=a+OU=b/CN=alice/emailAddress=al@x.io"
//   -addext "subjectAltName=DNS:foo.com,email:al@x.io,URI:spiffe://x/y,IP:127.0.0.1"
const PEM = `-----BEGIN CERTIFICATE-----
MIICvTCCAmSgAwIBAgIUU2MmlYf5EwQtHVfTeBpqlMU5aRIwCgYIKoZIzj0EAwIw
gZkxEzARBgoJkiaJk/IsZAEZFgNjb20xFzAVBgoJkiaJk/IsZAEZFgdleGFtcGxl
MQswCQYDVQQGEwJVUzELMAkGA1UECAwCQ0ExETAPBgNVBAoMCFN5biwgSW5jMRQw
CAYDVQQLDAFhMAgGA1UECwwBYjEOMAwGA1UEAwwFYWxpY2UxFjAUBgkqhkiG9w0B
CQEWB2FsQHguaW8wIBcNMjYxMTI1MDk0MDM3WhgPMjEyNjExMDEwOTQwMzdaMIGZ
MRMwEQYKCZImiZPyLGQBGRYDY29tMRcwFQYKCZImiZPyLGQBGRYHZXhhbXBsZTEL
MAkGA1UEBhMCVVMxCzAJBgNVBAgMAkNBMREwDwYDVQQKDAhTeW4sIEluYzEUMAgG
A1UECwwBYTAIBgNVBAsMAWIxDjAMBgNVBAMMBWFsaWNlMRYwFAYJKoZIhvcNAQkB
FgdhbEB4LmlvMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE82uhmq/eMl6+Zwc8
nYdxfl4xLtoiv4vvfkYN/g2tBN6cdmMMCq51eDxtY1NNlNr59lDgbgEo/n8tD2jk
xtv1VaOBhTCBgjAdBgNVHQ4EFgQUN/Mr6IIMlSFUSXsPuu4YQiJieBEwHwYDVR0j
BBgwFoAUN/Mr6IIMlSFUSXsPuu4YQiJieBEwDwYDVR0TAQH/BAUwAwEB/zAvBgNV
HREEKDAmggdmb28uY29tgQdhbEB4LmlvhgxzcGlmZmU6Ly94L3mHBH8AAAEwCgYI
KoZIzj0EAwIDRwAwRAIgHDd7RdIL5vGj1U7D04UDdC+u5o8voZga2g/IVr3tgH8C
IGrcJJ8oO8JIxDWQ7geqxBYwvKjpVSlBLoW+3VMKhYWh
-----END CERTIFICATE-----`;

function fake(p: Partial<PeerCertInfo>): PeerCertInfo {
  return { emailAddresses: [], dnsNames: [], uris: [], subject: [], ...p };
}

const subj = (...rdns: [string, string][][]): PeerCertInfo["subject"] => rdns.map((r) => r.map(([type, value]) => ({ type, value })));

describe("certificate parsing", () => {
  const info = peerCertInfoFromDER(new Uint8Array(new X509Certificate(PEM).raw));
  test("SANs and subject in certificate order", () => {
    expect(info.emailAddresses).toEqual(["al@x.io"]);
    expect(info.dnsNames).toEqual(["foo.com"]);
    expect(info.uris).toEqual(["spiffe://x/y"]);
    expect(info.subject).toEqual(
      subj(
        [["DC", "com"]],
        [["DC", "example"]],
        [["C", "US"]],
        [["ST", "CA"]],
        [["O", "Syn, Inc"]],
        [["OU", "a"], ["OU", "b"]],
        [["CN", "alice"]],
        [["1.2.840.113549.1.9.1", "al@x.io"]],
      ),
    );
  });
  test("Go's RDN string drops unknown attributes and DCs, reverses the pkix order", () => {
    expect(goSubjectString(info)).toBe("CN=alice,OU=b,OU=a,O=Syn\\, Inc,ST=CA,C=US");
  });
  test("mapping order: e-mail, DNS, URI, RDN+DCs, RDN", () => {
    expect(mapCertToUser(info, ["foo.com", "al@x.io"])).toBe("al@x.io");
    expect(mapCertToUser(info, ["foo.com", "spiffe://x/y"])).toBe("foo.com");
    expect(mapCertToUser(info, ["spiffe://x/y"])).toBe("spiffe://x/y");
    const rdn = "CN=alice,OU=b,OU=a,O=Syn\\, Inc,ST=CA,C=US";
    expect(mapCertToUser(info, [rdn, rdn + ",DC=com,DC=example"])).toBe(rdn + ",DC=com,DC=example");
    expect(mapCertToUser(info, [rdn])).toBe(rdn);
    expect(mapCertToUser(info, ["alice", "CN=alice"])).toBeNull();
  });
});

describe("DN matching (ldap DistinguishedNameMatch)", () => {
  const info = fake({ subject: subj([["C", "US"]], [["O", "Acme"]], [["OU", "eng"]], [["CN", "bob"]]) });
  test("exact order, any order, case of types", () => {
    expect(mapCertToUser(info, ["CN=bob,OU=eng,O=Acme,C=US"])).toBe("CN=bob,OU=eng,O=Acme,C=US");
    expect(mapCertToUser(info, ["cn=bob, ou=eng, o=Acme, c=US"])).toBe("cn=bob, ou=eng, o=Acme, c=US");
    expect(mapCertToUser(info, ["C=US,O=Acme,OU=eng,CN=bob"])).toBe("C=US,O=Acme,OU=eng,CN=bob");
    expect(mapCertToUser(info, ["CN=Bob,OU=eng,O=Acme,C=US"])).toBeNull();
    expect(mapCertToUser(info, ["CN=bob,OU=eng,O=Acme"])).toBeNull();
  });
  test("exact order is preferred over a reordered match", () => {
    expect(mapCertToUser(info, ["C=US,O=Acme,OU=eng,CN=bob", "CN=bob,OU=eng,O=Acme,C=US"])).toBe("CN=bob,OU=eng,O=Acme,C=US");
  });
  test("parseDN", () => {
    expect(parseDN("CN=a\\,b,O=x")).toEqual([[{ type: "CN", value: "a,b" }], [{ type: "O", value: "x" }]]);
    expect(parseDN("CN=a+OU=b")).toEqual([[{ type: "CN", value: "a" }, { type: "OU", value: "b" }]]);
    expect(parseDN("CN=\\41bc")).toEqual([[{ type: "CN", value: "Abc" }]]);
    expect(parseDN("CN=#0101")).toBeNull();
    expect(parseDN("novalue")).toBeNull();
  });
  test("a certificate with nothing usable maps to nobody", () => {
    expect(mapCertToUser(fake({ dnsNames: ["x"] }), ["x"])).toBeNull();
  });
});

describe("verify_and_map through the Authenticator", () => {
  const tls = { certFile: "", keyFile: "", verify: true, map: true, timeout: 2000, handshakeFirst: 0, connectionRateLimit: 0 };
  const o: Partial<Options> = {
    tls,
    users: [
      { username: "CN=bob,OU=eng,O=Acme,C=US", password: "", permissions: { publish: { allow: ["bob.>"] } } },
      { username: "svc@acme.io", password: "" },
      { username: "withpw@acme.io", password: "pw" },
    ],
  };
  const a = new Authenticator({ ...defaultOptions(), ...o });
  test("the certificate picks the user; CONNECT user is ignored", () => {
    const cert = fake({ subject: subj([["C", "US"]], [["O", "Acme"]], [["OU", "eng"]], [["CN", "bob"]]) });
    const r = a.authenticate({ connect: { user: "svc@acme.io" }, peerCert: cert });
    expect(r?.user).toBe("CN=bob,OU=eng,O=Acme,C=US");
    expect(r?.method).toBe("tls_map");
    expect(r?.permissions).toEqual({ publish: { allow: ["bob.>"] } });
    expect(a.authenticate({ connect: {}, peerCert: fake({ emailAddresses: ["svc@acme.io"] }) })?.user).toBe("svc@acme.io");
  });
  test("no certificate, or an unmapped one, is refused", () => {
    expect(a.authenticate({ connect: { user: "svc@acme.io" } })).toBeNull();
    expect(a.authenticate({ connect: {}, peerCert: fake({ emailAddresses: ["x@y"] }) })).toBeNull();
  });
  test("a mapped user with a configured password still needs it", () => {
    const cert = fake({ emailAddresses: ["withpw@acme.io"] });
    expect(a.authenticate({ connect: {}, peerCert: cert })).toBeNull();
    expect(a.authenticate({ connect: { pass: "pw" }, peerCert: cert })?.user).toBe("withpw@acme.io");
  });
});
