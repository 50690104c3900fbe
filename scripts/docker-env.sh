# shellcheck shell=bash
# Source me: `. scripts/docker-env.sh`
#
# The machines we test on carry a recent Docker CLI in /usr/local/bin (28.2.2, API 1.50) while the
# engine is Debian bookworm's docker.io (20.10.24, API 1.41). The 28.x CLI negotiates by itself
# (`docker version` shows "API version: 1.41 (downgraded from 1.50)"), so the CLI works without help;
# other Docker API clients (the @pulumi/docker provider, SDKs used by tests) may not negotiate:
# exporting DOCKER_API_VERSION=<daemon API> pins every client to what the daemon speaks.
# DOCKER_API_VERSION is exported only when the client's API is newer than the daemon's; it is left
# alone when the caller already set it.
# Needs: a running daemon (see scripts/ensure-docker). Prints nothing; safe to source many times.

recette_docker_api_versions() {
  # prints "<client API> <daemon API>" (either may be empty)
  local client server sock
  # .Client.APIVersion is the *negotiated* version once a daemon answers ("1.41 (downgraded from
  # 1.50)"); .Client.DefaultAPIVersion is what the client speaks by itself.
  client="$(DOCKER_API_VERSION='' docker version --format '{{.Client.DefaultAPIVersion}}' 2>/dev/null || true)"
  client="${client%%$'\n'*}"
  case "$client" in
    [0-9]*) ;;
    *) client="$(DOCKER_API_VERSION='' docker version --format '{{.Client.APIVersion}}' 2>/dev/null || true)"
       client="${client%%$'\n'*}" ;;
  esac
  sock=/var/run/docker.sock
  case "${DOCKER_HOST:-}" in
    unix://*) sock="${DOCKER_HOST#unix://}" ;;
  esac
  server=""
  if [ -z "${DOCKER_HOST:-}" ] || [ "${DOCKER_HOST#unix://}" != "${DOCKER_HOST}" ]; then
    # ask the daemon directly: works whatever the client thinks of the daemon's version
    server="$(curl -fsS --max-time 5 --unix-socket "$sock" http://docker/version 2>/dev/null \
      | sed -n 's/.*"ApiVersion":"\([0-9.]*\)".*/\1/p' || true)"
  fi
  if [ -z "$server" ]; then
    server="$(DOCKER_API_VERSION='' docker version --format '{{.Server.APIVersion}}' 2>/dev/null || true)"
  fi
  printf '%s %s\n' "$client" "$server"
}

recette_version_gt() {
  # true when dotted version $1 > $2
  [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n 1)" = "$1" ]
}

recette_docker_env() {
  local versions client server
  if [ -n "${DOCKER_API_VERSION:-}" ]; then
    return 0
  fi
  versions="$(recette_docker_api_versions)"
  client="${versions%% *}"
  server="${versions#* }"
  if [ -n "$client" ] && [ -n "$server" ] && recette_version_gt "$client" "$server"; then
    export DOCKER_API_VERSION="$server"
  fi
  return 0
}

recette_docker_env
