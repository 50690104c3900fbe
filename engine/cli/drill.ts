import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { verifyArchiveFile } from "../backup/archive";
import { backupStack } from "../backup/backup";
import type { Manifest } from "../backup/manifest";
import { restoreStack } from "../backup/restore";
import { archiveProblem } from "./restore";
import { Refused } from "../backup/site";
import { ArchiveRefused } from "../backup/manifest";
import { publishedArticles } from "../drill/articles";
import { checkBlog, type BlogCheck } from "../drill/blog";
import { peerCertificate, request } from "../drill/http";
import { escapeControls, escapeLines } from "../load/text";
import { edgeEndpoint, until } from "../status/edge";
import type { Model } from "../model";
import type { Recipe } from "../schema";
import { DRILL_PREFIX } from "../model/derive";
import { stackShortName, validateStackName } from "../stack/name";
import { copiedKeys, createDerived, DerivedRefused, derivableBase, removeDerived, upDerived } from "../stack/derived";
import { openStack } from "../stack/workspace";
import {
  errorCounter,
  failureText,
  parseStackArgs,
  progressOf,
  projectRoot,
  STACK_OPTION,
  type StackIo,
  type StackOptions,
} from "./stack-command";
import { defaultHelperImage, recetteVersion, resolvePlace } from "./volumes";

export const usage = "recette drill -s <stack> [--backup <file>] [--json]   e.g. recette drill -s local";

export interface DrillOptions extends StackOptions {
  /** The archive to restore; defaults to a backup of the stack taken now. */
  backup?: string;
  json: boolean;
  /** Leave the scratch stack running after the checks (to look at it); `recette destroy` removes it then. */
  keep: boolean;
  /** The Docker engine holding the blog's volume (ssh://user@node on a multi-node Swarm), as backup's --host. */
  host?: string;
}

/** What `recette drill --json` prints (docs/operations.md). */
export interface DrillReport {
  stack: string;
  drillStack: string;
  backup: { file: string; createdAt: string; taken: boolean };
  /** The backup's age when the drill started: the data a disaster now would lose at most. */
  rpoSeconds: number;
  /** From the drill's start to the restored blog answering every check. */
  rtoSeconds: number;
  /** Seconds each phase took: the backup (0 when given), the scratch stack's deploy, the restore, the checks. */
  phases: { backup: number; deploy: number; restore: number; checks: number };
  url: string;
  /** The certificate the stack's Traefik served for the drill's host: its issuer, or why there is none yet. */
  certificate: string;
  articles: { path: string; status: number }[];
  adminLogin: boolean;
  problems: string[];
  ok: boolean;
}

/** The scratch stack of a drill: `<stack>-drill` (qualified like the stack). */
export const drillStackName = (stack: string): string => `${stack}-drill`;

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** Why the stack cannot be drilled, or its model: a base for derived stacks with a PluXml blog to check. */
const drillable = (
  root: string,
  stack: string,
): { model: Model; recipe: Recipe; file: string } | { problem: string } => {
  const base = derivableBase(root, stack, "recette drill");
  if ("problem" in base) return base;
  if (!base.model.apps.some((a) => a.kind === "pluxml"))
    return { problem: `${base.file}: no pluxml app: a drill checks a restored blog, and this recipe has none` };
  return base;
};

/**
 * Restores a backup into a scratch stack beside the stack, checks the blog it serves, reports RPO and RTO,
 * and removes the scratch stack. Exit 0 every check passed; 1 a check failed or the drill could not run; 2 usage.
 */
export const drill = async (opts: DrillOptions, io: StackIo): Promise<number> => {
  const started = Date.now();
  const root = projectRoot(opts);
  const name = drillStackName(opts.stack);
  const badName = validateStackName(name);
  if (badName) {
    io.err(`recette drill: the drill's stack ${badName} (use a shorter stack name)`);
    return 2;
  }
  const base = drillable(root, opts.stack);
  if ("problem" in base) {
    io.err(`recette drill: ${escapeLines(base.problem)}`);
    return 1;
  }
  const { model } = base;
  // The recipe is the stack's own: the scratch stack reads every key the stack's recipe reads.
  const keys = copiedKeys(base.recipe, base.recipe);
  const blogs = model.apps.flatMap((a) => (a.kind === "pluxml" ? [a] : []));
  const live = progressOf(io);
  const say = (s: string) => live.say(escapeControls(s));
  const problems: string[] = [];
  let tmp: string | undefined;
  let session: Awaited<ReturnType<typeof openStack>> | undefined;
  let scratch: Stack | undefined;
  let report: DrillReport | undefined;
  let project = "recette";
  try {
    // 1. The backup: the one given, checked whole before anything runs, or one taken now.
    let file = opts.backup;
    let manifest: Manifest | undefined;
    if (file) {
      const given = file;
      const missing = archiveProblem(given);
      if (missing) throw new Refused(missing);
      say(`checking ${given}`);
      manifest = await verifyArchiveFile(given).catch((e: Error) => {
        throw new Refused(`${given}: ${e.message}`);
      });
    }
    session = await openStack({ root, stack: opts.stack, agent: true, progress: say });
    if (session.env.SSH_AUTH_SOCK) process.env.SSH_AUTH_SOCK = session.env.SSH_AUTH_SOCK;
    project = (await session.workspace.projectSettings()).name;
    const phases = { backup: 0, deploy: 0, restore: 0, checks: 0 };
    let mark = Date.now();
    const phase = (name: keyof typeof phases) => {
      phases[name] = seconds(Date.now() - mark);
      mark = Date.now();
    };
    if (!file || !manifest) {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recette-drill-"));
      file = path.join(tmp, `${stackShortName(opts.stack)}.tar.gz`);
      say(`backing up stack ${opts.stack}`);
      const where = resolvePlace("drill", { stack: opts.stack, ...(opts.host ? { host: opts.host } : {}) });
      if ("code" in where) throw new Refused(where.message);
      manifest = await backupStack({
        place: where.place,
        file,
        force: false,
        workloads: blogs.map((b) => b.name),
        image: defaultHelperImage(opts.stack, root),
        version: recetteVersion(),
        log: say,
      });
    }
    phase("backup");
    const archived = new Set(manifest.volumes.map((v) => v.workload));
    const restored = blogs.map((b) => b.name).filter((w) => archived.has(w));
    if (restored.length === 0)
      throw new Refused(
        `${file} holds no blog data (its volumes: ${manifest.volumes.map((v) => v.logical).join(", ")})`,
      );
    // 2. The scratch stack: the stack's configuration and secrets, on its nodes and behind its Traefik.
    say(
      `deploying stack ${name} (the recipe's apps under ${DRILL_PREFIX}.<host>, behind stack ${opts.stack}'s Traefik)`,
    );
    // Held before the deploy: a deploy that fails half-way is removed too.
    scratch = await createDerived(session, project, root, name, DRILL_PREFIX, keys, {});
    await upDerived(scratch, root, errorCounter(live).onEvent);
    phase("deploy");
    // 3. The restore, into the scratch stack's volumes (its blog stopped for the swap).
    say(`restoring ${file} into stack ${name}`);
    const into = resolvePlace("drill", { stack: name, ...(opts.host ? { host: opts.host } : {}) });
    if ("code" in into) throw new Error(into.message);
    await restoreStack({
      place: into.place,
      file,
      fromStack: manifest.stack,
      stop: true,
      image: defaultHelperImage(opts.stack, root),
      log: say,
      workloads: restored,
    });
    phase("restore");
    // 4. The checks, through the stack's Traefik.
    const port = model.edge!.traefik.ports.https;
    const address = edgeEndpoint(model, await session.stack.outputs())?.address ?? "127.0.0.1";
    const checks: BlogCheck = { articles: [], adminLogin: true };
    let url = "";
    let certificate = "";
    for (const b of blogs.filter((x) => restored.includes(x.name))) {
      const host = `${DRILL_PREFIX}.${b.spec.host}`;
      url = `https://${host}${port === 443 ? "" : `:${port}`}/`;
      const at = { address, port, host };
      say(`waiting for ${url}`);
      const up = await until(180, async () => (await request("https", host, port, "/", { address })).status === 200);
      if (!up) problems.push(`${url} did not answer 200 within 180 s`);
      const articles = publishedArticles(manifest, `${b.name}-data`, new Date(started), b.spec.timezone);
      const password = (await session.stack.getConfig(`${project}:${b.spec.admin.password.secret}`)).value;
      const c = await checkBlog(at, articles, { login: b.spec.admin.login, password });
      checks.articles.push(...c.articles);
      if (!c.adminLogin) {
        checks.adminLogin = false;
        problems.push(c.loginProblem ?? "the admin could not log in");
      }
      for (const a of c.articles.filter((x) => x.status !== 200))
        problems.push(`article ${a.path} answered ${a.status} on ${host}`);
      // Said, not checked: the drill proves the data; the certificate depends on DNS for drill.<host>.
      const cert = await peerCertificate(host, port, address).catch(() => undefined);
      const names = String(cert?.subjectaltname ?? "");
      certificate = names.split(", ").includes(`DNS:${host}`)
        ? `issued by ${cert?.issuer?.CN ?? "an unnamed CA"}`
        : `none for ${host} yet (Traefik's default served; the stack's CA needs ${host} to reach its Traefik)`;
    }
    phase("checks");
    const rtoSeconds = seconds(Date.now() - started);
    report = {
      stack: opts.stack,
      drillStack: name,
      backup: { file, createdAt: manifest.createdAt, taken: !opts.backup },
      // A backup taken by the drill is younger than the drill: nothing would be lost.
      rpoSeconds: Math.max(0, seconds(started - Date.parse(manifest.createdAt))),
      rtoSeconds,
      phases,
      url,
      certificate,
      articles: checks.articles,
      adminLogin: checks.adminLogin,
      problems,
      ok: problems.length === 0,
    };
  } catch (e) {
    live.stop();
    // recette's own refusals as they are (the archive, the volumes); the engine's failures with its last lines.
    const known =
      e instanceof Refused ||
      e instanceof ArchiveRefused ||
      e instanceof DerivedRefused ||
      (e instanceof Error && "syscall" in e);
    io.err(`recette drill: ${known ? escapeLines((e as Error).message) : failureText(name, e, false)}`);
  } finally {
    // 5. The scratch stack goes, data included, unless --keep.
    if (scratch && !opts.keep) {
      try {
        say(`destroying stack ${name}`);
        await removeDerived(session!, project, root, scratch, keys, errorCounter(live).onEvent, say);
      } catch (e) {
        live.stop();
        io.err(
          `recette drill: stack ${name} could not be removed: ` +
            `${escapeLines(failureText(name, e, false))} (fix: recette destroy -s ${name})`,
        );
        problems.push(`stack ${name} was not removed`);
      }
    }
    live.stop();
    session?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (!report) return 1;
  report.problems = problems;
  report.ok = problems.length === 0;
  if (opts.json) io.out(JSON.stringify(report, null, 2));
  else {
    io.out(`drill of stack ${opts.stack}: ${report.ok ? "passed" : "FAILED"}`);
    io.out(
      report.backup.taken
        ? `  backup  taken now, made ${report.backup.createdAt} (removed after the drill)`
        : `  backup  ${escapeControls(report.backup.file)}, made ${report.backup.createdAt}`,
    );
    io.out(`  RPO     ${report.rpoSeconds} s (the backup's age when the drill started)`);
    const p = report.phases;
    io.out(
      `  RTO     ${report.rtoSeconds} s (from the start to the restored blog answering): ` +
        `backup ${p.backup} s, deploy ${p.deploy} s, restore ${p.restore} s, checks ${p.checks} s`,
    );
    io.out(
      `  blog    ${report.url}: ${report.articles.filter((a) => a.status === 200).length} of ` +
        `${report.articles.length} articles served, admin login ${report.adminLogin ? "ok" : "refused"}`,
    );
    io.out(`  TLS     ${escapeControls(report.certificate)}`);
    for (const p of problems) io.out(`  problem ${escapeControls(p)}`);
  }
  return report.ok ? 0 : 1;
};

export const drillCommand = async (args: string[], io: StackIo): Promise<number> => {
  const p = parseStackArgs(
    "drill",
    usage,
    args,
    {
      ...STACK_OPTION,
      backup: { type: "string" },
      host: { type: "string" },
      keep: { type: "boolean" },
      json: { type: "boolean" },
    },
    io,
  );
  if (!p.ok) return p.code;
  const v = p.values;
  return drill(
    {
      stack: v.stack!,
      json: v.json === true,
      keep: v.keep === true,
      ...(v.backup ? { backup: v.backup } : {}),
      ...(v.host ? { host: v.host } : {}),
    },
    io,
  );
};
