import { isServiceName, parseRollbackPin, ROLLBACK_KEY, type RollbackPin } from "../compose/pins";
import { escapeControls } from "../load/text";
import { stackFile } from "../stack/name";
import { chooseRollback, readHistory } from "../stack/history";
import {
  parseStackArgs,
  progressOf,
  projectRoot,
  refusedBeforeEngine,
  STACK_OPTION,
  withStack,
  type StackIo,
  type StackOptions,
} from "./stack-command";
import { deploy } from "./up";

export const summary = "deploy the images of an earlier update again, and keep them until the recipe changes";
export const usage =
  "recette rollback -s <stack> [--to <update>] [--service <name>]...   e.g. recette rollback -s prod --service blog";

export interface RollbackOptions extends StackOptions {
  /** The update whose images to put back (recette history's number); defaults to the latest that differs. */
  to?: number;
  /** Only these services; defaults to every service whose image differs. */
  services?: string[];
}

/**
 * Exit 0 rolled back (the URLs on stdout); 1 refused (nothing recorded, an unknown update or service,
 * nothing differs) or the deploy failed; 2 usage. The pin is written to the stack file as
 * `rollback` before the deploy, so a failed deploy leaves it there for the next `recette up` to retry.
 */
export const rollback = async (opts: RollbackOptions, io: StackIo): Promise<number> => {
  const root = projectRoot(opts);
  const choice = chooseRollback(opts.stack, readHistory(root, opts.stack).entries, opts);
  if (!choice.ok) {
    io.err(`recette rollback: ${escapeControls(choice.message)}`);
    return 1;
  }
  if (refusedBeforeEngine("rollback", root, opts.stack, io)) return 1;
  const live = progressOf(io);
  return withStack("rollback", { ...opts, agent: true, prepare: true }, io, live, async (s) => {
    if (!s.recipeSha256) {
      live.stop();
      io.err(`recette rollback: the recipe of stack ${opts.stack} does not load (fix: recette validate, then retry)`);
      return 1;
    }
    const project = (await s.workspace.projectSettings()).name;
    const key = `${project}:${ROLLBACK_KEY}`;
    // An earlier rollback of the same recipe (another service) stays pinned beside this one.
    const earlier = await s.stack.getConfig(key).catch(() => undefined);
    const kept = earlier ? parseRollbackPin(earlier.value).pin : undefined;
    const pin: RollbackPin = {
      recipe: s.recipeSha256,
      update: choice.to.update,
      images: { ...(kept?.recipe === s.recipeSha256 ? kept.images : {}), ...choice.images },
    };
    await s.stack.setConfig(key, { value: JSON.stringify(pin) });
    for (const [service, image] of Object.entries(choice.images))
      live.say(
        `${service}: ${choice.from.images[service] ?? "(none)"} -> ` +
          `${image} (update ${choice.to.update} of ${choice.to.time})`,
      );
    live.say(
      `pinned in ${stackFile(opts.stack)} as ${ROLLBACK_KEY} until the recipe changes (lift it ` +
        `sooner: recette config rm ${ROLLBACK_KEY} -s ${opts.stack}, then recette up -s ${opts.stack})`,
    );
    return deploy(s, { ...opts, refresh: true, kind: { kind: "rollback", to: choice.to.update } }, io, live);
  });
};

export const rollbackCommand = async (args: string[], io: StackIo): Promise<number> => {
  const p = parseStackArgs(
    "rollback",
    usage,
    args,
    { ...STACK_OPTION, to: { type: "string" }, service: { type: "string", multiple: true } },
    io,
  );
  if (!p.ok) return p.code;
  const to = p.values.to;
  if (to !== undefined && !/^[1-9][0-9]{0,8}$/.test(to)) {
    io.err(
      `recette rollback: --to ${escapeControls(JSON.stringify(to))} is not an ` +
        `update number (see recette history -s ${p.values.stack})\nusage: ${usage}`,
    );
    return 2;
  }
  for (const s of p.values.service ?? [])
    if (!isServiceName(s)) {
      io.err(`recette rollback: --service ${escapeControls(JSON.stringify(s))} is not a service name\nusage: ${usage}`);
      return 2;
    }
  return rollback(
    {
      stack: p.values.stack!,
      ...(to !== undefined ? { to: Number(to) } : {}),
      ...(p.values.service ? { services: p.values.service } : {}),
    },
    io,
  );
};
