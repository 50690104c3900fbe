# shellcheck shell=bash
# Shared by the local scripts: logging with elapsed time, and the environment every step needs
# (Docker client pinned to the daemon's API, the cached Pulumi engine, the local file backend).
RECETTE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RECETTE_ROOT
__recette_t0=$SECONDS
say() { printf '[%s +%ds] %s\n' "${RECETTE_STEP:-recette}" "$((SECONDS - __recette_t0))" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# Everything a Pulumi command on the local stack needs, from a fresh clone: npm packages, the Docker
# engine, the locally built images, the Pulumi engine built from Go modules (all cached).
recette_npm_ci() {
  cd "$RECETTE_ROOT" || exit 1
  # A checkout installs its own dependencies; an installed package has them beside it already.
  if [ -f package-lock.json ] && [ ! -d node_modules/@pulumi/pulumi ]; then
    say "npm ci"; npm ci --no-audit --no-fund >&2
  fi
}

recette_prepare() {
  recette_npm_ci
  say "Docker engine"; bash scripts/ensure-docker >/dev/null
  # shellcheck source=scripts/docker-env.sh
  . scripts/docker-env.sh
  say "images"; bash scripts/build-images >&2
  say "Pulumi engine"; bash scripts/ensure-pulumi >&2
  # shellcheck source=scripts/pulumi-env.sh
  . scripts/pulumi-env.sh
}

# recette_answers <url> <seconds>: 0 when <url> gives any HTTP answer (401 and 404 included: the server is
# there) within <seconds>; otherwise 1, with RECETTE_NO_ANSWER set to curl's reason. The scripts take an
# official artifact when its server answers and fall back to a build (scripts/offline/) when it does not.
export RECETTE_NO_ANSWER=""
recette_answers() {
  local out
  # curl prints the status last (000: no HTTP answer), after its error message if any
  out="$(curl -sS -o /dev/null -w '%{http_code}' --max-time "$2" "$1" 2>&1)"
  [ "${out: -3}" != 000 ] && return 0
  RECETTE_NO_ANSWER="$(printf '%s' "${out%000}" | head -n 1 | sed 's/^curl: ([0-9]*) //')"
  return 1
}

# Selects (creating if needed) a stack on the local file backend.
recette_stack() {
  local stack=$1
  pulumi stack select "$stack" --non-interactive 2>/dev/null || pulumi stack init "$stack" --non-interactive >&2
}

# apt-get install of Debian packages, the one way the scripts install them. It waits for dpkg's lock (up to
# 10 minutes) instead of failing at once: the e2e lanes, a user's other terminal or unattended-upgrades may
# install at the same moment (a cold CI run failed so: the lab and Kubernetes lanes installed together).
# The package lists are fetched only when a package is not found.
recette_apt_install() {
  [ "$(id -u)" = 0 ] || die "installing $* needs root (or run: sudo apt-get install $*)"
  local wait=(-o DPkg::Lock::Timeout=600) i
  export DEBIAN_FRONTEND=noninteractive
  apt-get "${wait[@]}" install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 && return 0
  # apt-get update takes the lists' lock, which DPkg::Lock::Timeout does not cover: retried.
  for i in 1 2 3 4 5 6 7 8 9 10; do
    apt-get "${wait[@]}" update -qq >/dev/null 2>&1 && break
    [ "$i" = 10 ] && die "apt-get update failed 10 times (is another apt-get running, or the archive unreachable?)"
    sleep 10
  done
  apt-get "${wait[@]}" install -y -qq --no-install-recommends "$@" >/dev/null
}

# Package installs must not start daemons on a test machine (OpenSMTPD would take port 25, sshd port 22).
recette_no_daemon_start() {
  [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; }
}

# What the lab (scripts/lab-up) runs besides Docker: sshd, ip/nsenter, iptables, the CNCF registry,
# skopeo (pushes to the lab's plain-HTTP registry), swaks (the reliability suite's SMTP client).
# Debian packages; no daemon is started by apt.
recette_lab_packages() {
  local missing=() c pkg
  for c in sshd:openssh-server ip:iproute2 nsenter:util-linux iptables:iptables docker-registry:docker-registry skopeo:skopeo swaks:swaks dnsmasq:dnsmasq-base; do
    pkg=${c#*:}
    command -v "${c%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${c%%:*}" ] || missing+=("$pkg")
  done
  [ "${#missing[@]}" = 0 ] && return 0
  say "installing ${missing[*]}"
  recette_no_daemon_start
  recette_apt_install "${missing[@]}"
}

# The stack named by --stack NAME (or --stack=NAME) among a script's arguments; default local.
recette_stack_arg() {
  local stack=local
  while [ $# -gt 0 ]; do
    case "$1" in
      --stack) [ $# -ge 2 ] || die "--stack needs a name"; stack=$2; shift 2 ;;
      --stack=*) stack=${1#--stack=}; shift ;;
      *) die "unknown argument '$1' (usage: --stack NAME)" ;;
    esac
  done
  [[ "$stack" =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "stack name '$stack': lower-case letters, digits and '-'"
  [ -f "$RECETTE_ROOT/stacks/Pulumi.$stack.yaml" ] || die "no stacks/Pulumi.$stack.yaml (the local stacks are local and local-k3s)"
  printf '%s\n' "$stack"
}

# One field of what a stack is (`recette stack-info --json`: the engine's one stack reader, with the
# recipe loader's limits and located errors), e.g. recette_stack_field local orchestrator.
recette_stack_field() {
  local json
  json="$(node "$RECETTE_ROOT/bin/recette" stack-info -s "$1" --json)" || die "stack $1 cannot be read (see above)"
  # shellcheck disable=SC2016 # JavaScript, not shell
  printf '%s' "$json" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const v = JSON.parse(s)[process.argv[1]];
      if (v === undefined) process.exit(1);
      console.log(v);
    });' "$2"
}
# The recipe file a stack names (recette:recipe in stacks/Pulumi.<stack>.yaml), and its orchestrator kind.
recette_recipe_file() { recette_stack_field "$1" recipe; }
recette_orchestrator() { recette_stack_field "$1" orchestrator; }

# The local Kubernetes node's address (scripts/kubernetes/cluster.sh), where Traefik's LoadBalancer listens.
recette_k8s_node_ip() { printf '%s\n' "${RECETTE_K8S_NODE_IP:-10.41.0.1}"; }

# Go wrapper modules (scripts/offline/pulumi.sh, scripts/offline/pulumi-standins/standins.sh, scripts/kubernetes/build.sh):
# a go.mod is made by `go mod init` and changed by `go mod edit` only, and read with `go mod edit -json`.

# recette_json_field <field>: a top-level field of the JSON document on stdin ("" when absent).
recette_json_field() {
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(String(JSON.parse(s)[process.argv[1]]??"")))' "$1"
}

# recette_go_mod_new <dir> <module path> <go mod edit flag>...: a new go.mod in <dir>, with those edits.
recette_go_mod_new() {
  local dir=$1 mod=$2 out
  shift 2
  out="$(cd "$dir" && go mod init "$mod" 2>&1 && go mod edit "$@" 2>&1)" || die "the go.mod of $mod in $dir: $out"
}

# recette_go_mod_repeat_replaces <dir> <go.mod> [<version>]: repeats the replace directives of a downloaded
# module's <go.mod> in the wrapper module in <dir>. A replacement by a directory inside the module's repository
# (./…, ../…, /…) cannot be repeated: it is dropped, or with <version> the module is replaced by its own
# published <version> instead (k8s.io/kubernetes' staging modules). Of two replacements of the same module,
# the later one is kept.
recette_go_mod_repeat_replaces() {
  local dir=$1 json flags
  local -a edits
  json="$(go mod edit -json "$2")" || die "cannot read $2"
  # shellcheck disable=SC2016 # JavaScript, not shell
  flags="$(printf '%s' "$json" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const at = (m) => m.Path + (m.Version ? "@" + m.Version : "");
      const published = process.argv[1];
      for (const r of JSON.parse(s).Replace ?? []) {
        if (!/^[./]/.test(r.New.Path)) console.log(`-replace=${at(r.Old)}=${at(r.New)}`);
        else if (published) console.log(`-replace=${at(r.Old)}=${r.Old.Path}@${published}`);
      }
    });' "${3:-}")" || die "cannot read the replace directives of $2"
  [ -n "$flags" ] || return 0
  mapfile -t edits <<<"$flags"
  (cd "$dir" && go mod edit "${edits[@]}") || die "go mod edit in $dir failed"
}
