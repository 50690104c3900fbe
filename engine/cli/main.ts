type Io = { out: (s: string) => void; err: (s: string) => void };
interface Command {
  summary: string;
  usage: string;
  run: (args: string[], io: Io) => number | Promise<number>;
}

// Commands load lazily: `validate` and `explain` never pay for loading Pulumi and the providers.
const COMMANDS: Record<string, () => Command> = {
  validate: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./validate") as typeof import("./validate");
    return { summary: m.summary, usage: m.usage, run: m.validateCommand };
  },
  render: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./render") as typeof import("./render");
    return { summary: m.summary, usage: m.usage, run: m.renderCommand };
  },
  explain: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./explain") as typeof import("./explain");
    return { summary: m.summary, usage: m.usage, run: m.explainCommand };
  },
  backup: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./backup") as typeof import("./backup");
    return { summary: m.summary, usage: m.usage, run: m.backupCommand };
  },
  restore: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./restore") as typeof import("./restore");
    return { summary: m.summary, usage: m.usage, run: m.restoreCommand };
  },
  images: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./images") as typeof import("./images");
    return { summary: m.summary, usage: m.usage, run: m.imagesCommand };
  },
  up: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./up") as typeof import("./up");
    return { summary: m.summary, usage: m.usage, run: m.upCommand };
  },
  preview: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./preview") as typeof import("./preview");
    return { summary: m.summary, usage: m.usage, run: m.previewCommand };
  },
  refresh: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./refresh") as typeof import("./refresh");
    return { summary: m.summary, usage: m.usage, run: m.refreshCommand };
  },
  destroy: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./destroy") as typeof import("./destroy");
    return { summary: m.summary, usage: m.usage, run: m.destroyCommand };
  },
  drift: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./drift") as typeof import("./drift");
    return { summary: m.summary, usage: m.usage, run: m.driftCommand };
  },
  outputs: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./outputs") as typeof import("./outputs");
    return { summary: m.summary, usage: m.usage, run: m.outputsCommand };
  },
  status: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./status") as typeof import("./status");
    return { summary: m.summary, usage: m.usage, run: m.statusCommand };
  },
  logs: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./logs") as typeof import("./logs");
    return { summary: m.summary, usage: m.usage, run: m.logsCommand };
  },
  schema: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./schema") as typeof import("./schema");
    return { summary: m.summary, usage: m.usage, run: m.schemaCommand };
  },
};

export const helpText = async (): Promise<string> => {
  const lines = ["recette: declarative infrastructure recipes on Pulumi", "", "commands:"];
  for (const [name, load] of Object.entries(COMMANDS)) {
    const c = load();
    lines.push(`  ${name.padEnd(9)} ${c.summary}`, `            ${c.usage}`);
  }
  lines.push("", "Deploy: recette up -s <stack> (pulumi up still works after source scripts/pulumi-env.sh).");
  return lines.join("\n");
};

export const main = async (argv: string[], io: Io = { out: (s) => console.log(s), err: (s) => console.error(s) }): Promise<number> => {
  const [name, ...args] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    io.out(await helpText());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.err(`recette: unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(", ")}; run recette help)`);
    return 2;
  }
  return load().run(args, io);
};
