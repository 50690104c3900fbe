import { spawnSync } from "node:child_process";

const git = (root: string, args: string[]) =>
  spawnSync("git", args, { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

/**
 * Files that differ between `ref` (from where this checkout's history meets it) and the working tree,
 * untracked files included: what a pull request based on `ref` changes. Throws naming the ref when
 * git does not know it.
 */
export const changedFiles = (root: string, ref: string): string[] => {
  // --end-of-options: a ref such as "--output=x" stays a ref, never an option.
  const known = git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  if (known.status !== 0)
    throw new Error(
      `--changed-from ${JSON.stringify(ref)}: not a commit git knows here (fix: ` +
        "git fetch the base branch, e.g. git fetch origin main, and pass origin/main)",
    );
  const diff = git(root, ["diff", "--name-only", "--no-renames", "--merge-base", known.stdout.trim()]);
  if (diff.status !== 0)
    throw new Error(
      `git diff --merge-base ${ref}: ${diff.stderr.trim()} (fix: fetch ` +
        "enough history, e.g. actions/checkout with fetch-depth: 0)",
    );
  const untracked = git(root, ["ls-files", "--others", "--exclude-standard"]);
  return [...new Set([...diff.stdout.split("\n"), ...untracked.stdout.split("\n")].filter(Boolean))].sort();
};
