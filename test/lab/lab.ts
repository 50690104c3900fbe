import { spawn, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as dns from "node:dns";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { loadRecipe } from "../../engine/load";
import { PACKAGE_ROOT as ROOT } from "../../engine/root";
import {
  cmdline,
  createNetnsHosts,
  destroyNetnsHosts,
  must,
  run,
  stopPids,
  waitUntil,
  type NetnsHostsSpec,
} from "../hosts/netns-hosts";

/**
 * The lab: the hosts recipes/lab.yaml lists, made on this machine as network namespaces on the
 * bridge recette-lab-br (10.253.1.0/24, the bridge .1), a plain-HTTP registry on the bridge address
 * holding recette's images, and the stack `lab` (stacks/Pulumi.lab.yaml) that deploys the recipe
 * there. `labDown` removes all of it, whatever state a failed `labUp` left.
 */
export const LAB = {
  recipe: "recipes/lab.yaml",
  stack: "lab",
  stackFile: path.join(ROOT, "stacks", "Pulumi.lab.yaml"),
  stateDir: path.join(ROOT, ".recette", "lab"),
  bridge: "recette-lab-br",
  bridgeAddress: "10.253.1.1",
  registry: "10.253.1.1:5000",
  /** Registry storage: a cache like the image builds (kept by lab:down, so a new lab pushes only what changed). */
  registryStorage: path.join(process.env.RECETTE_CACHE ?? path.join(os.homedir(), ".cache", "recette"), "lab-registry"),
  nsPrefix: "recette-lab-",
} as const;

export interface LabHost {
  name: string;
  role: "manager" | "worker";
  address: string;
  ns: string;
}

/** The lab's hosts: exactly those recipes/lab.yaml lists (one source for names and addresses). */
export const labHosts = (recipeFile = path.join(ROOT, LAB.recipe)): LabHost[] => {
  const { nodes } = loadRecipe(recipeFile).recipe;
  if (nodes.provider !== "hosts")
    throw new Error(`${recipeFile}: the lab needs nodes.provider: hosts (found ${nodes.provider})`);
  const prefix = LAB.bridgeAddress.slice(0, LAB.bridgeAddress.lastIndexOf(".") + 1);
  return nodes.hosts.map((h) => {
    if (!h.address.startsWith(prefix) || h.address === LAB.bridgeAddress)
      throw new Error(
        `${recipeFile}: host ${h.name} has address ${h.address}, outside ` +
          `the lab's ${prefix}0/24 (or the bridge's own ${LAB.bridgeAddress})`,
      );
    return { name: h.name, role: h.role, address: h.address, ns: `${LAB.nsPrefix}${h.name}` };
  });
};

export const labSpec = (hosts: LabHost[] = labHosts()): NetnsHostsSpec => ({
  hosts: hosts.map((h) => ({ ns: h.ns, address: h.address })),
  bridge: LAB.bridge,
  bridgeAddress: LAB.bridgeAddress,
  veth: "recette-lab",
  stateDir: LAB.stateDir,
  ruleComment: "recette-lab",
  // Swarm's host-mode publishing needs dockerd's NAT rules; they live in each host's own namespace.
  iptables: true,
  insecureRegistries: [LAB.registry],
  // The lab's DNS (dnsmasq on the bridge), as a server's network has one.
  dns: [LAB.bridgeAddress],
  // As on a real server, Traefik's bind mount of the Docker socket reaches its own host's engine.
  socketAlias: "/var/run/docker.sock",
  // The blog's images on three hosts: with vfs, gigabytes per host (minutes to pull, minutes to delete).
  storageDriver: "overlay2",
});

/** distribution's configuration (YAML; JSON is YAML): storage in the cache, HTTP on the bridge only. */
export const renderRegistryConfig = (storage: string, addr: string): string => {
  const config = {
    version: 0.1,
    log: { level: "warn" },
    storage: { filesystem: { rootdirectory: storage }, delete: { enabled: true } },
    http: { addr },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
};

/**
 * dnsmasq's command line for the lab's DNS on the bridge address: each host's name under lab.test
 * (and its reverse), every other private address answered "no such name" at once, nothing forwarded
 * (the machine is offline). Without it, a lookup from a container waits out its timeouts: OpenSMTPD
 * looks up each client's address before it greets it, and swaks gave up before the greeting.
 */
export const renderDnsmasqArgs = (hosts: LabHost[], stateDir: string): string[] => [
  "dnsmasq",
  "--keep-in-foreground",
  "--conf-file=/dev/null",
  "--no-resolv",
  "--no-hosts",
  "--bogus-priv",
  "--bind-interfaces",
  `--listen-address=${LAB.bridgeAddress}`,
  "--port=53",
  `--pid-file=${path.join(stateDir, "dns.pid")}`,
  "--log-facility=-",
  "--local=/lab.test/",
  ...hosts.map((h) => `--host-record=${h.name}.lab.test,${h.address}`),
];

const dnsPidfile = () => path.join(LAB.stateDir, "dns.pid");

const startDns = async (hosts: LabHost[]) => {
  const fd = fs.openSync(path.join(LAB.stateDir, "dns.log"), "a");
  const child = spawn("dnsmasq", renderDnsmasqArgs(hosts, LAB.stateDir).slice(1), {
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  child.unref();
  fs.closeSync(fd);
  const first = hosts[0]!;
  await waitUntil(
    `the lab's DNS on ${LAB.bridgeAddress}:53 (log: ${path.join(LAB.stateDir, "dns.log")})`,
    async () => (await labLookup(`${first.name}.lab.test`)).includes(first.address),
    15,
  );
};

/** A name's IPv4 addresses as the lab's DNS answers them ([] when it does not answer). */
export const labLookup = async (name: string): Promise<string[]> => {
  const resolver = new dns.promises.Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([LAB.bridgeAddress]);
  return resolver.resolve4(name).catch(() => []);
};

const stopDns = async () => {
  const pid = fs.existsSync(dnsPidfile()) ? Number.parseInt(fs.readFileSync(dnsPidfile(), "utf8"), 10) : NaN;
  if (Number.isInteger(pid) && cmdline(pid).includes(LAB.bridgeAddress)) await stopPids([pid], 10);
};

const registryPidfile = () => path.join(LAB.stateDir, "registry.pid");
const registryConfig = () => path.join(LAB.stateDir, "registry.yml");

const registryAnswers = () =>
  new Promise<boolean>((resolve) => {
    const req = http.get({ host: LAB.bridgeAddress, port: 5000, path: "/v2/", timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
  });

const startRegistry = async () => {
  fs.mkdirSync(LAB.registryStorage, { recursive: true });
  fs.writeFileSync(registryConfig(), renderRegistryConfig(LAB.registryStorage, LAB.registry));
  const fd = fs.openSync(path.join(LAB.stateDir, "registry.log"), "a");
  const child = spawn("docker-registry", ["serve", registryConfig()], { detached: true, stdio: ["ignore", fd, fd] });
  child.unref();
  fs.closeSync(fd);
  fs.writeFileSync(registryPidfile(), `${child.pid}\n`);
  await waitUntil(
    `the registry on http://${LAB.registry}/v2/ (log: ${path.join(LAB.stateDir, "registry.log")})`,
    registryAnswers,
    30,
  );
};

const stopRegistry = async () => {
  const pid = fs.existsSync(registryPidfile()) ? Number.parseInt(fs.readFileSync(registryPidfile(), "utf8"), 10) : NaN;
  // Only the process that serves our configuration (a pid may have been reused since).
  if (Number.isInteger(pid) && cmdline(pid).includes(registryConfig())) await stopPids([pid], 10);
};

/** `pulumi` on the local file backend (the caller sourced scripts/pulumi-env.sh). */
const pulumi = (args: string[], input?: string) => run("pulumi", [...args, "--non-interactive"], input);

const writeStack = (keyFile: string) => {
  fs.rmSync(LAB.stackFile, { force: true });
  pulumi(["stack", "rm", LAB.stack, "--yes", "--force"]);
  must("pulumi", ["stack", "init", LAB.stack, "--non-interactive"]);
  must("pulumi", ["config", "set", "recipe", LAB.recipe, "-s", LAB.stack, "--non-interactive"]);
  must("pulumi", ["config", "set", "imageRegistry", LAB.registry, "-s", LAB.stack, "--non-interactive"]);
  // Values on stdin, not argv (visible to every user in ps); encrypted by the Pulumi CLI.
  must(
    "pulumi",
    ["config", "set", "--secret", "sshPrivateKey", "-s", LAB.stack, "--non-interactive"],
    fs.readFileSync(keyFile, "utf8"),
  );
  must(
    "pulumi",
    ["config", "set", "--secret", "blogAdminPassword", "-s", LAB.stack, "--non-interactive"],
    crypto.randomBytes(18).toString("base64url"),
  );
};

/**
 * Test hook: RECETTE_LAB_FAIL_AFTER=<step> stops lab:up with an error after that step (proves lab:down cleans a
 * half-made lab).
 */
const step = (name: string, log: (s: string) => void) => {
  log(`${name}: done`);
  if (process.env.RECETTE_LAB_FAIL_AFTER === name)
    throw new Error(`RECETTE_LAB_FAIL_AFTER=${name}: stopping here on purpose`);
};

/** Is any part of a lab there (state, bridge, a namespace)? */
export const labTraces = (hosts: LabHost[] = labHosts()): string[] => [
  ...(fs.existsSync(LAB.stateDir) ? [LAB.stateDir] : []),
  ...(run("ip", ["link", "show", LAB.bridge]).status === 0 ? [`bridge ${LAB.bridge}`] : []),
  ...hosts.filter((h) => fs.existsSync(`/run/netns/${h.ns}`)).map((h) => `namespace ${h.ns}`),
  ...(fs.existsSync(LAB.stackFile) ? [path.relative(ROOT, LAB.stackFile)] : []),
];

/** Makes the lab; returns the manager's address. Refuses when a lab (or part of one) is there. */
export const labUp = async (log: (s: string) => void): Promise<string> => {
  const hosts = labHosts();
  const traces = labTraces(hosts);
  if (traces.length > 0)
    throw new Error(`a lab is already (partly) there: ${traces.join(", ")}; run npm run lab:down first`);
  log(`hosts from ${LAB.recipe}: ${hosts.map((h) => `${h.name} ${h.address}`).join(", ")}`);
  await createNetnsHosts(labSpec(hosts));
  step("hosts", log);
  // Before any container: each dockerd gives this DNS to its containers.
  await startDns(hosts);
  step("dns", log);
  await startRegistry();
  step("registry", log);
  // build-images makes what is missing (cached), then tags and pushes every image the stack pulls.
  const push = spawnSync("bash", [path.join(ROOT, "scripts", "build-images"), "--push", LAB.registry, "--plain-http"], {
    cwd: ROOT,
    stdio: ["ignore", 2, 2],
  });
  if (push.status !== 0)
    throw new Error(`scripts/build-images --push ${LAB.registry} --plain-http failed (exit ${push.status})`);
  step("images", log);
  writeStack(path.join(LAB.stateDir, "id_ed25519"));
  step("stack", log);
  const manager = hosts.find((h) => h.role === "manager");
  if (!manager) throw new Error(`${LAB.recipe} lists no manager`);
  return manager.address;
};

/**
 * Forgets the lab hosts' SSH keys in this user's known_hosts. Pulumi's Docker provider reaches the
 * manager over ssh:// with StrictHostKeyChecking=accept-new, so ssh records the key there; every lab
 * has new keys, and ssh would refuse the next lab's manager as an impostor.
 */
const forgetHostKeys = (hosts: LabHost[]) => {
  if (!fs.existsSync(path.join(os.homedir(), ".ssh", "known_hosts"))) return;
  for (const h of hosts) run("ssh-keygen", ["-R", h.address]);
};

/** Removes the lab: stack, stack file, registry, hosts (processes, mounts, data, links, rules), state. */
export const labDown = async (log: (s: string) => void): Promise<void> => {
  const hosts = labHosts();
  if (run("pulumi", ["version"]).status === 0) {
    const rm = pulumi(["stack", "rm", LAB.stack, "--yes", "--force"]);
    if (rm.status === 0) log(`pulumi stack rm ${LAB.stack}`);
  }
  fs.rmSync(LAB.stackFile, { force: true });
  await stopRegistry();
  await stopDns();
  await destroyNetnsHosts(labSpec(hosts));
  forgetHostKeys(hosts);
  const left = labTraces(hosts);
  if (left.length > 0) throw new Error(`still there after lab:down: ${left.join(", ")}`);
  log(
    `removed ${hosts.map((h) => h.ns).join(", ")}, ${LAB.bridge}, the registry and ` +
      `${path.relative(ROOT, LAB.stateDir)} (registry storage kept in ${LAB.registryStorage})`,
  );
};

/**
 * An `ssh` that knows exactly the lab's host key, as an operator's known_hosts would: written under `dir`
 * (its known_hosts and `bin/ssh`, strict host keys, batch mode); put the returned directory first on PATH
 * for commands that reach the hosts through the docker CLI's ssh (recette backup and restore).
 */
export const strictLabSsh = (dir: string, hosts: LabHost[] = labHosts()): string => {
  const hostKey = fs.readFileSync(path.join(LAB.stateDir, "hostkey.pub"), "utf8").trim();
  fs.writeFileSync(path.join(dir, "known_hosts"), `${hosts.map((h) => h.address).join(",")} ${hostKey}\n`);
  fs.mkdirSync(path.join(dir, "bin"));
  fs.writeFileSync(
    path.join(dir, "bin", "ssh"),
    `#!/bin/sh\nexec /usr/bin/ssh -o UserKnownHostsFile=${path.join(dir, "known_hosts")} ` +
      '-o StrictHostKeyChecking=yes -o BatchMode=yes "$@"\n',
    { mode: 0o755 },
  );
  return path.join(dir, "bin");
};
