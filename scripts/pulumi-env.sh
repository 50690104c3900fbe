# shellcheck shell=bash
# Source this file (any cwd) to use the Pulumi engine that scripts/ensure-pulumi prepared:
#   source scripts/pulumi-env.sh
# It puts the cached pulumi bin dir first on PATH, uses the cached plugins, turns off update
# checks and plugin downloads, and points Pulumi at a local file backend under .recette/state of the
# project: the nearest folder above the current one holding a Pulumi.yaml (this checkout by default).

__recette_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
__recette_cache="${RECETTE_CACHE:-$HOME/.cache/recette}"
# @pulumi/pulumi as Node finds it from the package (hoisted above it when recette is installed in a project).
__recette_version="$(node -p \
  "require(require.resolve('@pulumi/pulumi/package.json', { paths: [process.argv[1]] })).version" \
  "${__recette_root}" 2>/dev/null || true)"

if [ -n "${__recette_version}" ]; then
  export PATH="${__recette_cache}/pulumi/${__recette_version}/bin:${PATH}"
else
  echo "pulumi-env.sh: @pulumi/pulumi is not installed beside ${__recette_root}; run npm ci (or npm install) first" >&2
fi
__recette_project="$PWD"
while [ "${__recette_project}" != / ] && [ ! -f "${__recette_project}/Pulumi.yaml" ]; do
  __recette_project="$(dirname "${__recette_project}")"
done
[ -f "${__recette_project}/Pulumi.yaml" ] || __recette_project="${__recette_root}"
export PULUMI_HOME="${__recette_cache}/pulumi-home"
export PULUMI_SKIP_UPDATE_CHECK=1
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
mkdir -p "${__recette_project}/.recette/state"
export PULUMI_BACKEND_URL="file://${__recette_project}/.recette/state"
# This default passphrase only protects secrets of the local test stack, whose state stays in
# .recette/state on this machine; set PULUMI_CONFIG_PASSPHRASE yourself for any other stack.
if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  export PULUMI_CONFIG_PASSPHRASE=recette-local-only
fi

unset __recette_root __recette_cache __recette_version __recette_project
