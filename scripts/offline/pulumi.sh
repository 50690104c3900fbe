# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # sourced: VERSION and BIN come from scripts/ensure-pulumi, which reads LANGHOST
# scripts/offline/pulumi.sh, sourced by scripts/ensure-pulumi: the Pulumi engine and provider plugins built
# from Go modules through the Go module proxy, for a machine that reaches neither get.pulumi.com (the
# official installer) nor a plugin server (`pulumi plugin install`). ensure-pulumi takes the official
# artifacts first and calls these only when they cannot be had, saying so in one line.
#
# What the Go module proxy serves here (checked 2026-11; see scripts/offline/README.md):
# - github.com/pulumi/pulumi/pkg/v3 is served: the CLI is built at the exact version (build_cli).
# - github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 is refused (403), so the
#   language host is built from the last sdk/v3 release that still carried it inside the sdk module
#   ($LANGHOST_FALLBACK, build_langhost); the engine talks to it over the stable LanguageRuntime protocol.
# - The pulumi-docker, pulumi-random and pulumi-command provider modules are refused (403): the official
#   module is tried first (build_official), then a stand-in that answers to the same tokens is built
#   (pulumi-standins/, see standins.sh there): random and docker bridged from the upstream Terraform
#   providers (served as pseudo-versions) with pulumi-terraform-bridge, as the official plugins are, with
#   the same type tokens (docker's native `Image` build resource is absent: use RemoteImage/RegistryImage);
#   command and kubernetes as small providers of our own. They are installed under the versions the npm
#   packages ask for, so the engine picks them up; each build is keyed by a hash of its module and
#   sources (plugins/<name>-<v>/source.sha256): edit them and the next run rebuilds and reinstalls it.
# Needs from ensure-pulumi: REPO, CACHE, VERSION, BIN, WORK, say/die (scripts/lib.sh), step, done_step.

NO_GO="go is not on PATH: get.pulumi.com cannot be reached, so the engine is built from Go modules"
NO_GO+=" (install Go 1.26 or later, put it on PATH and rerun)"

# Upstream sources for the offline stand-ins; override to try others.
LANGHOST_FALLBACK="${RECETTE_LANGHOST_FALLBACK:-v3.68.0}"
BRIDGE_VERSION="${RECETTE_BRIDGE_VERSION:-v3.120.0}"
# The bridge's go.mod replaces terraform-plugin-sdk/v2 with a Pulumi fork (its sdk-v2 shim needs
# the fork). That fork predates terraform-plugin-go v0.31, which the served upstream providers
# require, and lacks one method (GenerateResourceConfig): the docker wrapper uses a copy of the
# fork with that method added as an "unsupported" stub. random (plugin framework) needs neither.
BRIDGE_SDKV2_FORK="${RECETTE_BRIDGE_SDKV2_FORK:-github.com/pulumi/terraform-plugin-sdk/v2@v2.0.0-20250923233607-7f1981c8674a}"
TF_RANDOM="${RECETTE_TF_RANDOM:-github.com/hashicorp/terraform-provider-random v1.3.2-0.20260824155315-e1092b0cfc07}"
TF_DOCKER="${RECETTE_TF_DOCKER:-github.com/kreuzwerker/terraform-provider-docker v0.0.0-20260916201441-96d331c98ff4}"

workdir() { # a fresh throwaway build directory under WORK (made by ensure-pulumi)
  local d="$WORK/$1"
  rm -rf "$d"
  mkdir -p "$d"
  printf '%s' "$d"
}

go_download() { # go_download module@version -> prints go's JSON; on refusal logs the error, returns 1
  local out
  # Without go every module looked "refused by the proxy", which sent users after the wrong cause.
  command -v go >/dev/null 2>&1 || die "$NO_GO"
  if out="$(cd "$CACHE" && go mod download -json "$1" 2>/dev/null)"; then
    printf '%s' "$out"
    return 0
  fi
  say "  go mod download $1 refused: $(printf '%s' "$out" | recette_json_field Error)"
  return 1
}

go_build() { # go_build <dir> <output> <ldflags> <package>
  local t=$SECONDS
  (cd "$1" && go mod tidy && go build -trimpath -ldflags "-s -w $3" -o "$2" "$4") >&2 ||
    die "go build of $4 failed (see above)"
  say "  built $(basename "$2") in $((SECONDS - t))s"
}

go_version() { go mod edit -json "$1" | recette_json_field Go; } # the go line of a go.mod

build_cli() {
  local json gomod dir
  json="$(go_download "github.com/pulumi/pulumi/pkg/v3@v$VERSION")" ||
    die "the Go module proxy does not serve github.com/pulumi/pulumi/pkg/v3@v$VERSION"
  gomod="$(printf '%s' "$json" | recette_json_field GoMod)"
  dir="$(workdir cli)"
  # `go install M@V` refuses a module with replace lines: build through a wrapper module that
  # requires it (and the sdk its ../sdk replace points at) and repeats its other replace lines.
  recette_go_mod_new "$dir" recette.local/pulumi-cli "-go=$(go_version "$gomod")" \
    "-require=github.com/pulumi/pulumi/pkg/v3@v$VERSION" "-require=github.com/pulumi/pulumi/sdk/v3@v$VERSION"
  recette_go_mod_repeat_replaces "$dir" "$gomod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' >"$dir/tools.go"
  go_build "$dir" "$BIN/pulumi" "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

build_langhost() {
  local mod="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3" json gomod pkgmod dir
  dir="$(workdir langhost)"
  if json="$(go_download "$mod@v$VERSION")"; then
    gomod="$(printf '%s' "$json" | recette_json_field GoMod)"
    pkgmod="$(go_download "github.com/pulumi/pulumi/pkg/v3@v$VERSION" | recette_json_field GoMod)"
    recette_go_mod_new "$dir" recette.local/pulumi-language-nodejs "-go=$(go_version "$gomod")" \
      "-require=$mod@v$VERSION" "-require=github.com/pulumi/pulumi/pkg/v3@v$VERSION" "-require=github.com/pulumi/pulumi/sdk/v3@v$VERSION"
    # the language host's own replace lines win over pkg's for the same module (repeated last)
    recette_go_mod_repeat_replaces "$dir" "$pkgmod"
    recette_go_mod_repeat_replaces "$dir" "$gomod"
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$mod" >"$dir/tools.go"
    go_build "$dir" "$BIN/pulumi-language-nodejs" \
      "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VERSION" "$mod"
    LANGHOST="v$VERSION"
    return
  fi
  # Up to sdk v3.68.0 the language host lived inside the sdk/v3 module, which the proxy serves.
  say "  falling back to the language host inside github.com/pulumi/pulumi/sdk/v3@$LANGHOST_FALLBACK"
  mod="github.com/pulumi/pulumi/sdk/v3"
  json="$(go_download "$mod@$LANGHOST_FALLBACK")" || die "no buildable pulumi-language-nodejs"
  gomod="$(printf '%s' "$json" | recette_json_field GoMod)"
  recette_go_mod_new "$dir" recette.local/pulumi-language-nodejs "-go=$(go_version "$gomod")" "-require=$mod@$LANGHOST_FALLBACK"
  recette_go_mod_repeat_replaces "$dir" "$gomod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s/nodejs/cmd/pulumi-language-nodejs"\n' "$mod" >"$dir/tools.go"
  go_build "$dir" "$BIN/pulumi-language-nodejs" \
    "-X $mod/go/common/version.Version=$LANGHOST_FALLBACK" "$mod/nodejs/cmd/pulumi-language-nodejs"
  LANGHOST="$LANGHOST_FALLBACK"
}

# pulumi-resource-pulumi-nodejs: a launcher script of the Node.js SDK (it runs
# @pulumi/pulumi/cmd/dynamic-provider from the project's node_modules) that the official install puts
# beside pulumi; taken from the SDK's Go module.
install_nodejs_launcher() {
  local sdk
  sdk="$(go_download "github.com/pulumi/pulumi/sdk/v3@v$VERSION" | recette_json_field Dir)" || die "github.com/pulumi/pulumi/sdk/v3@v$VERSION: not downloadable"
  [ -f "$sdk/nodejs/dist/pulumi-resource-pulumi-nodejs" ] || die "$sdk/nodejs/dist/pulumi-resource-pulumi-nodejs: missing from the SDK module"
  install -m 0755 "$sdk/nodejs/dist/pulumi-resource-pulumi-nodejs" "$BIN/pulumi-resource-pulumi-nodejs"
}

official_modules() { # candidate Go modules of the official provider, newest layout first
  local major="${2%%.*}"
  case "$1" in
    docker) echo "github.com/pulumi/pulumi-docker/provider/v$major github.com/pulumi/pulumi-docker/provider/v4" ;;
    command) echo "github.com/pulumi/pulumi-command/provider" ;;
    random) echo "github.com/pulumi/pulumi-random/provider/v$major" ;;
    kubernetes) echo "github.com/pulumi/pulumi-kubernetes/provider/v$major" ;;
    scaleway) echo "github.com/pulumiverse/pulumi-scaleway/provider" ;;
  esac
}

build_official() { # build_official <name> <version> <module> <module json> <out>
  local name="$1" version="$2" mod="$3" src dir cmd ver_pkg ldflags=""
  src="$(printf '%s' "$4" | recette_json_field Dir)"
  dir="$(workdir "official-$name")"
  cp -R "$src/." "$dir/"
  chmod -R u+w "$dir"
  cmd="$dir/cmd/pulumi-resource-$name"
  # Provider commands that //go:embed a generated schema-embed.json: the module ships only
  # schema.json, so produce the minified copy their Makefiles make.
  if grep -qs 'go:embed schema-embed.json' "$cmd"/*.go && [ ! -f "$cmd/schema-embed.json" ] && [ -f "$cmd/schema.json" ]; then
    node -e 'const fs=require("fs");fs.writeFileSync(process.argv[2],JSON.stringify(JSON.parse(fs.readFileSync(process.argv[1],"utf8"))))' \
      "$cmd/schema.json" "$cmd/schema-embed.json"
  fi
  ver_pkg="$(grep -rlE '^\s*(var )?Version\s+(string|=)' "$dir/pkg/version" 2>/dev/null | head -n1 || true)"
  if [ -n "$ver_pkg" ]; then ldflags="-X $mod/pkg/version.Version=$version"; fi
  go_build "$dir" "$5" "$ldflags" "./cmd/pulumi-resource-$name"
}

# shellcheck source=scripts/offline/pulumi-standins/standins.sh
. "$REPO/scripts/offline/pulumi-standins/standins.sh"
