import { describe, expect, it } from "vitest";
import { configProblem, pulumiConfigArgs } from "../../engine/cli/config";
import { recette, run } from "./cli-helpers";

const none = { secret: false, json: false };

describe("recette config: the engine's command line it runs", () => {
  it("maps each action onto pulumi config, the stack always named, a value only after --", () => {
    expect(pulumiConfigArgs("ls", "local", undefined, undefined, { secret: false, json: true })).toEqual([
      "config",
      "--json",
      "--stack",
      "local",
    ]);
    expect(pulumiConfigArgs("get", "acme/prod", "acmeEmail", undefined, none)).toEqual([
      "config",
      "get",
      "acmeEmail",
      "--stack",
      "acme/prod",
    ]);
    // No value: the engine reads it from stdin (or prompts on a terminal), so it never sits in argv.
    expect(pulumiConfigArgs("set", "local", "blogAdminPassword", undefined, { secret: true, json: false })).toEqual([
      "config",
      "set",
      "blogAdminPassword",
      "--secret",
      "--stack",
      "local",
    ]);
    // A value that looks like an option stays a value.
    expect(pulumiConfigArgs("set", "dev", "smtpUser", "--admin", none)).toEqual([
      "config",
      "set",
      "smtpUser",
      "--stack",
      "dev",
      "--",
      "--admin",
    ]);
    expect(pulumiConfigArgs("rm", "dev", "smtpPasword", undefined, none)).toEqual([
      "config",
      "rm",
      "smtpPasword",
      "--stack",
      "dev",
    ]);
  });
});

describe("recette config: refusals before anything runs", () => {
  it.each([
    ["ls", "acmeEmail", undefined, none, "ls takes no key (to read one: recette config get <key> -s <stack>)"],
    ["ls", undefined, undefined, { secret: true, json: false }, "--secret goes with set"],
    ["get", undefined, undefined, none, "get needs a key, e.g. recette config get blogAdminPassword -s local"],
    ["set", undefined, undefined, none, "set needs a key, e.g. recette config set blogAdminPassword -s local"],
    ["get", "acmeEmail", "x", none, "get takes one key, no value"],
    ["rm", "acmeEmail", undefined, { secret: true, json: false }, "--secret goes with set"],
    ["set", "acmeEmail", "x", { secret: false, json: true }, "--json goes with ls and get"],
    [
      "set",
      "a b;rm -rf /",
      "x",
      none,
      '"a b;rm -rf /" is not a config key (letters, digits, _ . -, optionally after "<namespace>:")',
    ],
    ["set", "-x", "x", none, '"-x" is not a config key (letters, digits, _ . -, optionally after "<namespace>:")'],
  ] as const)("%s %s %s %o: %s", (action, key, value, o, problem) => {
    expect(configProblem(action, key, value, o)).toBe(problem);
  });

  it.each([
    ["ls", undefined, undefined, { secret: false, json: true }],
    ["get", "scaleway:region", undefined, { secret: false, json: true }],
    ["set", "blogAdminPassword", undefined, { secret: true, json: false }],
    ["set", "acmeEmail", "you@example.org", none],
    ["rm", "smtpPasword", undefined, none],
  ] as const)("accepts %s %s", (action, key, value, o) => {
    expect(configProblem(action, key, value, o)).toBeUndefined();
  });

  it("without -s, or with an action it does not know, is a usage error (exit 2) naming the fix", async () => {
    const noStack = await run("config", "set", "acmeEmail", "a@b.c");
    expect(noStack.code).toBe(2);
    expect(noStack.stderr).toContain("--stack");
    const unknown = await run("config", "put", "acmeEmail", "-s", "local");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/put/);
    expect(unknown.stderr).toMatch(/ls, get, set, rm/);
  });

  it("the installed command refuses a bad key with exit 2 before it opens the stack", () => {
    const r = recette("config", "set", "a:b:c", "x", "-s", "no-such-stack");
    expect(r.stderr).toBe(
      'recette config: "a:b:c" is not a config key (letters, digits, _ . -, optionally after "<namespace>:")\n',
    );
    expect(r.status).toBe(2);
  });
});
