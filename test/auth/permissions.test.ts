import { describe, expect, test } from "bun:test";
import type { Permissions } from "../../src/options.ts";
import {
  CompiledPermissions,
  DEFAULT_ALLOW_RESPONSE_EXPIRATION,
  MAX_PERM_CACHE_SIZE,
  PermissionChecker,
  REPLY_PERM_LIMIT,
  canSubscribeWith,
  normalizePermissions,
  splitSubjectQueue,
} from "../../src/auth/permissions.ts";

function checker(p: Permissions, now?: () => number): PermissionChecker {
  return new PermissionChecker(new CompiledPermissions(p), now);
}

describe("publish permissions", () => {
  test("no publish block allows everything", () => {
    const c = checker({ subscribe: { allow: ["foo"] } });
    expect(c.checksPublish).toBe(false);
    expect(c.canPublish("anything.at.all")).toBe(true);
  });

  test("allow list (REQUESTOR of the reference's auths.conf)", () => {
    const c = checker({ publish: { allow: ["req.foo", "req.bar"] } });
    expect(c.canPublish("req.foo")).toBe(true);
    expect(c.canPublish("req.bar")).toBe(true);
    expect(c.canPublish("foo")).toBe(false);
    expect(c.canPublish("req.foo.x")).toBe(false);
    expect(c.canPublish("req")).toBe(false);
  });

  test("partial wildcard allow matches exactly one token", () => {
    const c = checker({ publish: { allow: ["SANDBOX.*"] } });
    expect(c.canPublish("SANDBOX.foo")).toBe(true);
    expect(c.canPublish("SANDBOX.bar")).toBe(true);
    expect(c.canPublish("SANDBOX.foo.bar")).toBe(false);
    expect(c.canPublish("SANDBOX")).toBe(false);
  });

  test("full wildcard allow matches one or more tokens", () => {
    const c = checker({ publish: { allow: ["foo.>"] } });
    expect(c.canPublish("foo.bar")).toBe(true);
    expect(c.canPublish("foo.bar.baz")).toBe(true);
    expect(c.canPublish("foo")).toBe(false);
    expect(c.canPublish("bar.foo")).toBe(false);
  });

  test("deny wins over allow (NEW_STYLE of auths.conf)", () => {
    const c = checker({ publish: { allow: ["*.*"], deny: ["SYS.*", "bar.baz", "foo.*"] } });
    expect(c.canPublish("SANDBOX.foo")).toBe(true);
    expect(c.canPublish("baz.bar")).toBe(true);
    expect(c.canPublish("baz.foo")).toBe(true);
    expect(c.canPublish("foo")).toBe(false);
    expect(c.canPublish("bar")).toBe(false);
    expect(c.canPublish("foo.bar")).toBe(false);
    expect(c.canPublish("foo.bar.baz")).toBe(false);
    expect(c.canPublish("SYS.1")).toBe(false);
    expect(c.canPublish("bar.baz")).toBe(false);
  });

  test("deny only: everything else allowed", () => {
    const c = checker({ publish: { deny: [">"] } });
    expect(c.canPublish("a")).toBe(false);
    const d = checker({ publish: { deny: ["secret.>"] } });
    expect(d.canPublish("secret.x")).toBe(false);
    expect(d.canPublish("secret")).toBe(true);
    expect(d.canPublish("public.x")).toBe(true);
  });

  test("an empty allow list allows nothing", () => {
    const c = checker({ publish: { allow: [] } });
    expect(c.canPublish("foo")).toBe(false);
    // An empty deny list is no deny list.
    const d = checker({ publish: { deny: [] } });
    expect(d.checksPublish).toBe(false);
    expect(d.canPublish("foo")).toBe(true);
  });

  test("wildcard tokens inside a published subject are literal (Sublist.Match semantics)", () => {
    const c = checker({ publish: { allow: ["foo.bar"] } });
    expect(c.canPublish("foo.*")).toBe(false);
    const d = checker({ publish: { allow: ["foo.*"] } });
    expect(d.canPublish("foo.*")).toBe(true);
    // '*' that is not a whole token is a plain character.
    const e = checker({ publish: { allow: ["foo*"] } });
    expect(e.canPublish("foo*")).toBe(true);
    expect(e.canPublish("fooo")).toBe(false);
  });

  test("subjects with empty tokens never match an entry", () => {
    const c = checker({ publish: { allow: ["foo.*.bar"] } });
    expect(c.canPublish("foo..bar")).toBe(false);
    const d = checker({ publish: { deny: ["foo.*.bar"] } });
    expect(d.canPublish("foo..bar")).toBe(true);
  });

  test("publish results are cached, bounded", () => {
    const compiled = new CompiledPermissions({ publish: { allow: ["ok.>"] } });
    const c = new PermissionChecker(compiled);
    for (let i = 0; i < 1000; i++) {
      expect(c.canPublish(`ok.${i}`)).toBe(true);
      expect(c.canPublish(`no.${i}`)).toBe(false);
      expect(compiled.pubCacheSize).toBeLessThanOrEqual(MAX_PERM_CACHE_SIZE + 1);
    }
    // Cached answers are still right.
    expect(c.canPublish("ok.999")).toBe(true);
    expect(c.canPublish("no.999")).toBe(false);
  });

  test("a publish entry with a space is a literal subject (no queue split for publish)", () => {
    const c = checker({ publish: { allow: ["foo bar"] } });
    expect(c.canPublish("foo")).toBe(false);
  });
});

describe("subscribe permissions", () => {
  test("no subscribe block allows everything", () => {
    const c = checker({ publish: { allow: ["x"] } });
    expect(c.canSubscribe(">")).toBe(true);
    expect(c.canSubscribe("foo", "q")).toBe(true);
  });

  test("an empty subscribe allow list means no allow list", () => {
    const c = checker({ subscribe: { allow: [] } });
    expect(c.canSubscribe("foo")).toBe(true);
  });

  test("allow list with wildcards: a SUB subject must be covered token for token", () => {
    const c = checker({ subscribe: { allow: ["_INBOX.*"] } });
    expect(c.canSubscribe("_INBOX.abcd")).toBe(true);
    expect(c.canSubscribe("_INBOX.*")).toBe(true);
    expect(c.canSubscribe("_INBOX.>")).toBe(true); // '>' is one literal token for '*'
    expect(c.canSubscribe("_INBOX.a.b")).toBe(false);
    expect(c.canSubscribe("foo")).toBe(false);
    expect(c.canSubscribe(">")).toBe(false);
  });

  test("a literal allow does not admit a wider wildcard subscription", () => {
    const c = checker({ subscribe: { allow: ["foo.bar"] } });
    expect(c.canSubscribe("foo.bar")).toBe(true);
    expect(c.canSubscribe("foo.*")).toBe(false);
    expect(c.canSubscribe("foo.>")).toBe(false);
    expect(c.canSubscribe(">")).toBe(false);
  });

  test("'>' allow admits everything including wildcards", () => {
    const c = checker({ subscribe: { allow: [">"] } });
    expect(c.canSubscribe(">")).toBe(true);
    expect(c.canSubscribe("a.*.c")).toBe(true);
  });

  test("allow and deny (NEW_STYLE and the reference's proto test)", () => {
    const c = checker({ subscribe: { allow: ["foo.*"], deny: ["foo.baz"] } });
    expect(c.canSubscribe("foo.bar")).toBe(true);
    expect(c.canSubscribe("foo.foo")).toBe(true);
    expect(c.canSubscribe("foo")).toBe(false);
    expect(c.canSubscribe("foo.baz")).toBe(false);
    // A wider wildcard is allowed; foo.baz is filtered at delivery instead.
    expect(c.filtersDelivery).toBe(false);
    expect(c.canSubscribe("foo.*")).toBe(true);
    expect(c.filtersDelivery).toBe(true);
    expect(c.denyDelivery("foo.baz")).toBe(true);
    expect(c.denyDelivery("foo.bar")).toBe(false);
  });

  test("deny list checks (SYS.> edge cases of the reference's proto test)", () => {
    const c = checker({ subscribe: { allow: ["foo.bar", "SYS.TEST.>"], deny: ["SYS.bar"] } });
    expect(c.canSubscribe("foo.bar")).toBe(true);
    expect(c.canSubscribe("foo.bar.baz")).toBe(false);
    expect(c.canSubscribe(">")).toBe(false);
    expect(c.canSubscribe("SYS.>")).toBe(false);
    expect(c.canSubscribe("SYS.TEST.foo")).toBe(true);
    expect(c.canSubscribe("SYS.bar")).toBe(false);
  });

  test("a wildcard subscription not covering any deny does not switch on the delivery filter", () => {
    const c = checker({ subscribe: { deny: ["foo.baz"] } });
    expect(c.canSubscribe("bar.*")).toBe(true);
    expect(c.filtersDelivery).toBe(false);
    expect(c.canSubscribe("bar.baz")).toBe(true);
    expect(c.filtersDelivery).toBe(false);
    expect(c.denyDelivery("foo.baz")).toBe(false);
    expect(c.canSubscribe(">")).toBe(true);
    expect(c.filtersDelivery).toBe(true);
    expect(c.denyDelivery("foo.baz")).toBe(true);
    expect(c.denyDelivery("foo.bar")).toBe(false);
  });

  test("delivery filter with a wildcard deny", () => {
    const c = checker({ subscribe: { deny: ["secret.>"] } });
    expect(c.canSubscribe("secret.x")).toBe(false);
    expect(c.canSubscribe("secret.>")).toBe(false);
    expect(c.canSubscribe("*.x")).toBe(true);
    expect(c.filtersDelivery).toBe(true);
    expect(c.denyDelivery("secret.x")).toBe(true);
    expect(c.denyDelivery("public.x")).toBe(false);
    // Cache stays bounded and correct.
    for (let i = 0; i < 2000; i++) expect(c.denyDelivery(`secret.${i}`)).toBe(true);
  });

  test("deny '>' with allow '>' refuses everything", () => {
    const c = checker({ subscribe: { allow: [">"], deny: [">"] } });
    expect(c.canSubscribe("foo")).toBe(false);
    expect(c.canSubscribe("foo", "bar")).toBe(false);
  });
});

describe("queue permissions (TestQueueSubscribePermissions of the reference)", () => {
  const cases: [string, Permissions["subscribe"], string, string | undefined, boolean][] = [
    ["plain subscription on foo", { allow: ["foo"] }, "foo", undefined, true],
    ["queue subscribe with allowed group", { allow: ["foo bar"] }, "foo", "bar", true],
    ["queue subscribe with wildcard allowed group", { allow: ["foo bar.*"] }, "foo", "bar.fizz", true],
    ["queue subscribe with full wildcard subject and subgroup", { allow: ["> bar.>"] }, "whizz", "bar.bang", true],
    ["plain subscribe with full wildcard subject and subgroup", { allow: ["> bar.>"] }, "whizz", undefined, false],
    ["deny plain subscription on foo", { allow: [">"], deny: ["foo"] }, "foo", "bar", false],
    ["allow plain subscription, except foo", { allow: [">"], deny: ["foo"] }, "bar", undefined, true],
    ["deny everything", { allow: [">"], deny: [">"] }, "foo", "bar", false],
    ["can only subscribe to queues v1", { allow: ["> v1.>"] }, "foo", "v1.prod", true],
    ["cannot subscribe to queues, plain subscribe ok", { allow: [">"], deny: ["> >"] }, "foo", undefined, true],
    ["cannot subscribe to queues, queue subscribe not ok", { deny: ["> >"] }, "foo", "bar", false],
    ["deny all queue subscriptions on dev or stg only", { deny: ["> *.dev", "> *.stg"] }, "foo", "bar", true],
    ["allow only queue subscription on dev or stg", { allow: ["> *.dev", "> *.stg"] }, "foo", "bar", false],
    ["allow only queue subscription on dev or stg (ok)", { allow: ["> *.dev", "> *.stg"] }, "foo", "bar.dev", true],
    ["queue on a plain-only allow is fine", { allow: ["foo"] }, "foo", "anyq", true],
    ["allow foo and foo v1: plain ok", { allow: ["foo", "foo v1"] }, "foo", undefined, true],
    ["allow foo and foo v1: other queue refused", { allow: ["foo", "foo v1"] }, "foo", "v2", false],
    ["allow foo and foo v1: v1 ok", { allow: ["foo", "foo v1"] }, "foo", "v1", true],
    ["literal '*' queue name", { allow: ["foo *"] }, "foo", "*", true],
    ["queue deny entry does not affect a plain sub", { deny: ["foo bar"] }, "foo", undefined, true],
    ["queue deny entry refuses that queue", { deny: ["foo bar"] }, "foo", "bar", false],
    ["queue deny entry leaves other queues", { deny: ["foo bar"] }, "foo", "baz", true],
  ];
  for (const [name, sub, subject, queue, want] of cases) {
    test(name, () => {
      expect(checker({ subscribe: sub }).canSubscribe(subject, queue)).toBe(want);
    });
  }

  test("a queue subscription never gets past a subject deny (any deny wins)", () => {
    // 2.9.10 let the queue entry overrule the subject deny here; the later fix is required.
    const c = checker({ subscribe: { deny: ["foo", "foo bar"] } });
    expect(c.canSubscribe("foo", "baz")).toBe(false);
    expect(c.canSubscribe("foo", "bar")).toBe(false);
    expect(c.canSubscribe("foo")).toBe(false);
    const d = checker({ subscribe: { deny: ["foo.>", "foo.x q1"] } });
    expect(d.canSubscribe("foo.x", "q2")).toBe(false);
  });

  test("the reserved _sys_ queue is refused with and without permissions", () => {
    expect(checker({ subscribe: { allow: [">"] } }).canSubscribe("foo", "_sys_")).toBe(false);
    expect(canSubscribeWith(undefined, "foo", "_sys_")).toBe(false);
    expect(canSubscribeWith(undefined, "foo", "q")).toBe(true);
    expect(canSubscribeWith(undefined, "foo")).toBe(true);
  });

  test("splitSubjectQueue", () => {
    expect(splitSubjectQueue("foo")).toEqual({ subject: "foo", queue: undefined });
    expect(splitSubjectQueue("  foo.>   q  ")).toEqual({ subject: "foo.>", queue: "q" });
    expect(splitSubjectQueue("foo\tq")).toEqual({ subject: "foo", queue: "q" });
    expect(splitSubjectQueue("a b c")).toBeNull();
    const c = new CompiledPermissions({ subscribe: { allow: ["a b c", "ok"] } });
    expect(c.invalidEntries).toEqual(["a b c"]);
    expect(new PermissionChecker(c).canSubscribe("ok")).toBe(true);
    expect(new PermissionChecker(c).canSubscribe("a")).toBe(false);
  });
});

describe("response permissions (allow_responses)", () => {
  test("normalisation turns off the blanket publish allow and fills defaults", () => {
    const n = normalizePermissions({ response: { max: 0, expires: 0 } });
    expect(n.publish?.allow).toEqual([]);
    expect(n.response).toEqual({ max: 1, expires: DEFAULT_ALLOW_RESPONSE_EXPIRATION });
    const m = normalizePermissions({ publish: { allow: ["x"] }, response: { max: 5, expires: 10 } });
    expect(m.publish?.allow).toEqual(["x"]);
    expect(m.response).toEqual({ max: 5, expires: 10 });
    // Input untouched.
    const src: Permissions = { response: { max: 0, expires: 0 } };
    normalizePermissions(src);
    expect(src.publish).toBeUndefined();
  });

  test("one response per delivered reply by default (svca of the reference)", () => {
    const c = checker({ subscribe: { allow: ["my.service.req"] }, response: { max: 0, expires: 0 } });
    expect(c.tracksReplies).toBe(true);
    expect(c.canPublish("resp.bar.22")).toBe(false);
    c.trackReply("resp.bar.22");
    expect(c.canPublish("resp.bar.22")).toBe(true);
    expect(c.canPublish("resp.bar.33")).toBe(false);
    expect(c.canPublish("resp.bar.22")).toBe(false);
    expect(c.canPublish("my.service.req")).toBe(false);
  });

  test("max responses and expiry (svcb of the reference)", () => {
    let now = 1_000;
    const c = checker({ response: { max: 10, expires: 10 } }, () => now);
    c.trackReply("resp.bar.22");
    for (let i = 0; i < 10; i++) expect(c.canPublish("resp.bar.22")).toBe(true);
    expect(c.canPublish("resp.bar.22")).toBe(false);
    c.trackReply("resp.bar.11");
    now += 11;
    expect(c.canPublish("resp.bar.11")).toBe(false);
    // A new delivery of the same reply starts over.
    c.trackReply("resp.bar.11");
    expect(c.canPublish("resp.bar.11")).toBe(true);
  });

  test("negative max and expires mean unlimited", () => {
    let now = 0;
    const c = checker({ response: { max: -1, expires: -1 } }, () => now);
    c.trackReply("r");
    for (let i = 0; i < 100; i++) expect(c.canPublish("r")).toBe(true);
    now += 10 * 60_000;
    expect(c.canPublish("r")).toBe(true);
  });

  test("statically allowed subjects still pass and are cached; responses are not cached", () => {
    const compiled = new CompiledPermissions({ publish: { allow: ["api.>"] }, response: { max: 1, expires: 60_000 } });
    const c = new PermissionChecker(compiled);
    expect(c.canPublish("api.x")).toBe(true);
    c.trackReply("_INBOX.1");
    expect(c.canPublish("_INBOX.1")).toBe(true);
    expect(c.canPublish("_INBOX.1")).toBe(false);
    c.trackReply("_INBOX.1");
    expect(c.canPublish("_INBOX.1")).toBe(true);
  });

  test("reply permissions are per connection", () => {
    const compiled = new CompiledPermissions({ response: { max: 1, expires: 60_000 } });
    const a = new PermissionChecker(compiled);
    const b = new PermissionChecker(compiled);
    a.trackReply("_INBOX.a");
    expect(b.canPublish("_INBOX.a")).toBe(false);
    expect(a.canPublish("_INBOX.a")).toBe(true);
  });

  test("an empty reply or a checker without responses tracks nothing", () => {
    const c = checker({ response: { max: 1, expires: 1000 } });
    c.trackReply("");
    expect(c.replyCount).toBe(0);
    const d = checker({ publish: { allow: ["x"] } });
    expect(d.tracksReplies).toBe(false);
    d.trackReply("y");
    expect(d.canPublish("y")).toBe(false);
  });

  test("the reply table is pruned past its limit", () => {
    let now = 0;
    const c = checker({ response: { max: 1, expires: 1000 } }, () => now);
    for (let i = 0; i < REPLY_PERM_LIMIT; i++) c.trackReply(`r.${i}`);
    expect(c.replyCount).toBe(REPLY_PERM_LIMIT);
    now = 5000; // all expired
    c.trackReply("fresh");
    expect(c.replyCount).toBe(1);
    expect(c.canPublish("fresh")).toBe(true);
  });
});

describe("subjectsCollide", () => {
  test("overlap of wildcard subjects", async () => {
    const { subjectsCollide } = await import("../../src/auth/permissions.ts");
    expect(subjectsCollide("secret.>", "*.x")).toBe(true);
    expect(subjectsCollide("foo.baz", "foo.*")).toBe(true);
    expect(subjectsCollide("foo.baz", "bar.*")).toBe(false);
    expect(subjectsCollide("a.*.c", "a.b.*")).toBe(true);
    expect(subjectsCollide("a.*", "a.*.c")).toBe(false);
    expect(subjectsCollide(">", "a")).toBe(true);
    expect(subjectsCollide("a.>", "a")).toBe(false);
    expect(subjectsCollide("a b", "*")).toBe(true); // a queue deny entry is a literal token
  });
});

describe("wildcard subscriptions wider than the allow list", () => {
  test("accepted as the reference does, but deliveries stay inside the allow list", () => {
    const c = checker({ subscribe: { allow: ["foo.*"] } });
    expect(c.canSubscribe("foo.*")).toBe(true);
    expect(c.filtersDelivery).toBe(false);
    // The reference's Match lets '*' match the literal token '>'.
    expect(c.canSubscribe("foo.>")).toBe(true);
    expect(c.filtersDelivery).toBe(true);
    expect(c.denyDelivery("foo.a")).toBe(false);
    expect(c.denyDelivery("foo.a.b")).toBe(true);
  });
  test("'*' allow and SUB '>'", () => {
    const c = checker({ subscribe: { allow: ["*"] } });
    expect(c.canSubscribe(">")).toBe(true);
    expect(c.denyDelivery("a")).toBe(false);
    expect(c.denyDelivery("a.b")).toBe(true);
  });
  test("queue allow entries count for delivery", () => {
    const c = checker({ subscribe: { allow: ["foo.* q", "bar"] } });
    expect(c.canSubscribe("foo.>", "q")).toBe(true);
    expect(c.denyDelivery("foo.x")).toBe(false);
    expect(c.denyDelivery("foo.x.y")).toBe(true);
    expect(c.denyDelivery("bar")).toBe(false);
  });
});
