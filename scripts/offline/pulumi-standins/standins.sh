# shellcheck shell=bash
# Sourced by scripts/offline/pulumi.sh (for scripts/ensure-pulumi): the offline stand-ins for the provider
# plugins whose Go modules the proxy refuses, built only when the official plugin cannot be installed.
# Each is a folder of Go sources here, with its tests (*_test.go):
#   command/     our own provider: command:local:Command, command:local:run, command:remote:Command
#   kubernetes/  our own provider: any kubernetes:<group>/<version>:<Kind>, server-side apply
#   random/      the upstream Terraform random provider bridged by pulumi-terraform-bridge
#   docker/      the upstream Terraform docker provider, likewise; sdkv2/ holds what we add to the bridge's
#                terraform-plugin-sdk/v2 fork (copied over the fork's module)
# The go.mod is not a file here: it follows the engine's sdk version, the local cluster's Kubernetes pin
# and the bridge's and upstream providers' versions (standin_module). A build is keyed by standin_key, so
# editing the sources (tests aside) rebuilds and reinstalls the plugin.
# Needs from ensure-pulumi: REPO, VERSION, VERSION_P, NAME, step, done_step; from scripts/offline/pulumi.sh:
# BRIDGE_VERSION, BRIDGE_SDKV2_FORK, TF_RANDOM, TF_DOCKER, workdir, go_download, go_build; from
# scripts/lib.sh: die, recette_json_field, recette_go_mod_new.

STANDINS="$REPO/scripts/offline/pulumi-standins"
STANDIN_NAMES=(command kubernetes random docker)

# standin_module <name>: the stand-in's module path, then the `go mod edit` flags of its go.mod, one a line.
standin_module() {
  local k8s tf declared
  case "$1" in
    command)
      printf '%s\n' recette.local/pulumi-resource-command -go=1.25.11 "-require=github.com/pulumi/pulumi/sdk/v3@v$VERSION"
      ;;
    kubernetes) # client-go at the local cluster's pin
      k8s="$(sed -n 's/^K8S_VERSION=v1\.//p' "$REPO/scripts/kubernetes/versions.env")"
      printf '%s\n' recette.local/pulumi-resource-kubernetes -go=1.25.11 "-require=github.com/pulumi/pulumi/sdk/v3@v$VERSION" \
        "-require=k8s.io/apimachinery@v0.$k8s" "-require=k8s.io/client-go@v0.$k8s"
      ;;
    random | docker)
      # The module path sits under the Terraform provider's own path so that it may import its
      # internal/provider package (Go's internal rule is by import path); the upstream module is replaced
      # by the version the proxy serves (which declares the old github.com/terraform-providers/... path).
      if [ "$1" = random ]; then tf=$TF_RANDOM; else tf=$TF_DOCKER; fi
      declared="github.com/terraform-providers/terraform-provider-$1"
      printf '%s\n' "$declared/recette" -go=1.25.8 "-require=github.com/pulumi/pulumi-terraform-bridge/v3@$BRIDGE_VERSION" \
        "-require=$declared@v0.0.0" "-replace=$declared=${tf% *}@${tf#* }"
      # The bridge's go.mod replaces terraform-plugin-sdk/v2 with a Pulumi fork; docker's copy of the
      # fork carries sdkv2/ of its folder (see BRIDGE_SDKV2_FORK in ensure-pulumi).
      if [ "$1" = docker ]; then printf '%s\n' "-replace=github.com/hashicorp/terraform-plugin-sdk/v2=./sdkv2"; fi
      ;;
    *) die "no stand-in named $1" ;;
  esac
}

standin_key() { # standin_key <name> -> hash of its module and sources (tests aside); empty if no sources
  local d="$STANDINS/$1"
  [ -d "$d" ] || return 0
  {
    standin_module "$1"
    if [ "$1" = docker ]; then printf '%s\n' "$BRIDGE_SDKV2_FORK"; fi
    (cd "$d" && find . -type f -name '*.go' ! -name '*_test.go' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -c1-16
}

# standin_prepare <name> [tests]: the stand-in's module in a fresh build directory, whose path it prints:
# its sources (with tests only when asked: a build must not depend on them) and its go.mod.
standin_prepare() {
  local dir mod fork
  local -a edits
  dir="$(workdir "standin-$1")"
  cp -R "$STANDINS/$1/." "$dir/"
  if [ "${2:-}" != tests ]; then find "$dir" -name '*_test.go' -delete; fi
  mapfile -t edits < <(standin_module "$1")
  mod=${edits[0]}
  recette_go_mod_new "$dir" "$mod" "${edits[@]:1}"
  case "$1" in
    random | docker)
      # tfgen reads and rewrites these; the first build embeds empty placeholders.
      echo '{}' >"$dir/cmd/pulumi-resource-$1/bridge-metadata.json"
      echo '{}' >"$dir/cmd/pulumi-resource-$1/schema-embed.json"
      ;;
  esac
  if [ "$1" = docker ]; then
    fork="$(go_download "$BRIDGE_SDKV2_FORK" | recette_json_field Dir)" || die "cannot download $BRIDGE_SDKV2_FORK"
    cp -R "$fork/." "$dir/sdkv2/"
    chmod -R u+w "$dir/sdkv2"
  fi
  printf '%s' "$dir"
}

build_bridged() { # build_bridged <dir> <out> <module>: tfgen -> schema.json -> schema-embed.json -> provider
  local dir="$1" out="$2" pkg="$3" t=$SECONDS
  local ldflags="-X $pkg.Version=$VERSION_P"
  go_build "$dir" "$dir/pulumi-tfgen-$NAME" "$ldflags" "./cmd/pulumi-tfgen-$NAME"
  # tfgen warns that it cannot find the upstream docs (offline); keep its chatter unless it fails.
  (cd "$dir" && "./pulumi-tfgen-$NAME" schema --out "cmd/pulumi-resource-$NAME" >"$dir/tfgen.log" 2>&1) ||
    { cat "$dir/tfgen.log" >&2; die "pulumi-tfgen-$NAME schema failed"; }
  node -e 'const fs=require("fs");fs.writeFileSync(process.argv[2],JSON.stringify(JSON.parse(fs.readFileSync(process.argv[1],"utf8"))))' \
    "$dir/cmd/pulumi-resource-$NAME/schema.json" "$dir/cmd/pulumi-resource-$NAME/schema-embed.json"
  go_build "$dir" "$out" "$ldflags" "./cmd/pulumi-resource-$NAME"
  say "  $NAME stand-in done in $((SECONDS - t))s"
}

standin_build() { # standin_build <name> <out>
  local dir mod
  dir="$(standin_prepare "$1")"
  mod="$(standin_module "$1" | head -n1)"
  case "$1" in
    random | docker) build_bridged "$dir" "$2" "$mod" ;;
    *) go_build "$dir" "$2" "-X main.Version=$VERSION_P" . ;;
  esac
}

# standins_test: `go test ./...` of every stand-in, in the module its build uses (-trimpath as the build,
# so that Go's cache of the build's packages serves the tests, and the tests' results are cached too).
standins_test() {
  local name dir
  for name in "${STANDIN_NAMES[@]}"; do
    NAME=$name
    step "go test: the $name stand-in"
    dir="$(standin_prepare "$name" tests)"
    (cd "$dir" && go mod tidy && go test -trimpath ./...) >&2 || die "go test of the $name stand-in failed (see above)"
    done_step "go test: the $name stand-in"
  done
}
