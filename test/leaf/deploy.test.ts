// deploy/kubernetes/leaf-sidecar.yaml, checked without a cluster: it parses, its ConfigMap's config loads
// (server_name from the Pod name), the remote's credentials file is where the Secret is mounted, and it
// keeps the probes and preStop hook of the other manifests.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { mergeOptions } from "../../src/options.ts";
import { REPO_ROOT } from "../helpers/bnats.ts";

const tmp = mkdtempSync(join(tmpdir(), "bnats-leafdeploy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Container {
  name: string;
  restartPolicy?: string;
  env: { name: string; valueFrom: { fieldRef: { fieldPath: string } } }[];
  volumeMounts: { name: string; mountPath: string }[];
  startupProbe: { httpGet: { path: string } };
  lifecycle: { preStop: { exec: { command: string[] } } };
}
interface Doc {
  kind: string;
  data: Record<string, string>;
  spec: {
    template: {
      spec: { terminationGracePeriodSeconds: number; volumes: { name: string; secret?: object }[]; initContainers: Container[] };
    };
  };
}

test("leaf-sidecar.yaml: config, Secret mount, probes and preStop", () => {
  const docs = Bun.YAML.parse(readFileSync(join(REPO_ROOT, "deploy", "kubernetes", "leaf-sidecar.yaml"), "utf8")) as Doc[];
  const cm = docs.find((d) => d.kind === "ConfigMap")!;
  const dep = docs.find((d) => d.kind === "Deployment")!;
  const pod = dep.spec.template.spec;
  const bnats = pod.initContainers.find((c) => c.name === "bnats")!;
  expect(bnats.restartPolicy).toBe("Always");
  const file = join(tmp, "bnats.conf");
  writeFileSync(file, cm.data["bnats.conf"]);
  process.env.POD_NAME = "app-with-bnats-leaf-7d9f-abcde";
  const opts = mergeOptions(loadConfig(file).options, {});
  delete process.env.POD_NAME;
  expect(opts.serverName).toBe("app-with-bnats-leaf-7d9f-abcde");
  expect(bnats.env[0]!.valueFrom.fieldRef.fieldPath).toBe("metadata.name");
  const remote = opts.leafnodes.remotes[0]!;
  expect(remote.urls[0]).toBe("nats-leaf://nats.nats.svc.cluster.local:7422");
  const credsVol = pod.volumes.find((v) => v.secret !== undefined)!;
  const mount = bnats.volumeMounts.find((m) => m.name === credsVol.name)!;
  expect(dirname(remote.credentials)).toBe(mount.mountPath);
  expect(bnats.startupProbe.httpGet.path).toBe("/healthz");
  expect(bnats.lifecycle.preStop.exec.command).toEqual(["nats-server", "-sl=ldm=/var/run/nats/nats.pid"]);
  expect(opts.pidFile).toBe("/var/run/nats/nats.pid");
  expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(opts.lameDuckDuration);
});
