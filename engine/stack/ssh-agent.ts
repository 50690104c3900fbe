import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Pulumi's Docker provider reaches a remote Swarm manager over ssh://, which asks an ssh-agent for the
 * key (it has no key option of its own). The key is already in the stack, as the secret the recipe
 * names: recette starts an agent of its own for the run, adds that key and stops the agent after, so
 * a user never starts one by hand (scripts/lab-up used to print `eval $(ssh-agent) && ssh-add …`).
 */
export interface Agent {
  /** SSH_AUTH_SOCK for the engine run. */
  socket: string;
  pid: number;
  stop: () => void;
}

/** The stack config key holding the SSH private key, when the recipe's Docker endpoint is ssh://. */
export const sshKeySecret = (recipe: {
  orchestrator: { kind: string };
  nodes: { provider: string; ssh?: { privateKey?: { secret: string } } };
}): string | undefined =>
  recipe.orchestrator.kind === "swarm" && recipe.nodes.provider !== "local"
    ? recipe.nodes.ssh?.privateKey?.secret
    : undefined;

/** SSH_AUTH_SOCK and SSH_AGENT_PID from `ssh-agent -s`'s output. */
export const parseAgentOutput = (text: string): { socket: string; pid: number } | undefined => {
  const socket = /SSH_AUTH_SOCK=([^;\n]+);/.exec(text)?.[1];
  const pid = Number(/SSH_AGENT_PID=(\d+);/.exec(text)?.[1]);
  return socket && pid > 0 ? { socket, pid } : undefined;
};

/** Starts an ssh-agent holding `key`; the key touches the disk only in a 0600 file removed at once. */
export const startAgent = (key: string, what: string): Agent => {
  const started = spawnSync("ssh-agent", ["-s"], { encoding: "utf8" });
  if (started.error)
    throw new Error(
      `cannot start ssh-agent for ${what} (fix: install OpenSSH's client, e.g. apt-get install openssh-client)`,
    );
  const agent = parseAgentOutput(started.stdout ?? "");
  if (!agent)
    throw new Error(
      `ssh-agent -s did not say where it listens (it printed: ${(started.stdout ?? "").trim().slice(0, 200)})`,
    );
  const stop = () => {
    try {
      process.kill(agent.pid);
    } catch {
      // Already gone: nothing to stop.
    }
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recette-key-"));
  try {
    const file = path.join(dir, "key");
    fs.writeFileSync(file, key.endsWith("\n") ? key : `${key}\n`, { mode: 0o600 });
    const added = spawnSync("ssh-add", ["-q", file], {
      encoding: "utf8",
      env: { ...process.env, SSH_AUTH_SOCK: agent.socket },
    });
    // ssh-add's message names the temporary file, never the key: safe to show.
    if (added.status !== 0)
      throw new Error(
        `ssh-add refused ${what}: ${(added.stderr ?? "").trim()} (fix: set it again with recette config set --secret)`,
      );
  } catch (e) {
    stop();
    throw e;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { ...agent, stop };
};
