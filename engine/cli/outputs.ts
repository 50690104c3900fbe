import type { OutputMap } from "@pulumi/pulumi/automation";
import { escapeControls } from "../load/text";
import { parseStackArgs, progressOf, STACK_OPTION, withStack, type StackIo, type StackOptions } from "./stack-command";

export const summary = "a stack's outputs (URLs, nodes, the shared edge); secret outputs are shown as [secret]";
export const usage = "recette outputs -s <stack> [--json]   e.g. recette outputs -s local --json";

/** A stack's outputs with every secret replaced by "[secret]": never printed, not even with --json. */
export const redactOutputs = (outputs: OutputMap): Record<string, unknown> =>
  Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.secret ? "[secret]" : o.value]));

/** `key: value` lines, values as compact JSON unless they are plain strings. */
export const renderOutputs = (outputs: Record<string, unknown>): string[] =>
  Object.keys(outputs)
    .sort()
    .map((k) => {
      const v = outputs[k];
      return `${k}: ${escapeControls(typeof v === "string" ? v : JSON.stringify(v))}`;
    });

/** Exit 0 with the outputs on stdout; 1 the stack cannot be read. --json: `{ "stack": …, "outputs": { … } }`. */
export const outputs = async (opts: StackOptions & { json: boolean }, io: StackIo): Promise<number> => {
  const live = progressOf(io);
  return withStack("outputs", opts, io, live, async (s) => {
    const out = redactOutputs(await s.stack.outputs());
    live.stop();
    if (opts.json) io.out(JSON.stringify({ stack: opts.stack, outputs: out }, null, 2));
    else for (const l of renderOutputs(out)) io.out(l);
    return 0;
  });
};

export const outputsCommand = async (args: string[], io: StackIo): Promise<number> => {
  const p = parseStackArgs("outputs", usage, args, { ...STACK_OPTION, json: { type: "boolean" } }, io);
  return p.ok ? outputs({ stack: p.values.stack!, json: p.values.json === true }, io) : p.code;
};
