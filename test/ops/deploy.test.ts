// The container and Kubernetes files, checked without Docker or a cluster:
// - the manifests parse (Bun.YAML) and name ports, paths, probes and signals the binary really serves;
// - the Dockerfile's paths, ports and entry point agree with the image's default config, and the
//   .dockerignore lets through everything the build copies;
// - the compiled binary, run the way each manifest runs it (its args, its ConfigMap's config, the
//   binary called as `nats-server`), passes the probe requests, and shuts down through the preStop
//   hook (lame duck mode; the SIGTERM that follows is ignored) within terminationGracePeriodSeconds.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { mergeOptions, type Options } from "../../src/options.ts";
import { SIGNAL_COMMANDS } from "../../src/process/signal.ts";
import { BNATS_BINARY, REPO_ROOT } from "../helpers/bnats.ts";
import { RawClient } from "../helpers/raw.ts";

type Obj = Record<string, unknown>;

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
  startupProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  env?: { name: string; value?: string }[];
  resources?: { requests?: { cpu?: string; memory?: string } };
}

interface PodSpec {
  terminationGracePeriodSeconds?: number;
  volumes?: { name: string; configMap?: { name: string }; emptyDir?: Obj }[];
  initContainers?: (Container & { restartPolicy?: string })[];
  containers: Container[];
}

interface Manifest {
  file: string;
  docs: Obj[];
  deployment: { metadata: { name: string }; spec: { template: { spec: PodSpec } } };
  pod: PodSpec;
  bnats: Container;
  configMap: { metadata: { name: string }; data: Record<string, string> };
  /** The config file path in the container, from the args. */
  configPath: string;
  configText: string;
  opts: Options;
}

const K8S = join(REPO_ROOT, "deploy", "kubernetes");
const MANIFESTS = ["sidecar.yaml", "standalone.yaml", "cluster.yaml"];
const HELM_PROBES = {
  startupProbe: "/healthz",
  readinessProbe: "/healthz?js-server-only=true",
  livenessProbe: "/healthz?js-enabled-only=true",
};

const tmp = mkdtempSync(join(tmpdir(), "bnats-deploy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  if (existsSync(BNATS_BINARY)) return;
  const r = Bun.spawnSync(["make", "build"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`make build failed:\n${r.stderr.toString()}`);
}, 120_000);

function kind(docs: Obj[], k: string): Obj[] {
  return docs.filter((d) => d.kind === k);
}

/** Loads a config text through bnats' own loader, as the binary does with -c. */
function loadText(text: string, name: string): Options {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return mergeOptions(loadConfig(file).options, {});
}

function readManifest(file: string): Manifest {
  const docs = Bun.YAML.parse(readFileSync(join(K8S, file), "utf8")) as Obj[];
  const deployment = (kind(docs, "Deployment")[0] ?? kind(docs, "StatefulSet")[0]) as unknown as Manifest["deployment"];
  const pod = deployment.spec.template.spec;
  const all = [...(pod.initContainers ?? []), ...pod.containers];
  const bnats = all.find((c) => c.name === "bnats")!;
  const args = [...(bnats.command ?? []), ...(bnats.args ?? [])];
  const i = args.findIndex((a) => a === "--config" || a === "-c");
  const configPath = args[i + 1]!;
  const mount = bnats.volumeMounts!.find((m) => configPath.startsWith(m.mountPath + "/"))!;
  const volume = pod.volumes!.find((v) => v.name === mount.name)!;
  const configMap = kind(docs, "ConfigMap").find(
    (c) => (c.metadata as Obj).name === volume.configMap!.name,
  ) as unknown as Manifest["configMap"];
  const configText = configMap.data[configPath.slice(mount.mountPath.length + 1)]!;
  // Environment the container gets from the Pod (cluster.yaml: SERVER_NAME from the first Pod's name).
  const set = (bnats.env ?? []).filter((e) => process.env[e.name] === undefined);
  for (const e of set) process.env[e.name] = e.value ?? `${deployment.metadata.name}-0`;
  try {
    return { file, docs, deployment, pod, bnats, configMap, configPath, configText, opts: loadText(configText, file + ".conf") };
  } finally {
    for (const e of set) delete process.env[e.name];
  }
}

const manifests = MANIFESTS.map(readManifest);

function containerPort(c: Container, name: string): number {
  return c.ports!.find((p) => p.name === name)!.containerPort;
}

describe.each(manifests.map((m) => [m.file, m] as const))("%s", (_file, m) => {
  test("the bnats container's ports are the config's", () => {
    expect(containerPort(m.bnats, "client")).toBe(m.opts.port);
    expect(containerPort(m.bnats, "monitor")).toBe(m.opts.httpPort);
  });

  test("probes are the Helm chart's, on the monitoring port", () => {
    for (const [probe, path] of Object.entries(HELM_PROBES) as [keyof typeof HELM_PROBES, string][]) {
      const get = m.bnats[probe]?.httpGet;
      expect(get?.path).toBe(path);
      expect(get?.port === "monitor" || get?.port === m.opts.httpPort).toBe(true);
    }
  });

  test("the preStop hook sends ldm to the pid file the config writes, on a shared volume", () => {
    const cmd = m.bnats.lifecycle!.preStop!.exec!.command;
    expect(cmd[0]).toBe("nats-server");
    const [flag, value] = [cmd[1]!.slice(0, cmd[1]!.indexOf("=")), cmd[1]!.slice(cmd[1]!.indexOf("=") + 1)];
    expect(["-sl", "--sl", "-signal", "--signal"]).toContain(flag);
    const [command, pidFile] = value.split("=");
    expect(SIGNAL_COMMANDS[command!]).toBe("SIGUSR2");
    expect(pidFile).toBe(m.opts.pidFile);
    const mount = m.bnats.volumeMounts!.find((v) => pidFile!.startsWith(v.mountPath + "/"))!;
    expect(m.pod.volumes!.find((v) => v.name === mount.name)?.emptyDir).toBeDefined();
  });

  test("terminationGracePeriodSeconds is longer than lame_duck_duration; resources are requested", () => {
    expect(m.pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(m.opts.lameDuckDuration);
    expect(m.opts.lameDuckGracePeriod).toBeLessThan(m.opts.lameDuckDuration);
    for (const c of [...(m.pod.initContainers ?? []), ...m.pod.containers]) {
      expect(c.resources?.requests?.cpu).toBeDefined();
      expect(c.resources?.requests?.memory).toBeDefined();
    }
  });
});

test("sidecar.yaml: bnats and an application share one Pod", () => {
  const m = manifests.find((x) => x.file === "sidecar.yaml")!;
  const sidecar = m.pod.initContainers?.find((c) => c.name === "bnats");
  expect(sidecar?.restartPolicy).toBe("Always"); // a native sidecar: started before the app, stopped after
  expect(m.pod.containers.some((c) => c.name !== "bnats")).toBe(true);
});

test("standalone.yaml: the Service targets the container's named ports", () => {
  const m = manifests.find((x) => x.file === "standalone.yaml")!;
  const svc = kind(m.docs, "Service")[0] as { spec: { selector: Obj; ports: { port: number; targetPort: string }[] } };
  const labels = (m.deployment.spec.template as unknown as { metadata: { labels: Obj } }).metadata.labels;
  for (const [k, v] of Object.entries(svc.spec.selector)) expect(labels[k]).toBe(v);
  for (const p of svc.spec.ports) expect(containerPort(m.bnats, p.targetPort)).toBe(p.port);
  // The config reloader signals through the same pid file, in a shared process namespace.
  const reloader = m.pod.containers.find((c) => c.name === "reloader")!;
  expect(reloader.args).toContain(m.opts.pidFile);
  expect((m.pod as PodSpec & { shareProcessNamespace?: boolean }).shareProcessNamespace).toBe(true);
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8");
  const lines = dockerfile.split("\n").filter((l) => !l.trimStart().startsWith("#"));
  const instr = (name: string): string[] => lines.filter((l) => l.startsWith(name + " ")).map((l) => l.slice(name.length + 1));

  test("ports, entry point and default config agree with the manifests and the binary", () => {
    expect(instr("EXPOSE")[0]!.split(/\s+/)).toEqual(["4222", "8222"]);
    const entry = JSON.parse(instr("ENTRYPOINT")[0]!) as string[];
    const cmd = JSON.parse(instr("CMD")[0]!) as string[];
    expect(entry).toEqual(["/usr/local/bin/nats-server"]);
    expect(dockerfile).toContain("ln -s bnats /usr/local/bin/nats-server");
    // The default config is copied where CMD and the manifests look for it.
    expect(cmd).toEqual(["--config", "/etc/bnats/bnats.conf"]);
    for (const m of manifests) expect(m.configPath).toBe(cmd[1]!);
    const copy = instr("COPY").find((c) => c.endsWith(" /etc/bnats/bnats.conf"))!;
    const opts = loadText(readFileSync(join(REPO_ROOT, copy.split(" ")[0]!), "utf8"), "image.conf");
    expect([opts.port, opts.httpPort]).toEqual([4222, 8222]);
    expect(dirname(opts.pidFile)).toBe("/var/run/nats");
    expect(dockerfile).toContain("chown nats:nats /var/run/nats");
    expect(instr("USER")[0]).toBe("nats:nats");
  });

  test(".dockerignore lets through every path the build copies", () => {
    const rules = readFileSync(join(REPO_ROOT, ".dockerignore"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    // Whitelist semantics: "*" then "!path" exceptions (the last matching rule wins).
    const included = (path: string): boolean => {
      let inc = true;
      for (const r of rules) {
        const neg = r.startsWith("!");
        const pat = (neg ? r.slice(1) : r).replace(/\/$/, "");
        if (pat === "*" || path === pat || path.startsWith(pat + "/")) inc = neg;
      }
      return inc;
    };
    const sources = instr("COPY")
      .filter((c) => !c.startsWith("--from"))
      .flatMap((c) => c.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(3);
    for (const s of sources) {
      expect(included(s)).toBe(true);
      expect(existsSync(join(REPO_ROOT, s))).toBe(true);
    }
    expect(included("node_modules")).toBe(false);
    expect(included("dist/bnats")).toBe(false);
  });
});

/**
 * Runs the binary as the manifest's container would: the same args, the ConfigMap's text at the
 * mounted path, invoked as `nats-server`. Container paths are mapped under a temp root, and the
 * ports become random ones (port -1) so tests do not collide; everything else is as in the manifest.
 */
async function runLikeManifest(m: Manifest): Promise<void> {
  const root = join(tmp, m.file.replace(".yaml", ""));
  const map = (s: string): string => {
    let out = s;
    for (const mnt of m.bnats.volumeMounts!) out = out.split(mnt.mountPath).join(join(root, mnt.mountPath));
    return out;
  };
  for (const mnt of m.bnats.volumeMounts!) mkdirSync(join(root, mnt.mountPath), { recursive: true });
  const config = map(m.configText)
    .replace(new RegExp(`^(\\s*)port: ${m.opts.port}\\s*$`, "m"), "$1port: -1")
    .replace(new RegExp(`^(\\s*)http_port: ${m.opts.httpPort}\\s*$`, "m"), "$1http_port: -1");
  writeFileSync(map(m.configPath), config);
  const bin = join(root, "bin");
  mkdirSync(bin, { recursive: true });
  symlinkSync(BNATS_BINARY, join(bin, "nats-server"));

  const args = [...(m.bnats.command ?? []), ...(m.bnats.args ?? [])].map(map);
  const proc = Bun.spawn([join(bin, "nats-server"), ...args], { stdout: "pipe", stderr: "pipe" });
  let log = "";
  let onLog = (): void => {};
  const pump = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of proc.stderr) {
      log += dec.decode(chunk);
      onLog();
    }
  })();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    onLog = () => {
      if (!log.includes("Server is ready")) return;
      clearTimeout(timer);
      resolve();
    };
    void pump.then(resolve);
  });
  expect(log).toContain("Server is ready");
  const port = Number(/Listening for client connections on [^\s]+:(\d+)/.exec(log)![1]);
  const httpPort = Number(/Starting http monitor on [^\s]+:(\d+)/.exec(log)![1]);

  // The kubelet's probe requests.
  for (const probe of Object.keys(HELM_PROBES) as (keyof typeof HELM_PROBES)[]) {
    const res = await fetch(`http://127.0.0.1:${httpPort}${m.bnats[probe]!.httpGet!.path}`);
    expect(res.status).toBe(200);
  }
  const c = await RawClient.connect(port);
  await c.readInfo();
  c.send(`CONNECT {"verbose":false,"protocol":1}\r\nPING\r\n`);
  await c.expect("PONG\r\n");

  // Pod termination: the preStop hook, then SIGTERM, then (if still running) SIGKILL after the grace period.
  const t0 = performance.now();
  const hook = m.bnats.lifecycle!.preStop!.exec!.command.map((a, i) => (i === 0 ? join(bin, a) : map(a)));
  const pre = Bun.spawnSync(hook, { stdout: "pipe", stderr: "pipe" });
  expect(pre.exitCode).toBe(0);
  proc.kill("SIGTERM");
  const ldmInfo = await c.readLine().catch((e: unknown) => {
    console.log(log, new TextDecoder().decode(pre.stderr));
    throw e;
  });
  expect(ldmInfo).toContain(`"ldm":true`);
  expect((await fetch(`http://127.0.0.1:${httpPort}/healthz?js-server-only=true`)).status).toBe(503);
  const grace = m.pod.terminationGracePeriodSeconds! * 1000;
  const killer = setTimeout(() => proc.kill("SIGKILL"), grace);
  const code = await proc.exited;
  clearTimeout(killer);
  expect(code).toBe(0);
  expect(c.closed).toBe(true);
  const took = performance.now() - t0;
  expect(took).toBeGreaterThanOrEqual(m.opts.lameDuckGracePeriod); // the grace period was honoured
  expect(took).toBeLessThan(grace);
  await pump;
  expect(log).toContain("Entering lame duck mode");
  expect(log).not.toContain("[ERR]");
}

test(
  "the binary run as each manifest runs it passes the probes and stops through preStop within the grace period",
  async () => {
    // The cluster layout's routes name Pods (DNS) that do not exist here: its checks are the static ones.
    await Promise.all(manifests.filter((m) => m.opts.clusterPort === 0).map((m) => runLikeManifest(m)));
  },
  40_000,
);

test("cluster.yaml: a StatefulSet whose members route to every member through the headless Service", () => {
  const m = manifests.find((x) => x.file === "cluster.yaml")!;
  const ss = m.deployment as unknown as { metadata: { name: string }; spec: { serviceName: string; replicas: number } };
  const headless = kind(m.docs, "Service").find((s) => (s.metadata as Obj).name === ss.spec.serviceName) as unknown as {
    spec: { clusterIP: string; publishNotReadyAddresses: boolean; ports: { name: string; port: number }[] };
  };
  expect(headless.spec.clusterIP).toBe("None");
  expect(headless.spec.publishNotReadyAddresses).toBe(true);
  expect(containerPort(m.bnats, "cluster")).toBe(m.opts.clusterPort);
  expect(headless.spec.ports.find((p) => p.name === "cluster")?.port).toBe(m.opts.clusterPort);
  const want = Array.from(
    { length: ss.spec.replicas },
    (_, i) => `nats://${ss.metadata.name}-${i}.${ss.spec.serviceName}:${m.opts.clusterPort}`,
  );
  expect(m.opts.routes).toEqual(want);
  expect(m.opts.clusterName).not.toBe("");
  expect(m.opts.serverName).toBe(`${ss.metadata.name}-0`);
});
