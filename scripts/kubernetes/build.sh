# shellcheck shell=bash
# Sourced by scripts/ensure-kubernetes: builds the cluster's Go binaries from their modules through
# the Go module proxy, each cached under $KCACHE/<name>-<version>/ and rebuilt only when its pin changes.
#
# - k8s.io/kubernetes: `go install` refuses it (its go.mod replaces every k8s.io/<staging> module by
#   a path inside the repository), so a wrapper module requires it and replaces each staging module by
#   its published v0.<minor>.<patch>; all binaries are built by ONE `go build` so shared packages
#   compile once.
# - CoreDNS and local-path-provisioner: plain modules, built in a wrapper too (same flags).
# The wrappers' go.mod files are made and edited by `go mod init`/`go mod edit` (scripts/lib.sh).

go_env() {
  export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" GOFLAGS=-mod=mod CGO_ENABLED=0
}

go_version() { go mod edit -json "$1" | recette_json_field Go; } # the go line of a go.mod

build_kubernetes() { # build_kubernetes <out dir> <command...>: the commands (k8s.io/kubernetes/cmd/<c>) into <out dir>
  local out="$1" dir json gomod staging ldf t=$SECONDS
  shift
  local commands=("$@")
  go_env
  dir="$(mktemp -d "${TMPDIR:-/tmp}/ensure-kubernetes.XXXXXX")"
  json="$(cd "$CACHE" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION")" ||
    die "the Go module proxy does not serve k8s.io/kubernetes@$K8S_VERSION"
  gomod="$(printf '%s' "$json" | recette_json_field GoMod)"
  staging="v0.${K8S_VERSION#v1.}"
  recette_go_mod_new "$dir" recette.local/kubernetes "-go=$(go_version "$gomod")" "-require=k8s.io/kubernetes@$K8S_VERSION"
  # k8s.io/<staging> => ./staging/...: each staging module at its published version (v1.34.4 -> v0.34.4)
  recette_go_mod_repeat_replaces "$dir" "$gomod" "$staging"
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for c in "${commands[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$c"; done
    printf ')\n'
  } >"$dir/tools.go"
  local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  ldf="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    ldf+=" -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  rm -rf "$out.partial"
  mkdir -p "$out.partial" "$out"
  local pkgs=() c
  for c in "${commands[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
  (cd "$dir" && go mod tidy && go build -trimpath -ldflags "$ldf" -o "$out.partial/" "${pkgs[@]}") >&2 ||
    die "go build of k8s.io/kubernetes@$K8S_VERSION failed (see above)"
  # A binary lands in the cache only once it is whole (the directory is keyed by the version pin).
  for c in "${commands[@]}"; do mv "$out.partial/$c" "$out/$c"; done
  rm -rf "$dir" "$out.partial"
  say "built ${commands[*]} $K8S_VERSION in $((SECONDS - t))s"
}

# build_module <module> <version> <main> <out>: a main package built in a wrapper module that requires
# <module>@<version> (so replace lines of its go.mod do not stop it, as they stop `go install`).
# <main> is a package path inside the module, or a directory of our own Go sources (a main package
# importing the module), copied into the wrapper.
build_module() {
  local mod="$1" ver="$2" main="$3" out="$4" dir json gomod pkg t=$SECONDS
  go_env
  dir="$(mktemp -d "${TMPDIR:-/tmp}/ensure-kubernetes.XXXXXX")"
  json="$(cd "$CACHE" && go mod download -json "$mod@$ver")" || die "the Go module proxy does not serve $mod@$ver"
  gomod="$(printf '%s' "$json" | recette_json_field GoMod)"
  recette_go_mod_new "$dir" "recette.local/$(basename "$out")" "-go=$(go_version "$gomod")" "-require=$mod@$ver"
  # Non-relative replace lines of the module itself are repeated in the wrapper.
  recette_go_mod_repeat_replaces "$dir" "$gomod"
  if [ -d "$main" ]; then
    cp "$main"/*.go "$dir/"
    pkg=.
  else
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$main" >"$dir/tools.go"
    pkg="$main"
  fi
  mkdir -p "$(dirname "$out")"
  (cd "$dir" && go mod tidy && go build -trimpath -ldflags "-s -w" -o "$out.partial" "$pkg") >&2 ||
    die "go build of $main ($mod@$ver) failed (see above)"
  mv "$out.partial" "$out"
  rm -rf "$dir"
  say "built $(basename "$out") ($mod@$ver) in $((SECONDS - t))s"
}

# build_local <src dir> <out>: a main package of our own with no dependencies (the pause process).
build_local() {
  go_env
  mkdir -p "$(dirname "$1")"
  (cd "$1" && go build -trimpath -ldflags "-s -w" -o "$2.partial" .) >&2 || die "go build of $1 failed"
  mv "$2.partial" "$2"
}

# source_key <dir>: a short hash of a directory's Go sources, to key the cache of what they build.
source_key() { (cd "$1" && find . -type f \( -name '*.go' -o -name go.mod \) -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-12; }
