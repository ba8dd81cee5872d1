// Pid file and ports file helpers (server.go logPid, portFile, PortsInfo, resolveHostPorts).
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import {
  formatURLs,
  portsFilePath,
  portsInfo,
  removePortsFile,
  resolveHostPorts,
  writePidFile,
  writePortsFile,
} from "../../src/process/files.ts";

const dir = mkdtempSync(join(tmpdir(), "bnats-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("pid file", () => {
  test("holds the decimal pid only, no newline, mode 0660", () => {
    const file = join(dir, "nats.pid");
    writePidFile(file);
    expect(readFileSync(file, "utf8")).toBe(String(process.pid));
    expect(statSync(file).mode & 0o777).toBe(0o660 & ~process.umask());
  });
  test("is overwritten, not appended", () => {
    const file = join(dir, "again.pid");
    writePidFile(file, 123456);
    writePidFile(file, 7);
    expect(readFileSync(file, "utf8")).toBe("7");
  });
  test("an unwritable path throws", () => {
    expect(() => writePidFile(join(dir, "missing", "x.pid"))).toThrow();
  });
});

describe("ports file", () => {
  test("name: <program>_<pid>.ports", () => {
    expect(portsFilePath("/var/run", "nats-server", 42)).toBe("/var/run/nats-server_42.ports");
    expect(portsFilePath(dir)).toBe(join(dir, `bnats_${process.pid}.ports`));
  });

  test("a specific address is listed as is; IPv6 in brackets", () => {
    expect(resolveHostPorts("127.0.0.1", 4222)).toEqual(["127.0.0.1:4222"]);
    expect(resolveHostPorts("::1", 4222)).toEqual(["[::1]:4222"]);
    expect(formatURLs("nats", "10.1.2.3", 1)).toEqual(["nats://10.1.2.3:1"]);
  });

  test("0.0.0.0 and :: expand to every interface address", () => {
    const all = Object.values(networkInterfaces()).flatMap((a) => a ?? []).map((a) => (a.family === "IPv6" ? `[${a.address}]:5` : `${a.address}:5`));
    expect(all.length).toBeGreaterThan(0);
    expect(resolveHostPorts("0.0.0.0", 5)).toEqual(all);
    expect(resolveHostPorts("::", 5)).toEqual(all);
    expect(resolveHostPorts("0:0::0", 5)).toEqual(all);
    expect(resolveHostPorts("0.0.0.0", 5)).toContain("127.0.0.1:5");
  });

  test("schemes: nats or tls, http or https; no monitoring key when it is off", () => {
    expect(portsInfo({ host: "127.0.0.1", port: 4222, tls: false })).toEqual({ nats: ["nats://127.0.0.1:4222"] });
    expect(portsInfo({ host: "127.0.0.1", port: 4222, tls: true, httpHost: "127.0.0.1", httpPort: 8222 })).toEqual({
      nats: ["tls://127.0.0.1:4222"],
      monitoring: ["http://127.0.0.1:8222"],
    });
    expect(portsInfo({ host: "127.0.0.1", port: 1, tls: false, httpHost: "::1", httpPort: 2, https: true }).monitoring).toEqual(["https://[::1]:2"]);
  });

  test("cluster (nats or tls) and websocket (ws or wss) listeners, in the Ports struct's key order", () => {
    const plain = portsInfo({ host: "127.0.0.1", port: 1, tls: false, clusterHost: "127.0.0.1", clusterPort: 2, wsHost: "127.0.0.1", wsPort: 3 });
    expect(JSON.stringify(plain)).toBe('{"nats":["nats://127.0.0.1:1"],"cluster":["nats://127.0.0.1:2"],"websocket":["ws://127.0.0.1:3"]}');
    const secure = portsInfo({ host: "::1", port: 1, tls: true, clusterHost: "::1", clusterPort: 2, clusterTLS: true, wsHost: "::1", wsPort: 3, wss: true });
    expect(secure).toEqual({ nats: ["tls://[::1]:1"], cluster: ["tls://[::1]:2"], websocket: ["wss://[::1]:3"] });
    // A listener that is off (port 0) has no key.
    expect(portsInfo({ host: "h", port: 1, tls: false, clusterPort: 0, wsPort: 0 })).toEqual({ nats: ["nats://h:1"] });
  });

  test("written as the reference's JSON (no spaces, key order nats, monitoring), then removed", () => {
    const path = writePortsFile(dir, { nats: ["nats://127.0.0.1:4222"], monitoring: ["http://127.0.0.1:8222"] }, join(dir, "x_1.ports"));
    expect(readFileSync(path, "utf8")).toBe('{"nats":["nats://127.0.0.1:4222"],"monitoring":["http://127.0.0.1:8222"]}');
    expect(readdirSync(dir).filter((n) => n.includes(".tmp"))).toEqual([]);
    removePortsFile(path);
    expect(existsSync(path)).toBe(false);
    expect(() => removePortsFile(path)).toThrow();
  });

  test("empty lists are omitted (omitempty)", () => {
    const path = writePortsFile(dir, { nats: ["nats://h:1"], monitoring: [] }, join(dir, "y_1.ports"));
    expect(readFileSync(path, "utf8")).toBe('{"nats":["nats://h:1"]}');
  });
});
