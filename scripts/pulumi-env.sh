# shellcheck shell=bash
# Source this file (any cwd) to use the Pulumi engine that scripts/ensure-pulumi prepared:
#   source scripts/pulumi-env.sh
# It puts the cached pulumi bin dir first on PATH, uses the cached plugins, turns off update
# checks and plugin downloads, and points Pulumi at a local file backend under .recette/state.

__recette_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
__recette_cache="${RECETTE_CACHE:-$HOME/.cache/recette}"
__recette_version="$(node -p "require('${__recette_root}/node_modules/@pulumi/pulumi/package.json').version" 2>/dev/null || true)"

if [ -n "${__recette_version}" ]; then
  export PATH="${__recette_cache}/pulumi/${__recette_version}/bin:${PATH}"
else
  echo "pulumi-env.sh: node_modules/@pulumi/pulumi is missing; run npm ci first" >&2
fi
export PULUMI_HOME="${__recette_cache}/pulumi-home"
export PULUMI_SKIP_UPDATE_CHECK=1
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
mkdir -p "${__recette_root}/.recette/state"
export PULUMI_BACKEND_URL="file://${__recette_root}/.recette/state"
# This default passphrase only protects secrets of the local test stack, whose state stays in
# .recette/state on this machine; set PULUMI_CONFIG_PASSPHRASE yourself for any other stack.
if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  export PULUMI_CONFIG_PASSPHRASE=recette-local-only
fi

unset __recette_root __recette_cache __recette_version
