# shellcheck shell=bash
# scripts/offline/traefik.sh, sourced by scripts/build-images: Traefik built from its Go module, for a
# machine that cannot pull the official image (build-images takes that image first; see
# scripts/offline/README.md). Slow: 6-20 minutes on 2 cores the first time, the binary then cached at
# $RECETTE_CACHE/traefik/<version>/traefik.
#
# The build inputs are in scripts/offline/traefik/: the Dockerfile of the image made around the binary,
# offline-build.conf (what changes when the Go module proxy refuses some of Traefik's dependencies),
# overlays/ and stub-modules/ (a nested Traefik module that the module zip lacks).
# Needs from build-images: OFFLINE_DIR, RECETTE_CACHE, GOMODCACHE, GOCACHE, LOG_DIR, FORCE,
# TRAEFIK_VERSION, BASE_IMAGE, ensure_cmd, run_build; from scripts/lib.sh: say, die.

# Apply scripts/offline/traefik/offline-build.conf inside the wrapper module (cwd): extra replace lines, and
# a patched copy of lego whose DNS provider factory leaves out providers whose SDK is not served.
apply_traefik_offline_patches() { # traefik go.mod path
  local gomod="$1" conf="$OFFLINE_DIR/traefik/offline-build.conf" kw rest lego_ver lego_dir gen src
  local -a drops=() n=()
  [ -f "$conf" ] || die "missing $conf"
  while read -r kw rest; do
    case "$kw" in
      '' | '#'*) ;;
      replace) go mod edit -replace="$rest"; say "offline patch: replace $rest" ;;
      overlay)
        read -r -a n <<<"$rest"
        [ "${#n[@]}" = 2 ] || die "$conf: overlay needs MODULE@VERSION DIR: $rest"
        src="$(go mod download -json "${n[0]}" | jq -r '.Dir // empty')"
        [ -n "$src" ] || die "$conf: go mod download ${n[0]} failed"
        [ -d "$OFFLINE_DIR/traefik/${n[1]}" ] || die "$conf: no directory scripts/offline/traefik/${n[1]}"
        rm -rf "overlay/${n[0]%@*}"
        mkdir -p "overlay/${n[0]%@*}"
        cp -r "$src/." "overlay/${n[0]%@*}/"
        chmod -R u+w "overlay/${n[0]%@*}"
        cp -r "$OFFLINE_DIR/traefik/${n[1]}/." "overlay/${n[0]%@*}/"
        [ -f "overlay/${n[0]%@*}/go.mod" ] || printf 'module %s\n' "${n[0]%@*}" >"overlay/${n[0]%@*}/go.mod"
        go mod edit -replace="${n[0]%@*}=./overlay/${n[0]%@*}"
        say "offline patch: ${n[0]%@*} = ${n[0]} + scripts/offline/traefik/${n[1]}/"
        ;;
      lego-dns-drop) read -r -a n <<<"$rest"; drops+=("${n[@]}") ;;
      *) die "$conf: unknown line: $kw $rest" ;;
    esac
  done <"$conf"
  if [ "${#drops[@]}" -gt 0 ]; then
    lego_ver="$(go mod edit -json "$gomod" | jq -r '.Require[] | select(.Path == "github.com/go-acme/lego/v5") | .Version')"
    [ -n "$lego_ver" ] || die "Traefik's go.mod does not require github.com/go-acme/lego/v5"
    lego_dir="$(go mod download -json "github.com/go-acme/lego/v5@$lego_ver" | jq -r .Dir)"
    rm -rf lego
    cp -r "$lego_dir" lego
    chmod -R u+w lego
    gen=lego/providers/dns/zz_gen_dns_providers.go
    [ -f "$gen" ] || die "lego $lego_ver has no $gen: update offline-build.conf handling"
    for n in "${drops[@]}"; do
      grep -q "\"github.com/go-acme/lego/v5/providers/dns/$n\"" "$gen" || die "lego $lego_ver has no DNS provider $n"
      sed -i -e "\\|^[[:space:]]*\"github.com/go-acme/lego/v5/providers/dns/$n\"\$|d" \
        -e "s|^\\([[:space:]]*\\)return $n\\.NewDNSProvider()\$|\\1return nil, fmt.Errorf(\"DNS provider %q is not built into this Traefik (recette offline build, see scripts/offline/traefik/offline-build.conf)\", name)|" \
        "$gen"
    done
    go mod edit -replace="github.com/go-acme/lego/v5=./lego"
    say "offline patch: lego $lego_ver without DNS providers: ${drops[*]}"
  fi
}

build_traefik_binary() { # -> prints the binary path
  local version="$TRAEFIK_VERSION" module="github.com/traefik/traefik/v3" out dir gomod info \
    wrapper date t0 need have golog patches="${RECETTE_TRAEFIK_PATCHES:-auto}"
  out="$RECETTE_CACHE/traefik/$version/traefik"
  if [ -x "$out" ] && [ "$FORCE" = 0 ]; then
    say "using cached Traefik binary $out"
    printf '%s\n' "$out"
    return 0
  fi
  t0=$SECONDS
  command -v go >/dev/null 2>&1 || die "go is not installed"
  ensure_cmd jq jq
  mkdir -p "$GOMODCACHE" "$GOCACHE" "$(dirname "$out")" "$LOG_DIR"
  golog="$LOG_DIR/build-traefik-go.log"
  : >"$golog"
  say "go mod download $module@$version"
  info="$(go mod download -json "$module@$version")" || die "go mod download $module@$version failed: $info"
  dir="$(jq -r .Dir <<<"$info")"
  gomod="$(jq -r .GoMod <<<"$info")"
  date="$(jq -r '.Time // empty' "$(jq -r .Info <<<"$info")" 2>/dev/null || true)" # the release's commit time
  need="$(go mod edit -json "$gomod" | jq -r '.Go // empty')"
  have="$(go env GOVERSION)"
  say "Traefik $version needs go $need; local toolchain $have (GOTOOLCHAIN=$(go env GOTOOLCHAIN))"
  if [ -n "$need" ] && [ "$(printf '%s\n%s\n' "${have#go}" "$need" | sort -V | tail -n 1)" != "${have#go}" ] \
    && [ "$(go env GOTOOLCHAIN)" = local ]; then
    die "Traefik $version needs go $need but the local toolchain is $have: export GOTOOLCHAIN=go<version> (e.g. GOTOOLCHAIN=go1.27.3, fetched from the Go module proxy) and rerun"
  fi

  # `go install M@V` refuses a module whose go.mod has replace lines (Traefik replaces
  # go-http-auth and gorilla/mux by forks, and dynamic/ext by a local directory): build from a
  # wrapper module that requires Traefik and repeats its replace and exclude lines.
  wrapper="$(mktemp -d "${TMPDIR:-/tmp}/recette-traefik-build.XXXXXX")"
  # shellcheck disable=SC2064 # expand now: wrapper is local
  trap "rm -rf '$wrapper'" EXIT
  (
    cd "$wrapper"
    write_wrapper() {
      printf 'module recette.local/build/traefik\n\ngo %s\n' "${need:-1.26}" >go.mod
      rm -rf go.sum stub lego overlay
      go mod edit -require="$module@$version"
      go mod edit -json "$gomod" | jq -r --arg dir "$dir" '
        (.Replace // [])[] |
        (.Old.Path + (if .Old.Version then "@" + .Old.Version else "" end)) + "=" +
        (if (.New.Path | startswith("./") or startswith("../"))
         then $dir + "/" + (.New.Path | ltrimstr("./"))
         else .New.Path + (if .New.Version then "@" + .New.Version else "" end) end)' |
        while IFS= read -r r; do
          local_dir="${r#*=}"
          if [ "${local_dir#/}" != "$local_dir" ] && [ ! -d "$local_dir" ]; then
            # a nested module of Traefik's repository: not in the module zip, not served by the
            # proxy; use our copy from scripts/offline/traefik/stub-modules/<module path>/
            old_path="${r%%=*}"
            old_path="${old_path%@*}"
            stub="$OFFLINE_DIR/traefik/stub-modules/$old_path"
            [ -f "$stub/go.mod" ] || die "Traefik replaces $old_path by ${local_dir#"$dir"/}, which its module zip lacks; provide $stub"
            mkdir -p "stub/$old_path"
            cp -r "$stub/." "stub/$old_path/"
            r="${r%%=*}=./stub/$old_path"
            say "replace ${r%%=*} by scripts/offline/traefik/stub-modules/$old_path (absent from the module zip)"
          fi
          go mod edit -replace="$r"
        done
      go mod edit -json "$gomod" | jq -r '(.Exclude // [])[] | .Path + "@" + .Version' |
        while IFS= read -r e; do go mod edit -exclude="$e"; done
    }
    resolve() {
      say "resolving dependencies (go get $module/cmd/traefik@$version; log: $golog)"
      go get "$module/cmd/traefik@$version" >>"$golog" 2>&1
    }
    write_wrapper
    case "$patches" in
      always) apply_traefik_offline_patches "$gomod" ;;
      auto | never) ;;
      *) die "RECETTE_TRAEFIK_PATCHES=$patches: expected auto, always or never" ;;
    esac
    if ! resolve; then
      if [ "$patches" = auto ] && grep -qE '403 Forbidden|not available|410 Gone|404 Not Found' "$golog"; then
        say "the Go module proxy does not serve some of Traefik's dependencies:"
        grep -oE 'reading https://[^ ]+/@v/[^ ]+\.(zip|mod|info): [0-9]+ [A-Za-z ]+' "$golog" \
          | sed -e 's|reading https://[^/]*/||' | sort -u | sed 's/^/    /' >&2 || true
        say "retrying with scripts/offline/traefik/offline-build.conf applied"
        write_wrapper
        apply_traefik_offline_patches "$gomod"
        resolve || { tail -n 30 "$golog" >&2; exit 1; }
      else
        tail -n 30 "$golog" >&2
        exit 1
      fi
    fi
    cp go.mod "$LOG_DIR/traefik-wrapper.go.mod"
    say "go build $module/cmd/traefik (CGO_ENABLED=0, -trimpath; log: $golog)"
    CGO_ENABLED=0 go build -trimpath -o "$out.tmp" \
      -ldflags "-s -w -X $module/pkg/version.Version=$version -X $module/pkg/version.BuildDate=${date:-unknown}" \
      "$module/cmd/traefik" >>"$golog" 2>&1 \
      || { tail -n 30 "$golog" >&2; exit 1; }
  ) || die "Traefik build failed"
  rm -rf "$wrapper"
  trap - EXIT
  mv "$out.tmp" "$out"
  "$out" version >&2 || die "the built Traefik binary does not run"
  say "built $out in $((SECONDS - t0))s"
  printf '%s\n' "$out"
}

# build_traefik_from_module: the Traefik binary above in an image on recette's Debian base, tagged
# $1 (TRAEFIK_IMAGE).
build_traefik_from_module() { # image
  local bin ctx
  bin="$(build_traefik_binary)"
  # build context = scripts/offline/traefik/Dockerfile plus the binary (the Dockerfile COPYs it)
  ctx="$RECETTE_CACHE/traefik/$TRAEFIK_VERSION/context"
  rm -rf "$ctx"
  mkdir -p "$ctx"
  cp "$OFFLINE_DIR/traefik/Dockerfile" "$ctx/"
  cp "$bin" "$ctx/traefik"
  run_build traefik "$1" "$ctx" \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "TRAEFIK_VERSION=$TRAEFIK_VERSION"
  rm -rf "$ctx"
}
