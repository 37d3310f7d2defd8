#!/usr/bin/env bash
# Builds STAND-INS of the base images the project names (node, postgres, redis, nginx, and the
# `observability` profile's prometheus and exporters, the `ha` profile's postgres:16, haproxy,
# etcd and debian), from Debian packages, for machines that
# cannot pull from a container registry. Test scaffolding only: see README.md here. Run under
# podman with CONTAINERS_CONF=.ci/compose/containers.conf (with-podman does that).
#
# 1. A Debian bookworm minbase root file system (debootstrap), imported as
#    localhost/likes-ci/bookworm-minbase.
# 2. For every image named in docker-compose.yml (`image:`) and in the FROM lines of the
#    Dockerfiles it builds, the stand-in in standins/<repository>/ built and tagged with exactly
#    that name, so the project's files are used unchanged and nothing is pulled.
# Each image carries a label with the hash of its recipe; an image whose recipe did not change is
# kept, so a second run takes seconds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
base=localhost/likes-ci/bookworm-minbase:latest

log() { printf '[standins] %s\n' "$*"; }

# --- the names the project uses -------------------------------------------------------------
# FROM lines of the Dockerfiles and image: lines of services that do not build.
project_images() {
    local dockerfile
    for dockerfile in "$root/Dockerfile" "$root"/*/Dockerfile "$root"/deploy/*/Dockerfile; do
        [ -f "$dockerfile" ] || continue
        # Skips FROMs that name an earlier stage (FROM deps AS build).
        awk 'toupper($1) == "FROM" {
                 image = ""; for (i = 2; i <= NF; i++) if ($i !~ /^--/) { image = $i; break }
                 if (!(image in stages)) print image
                 for (i = 2; i < NF; i++) if (toupper($i) == "AS") stages[$(i + 1)] = 1
             }' "$dockerfile"
    done
    # Services with an image: and no build: (app, worker, migrate and nginx build their own).
    python3 - "$root/docker-compose.yml" <<'PY'
import sys, yaml
services = yaml.safe_load(open(sys.argv[1]))["services"]
for name, service in services.items():
    if "build" not in service and "image" in service:
        print(service["image"])
PY
}

# postgres:16-alpine -> postgres; docker.io/library/node:20 -> node; prom/prometheus:v2 -> prometheus
repository_of() { local name="${1%%@*}"; name="${name%:*}"; echo "${name##*/}"; }

# The full reference the engine resolves a name to, which the stand-in is tagged with:
# postgres:16 -> docker.io/library/postgres:16 (an official image), prom/prometheus:v2 ->
# docker.io/prom/prometheus:v2 (another Docker Hub name), quay.io/x/y:1 -> as is (a registry named).
full_reference() {
    local name="$1" first="${1%%/*}"
    if [ "$first" = "$name" ]; then
        echo "docker.io/library/$name"
    elif [[ "$first" == *.* || "$first" == *:* || "$first" == localhost ]]; then
        echo "$name"
    else
        echo "docker.io/$name"
    fi
}

recipe_hash() {
    local dir="$here/standins/$1"
    {
        (cd "$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
        echo "base $base_recipe"
        if [ "$1" = node ]; then node --version; sha256sum /etc/ssl/certs/ca-certificates.crt; fi
    } | sha256sum | cut -c1-16
}

# --- 1. the Debian root file system ---------------------------------------------------------
debian_mirror() {
    local uri
    uri=$(grep -h -E '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
        grep -o -E 'https?://[^ ]+/debian/?' | grep -v security | head -1 || true)
    echo "${uri:-http://deb.debian.org/debian}"
}

# The official debian:*-slim images (and so node:*-slim and postgres:16, built on them) are
# debootstrap's minbase "slimified" by debuerreotype: no documentation, manual pages or message
# translations, and a dpkg configuration that keeps later installs without them too. Without the
# same cut the stand-ins weigh 47 MB more than what they stand in for (121 MB against the 75 MB of
# debian:bookworm-slim), which would skew every image size measured on them.
slim_excludes=(/usr/share/doc/ /usr/share/groff/ /usr/share/info/ /usr/share/linda/ /usr/share/lintian/overrides/
    /usr/share/locale/ /usr/share/man/)
# Kept: licences, and the locale names glibc reads.
slim_includes=('/usr/share/doc/*/copyright' /usr/share/locale/locale.alias)
slimify() {
    local rootfs="$1" dir
    {
        echo "# Slim, as Debian's official container images (debuerreotype's slimify): written by build-standins.sh"
        for dir in "${slim_excludes[@]}"; do echo "path-exclude=$dir*"; done
        for dir in "${slim_includes[@]}"; do echo "path-include=$dir"; done
    } >"$rootfs/etc/dpkg/dpkg.cfg.d/likes-ci-slim"
    for dir in "${slim_excludes[@]}"; do
        [ -d "$rootfs$dir" ] || continue
        find "$rootfs$dir" -mindepth 1 \( -type f -o -type l \) \
            ! -path "$rootfs/usr/share/doc/*/copyright" ! -path "$rootfs/usr/share/locale/locale.alias" -delete
        find "$rootfs$dir" -mindepth 1 -depth -type d -empty -delete
    done
    # apt's package caches and lists, as `apt-get clean` leaves them.
    rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/cache/apt/"*.bin "$rootfs/var/lib/apt/lists/"*
}
base_recipe=$( { declare -f slimify; printf '%s\n' "${slim_excludes[@]}" "${slim_includes[@]}"; } | sha256sum | cut -c1-16)

if [ "$(podman image inspect --format '{{index .Labels "likes.ci.recipe"}}' "$base" 2>/dev/null || true)" = "$base_recipe" ]; then
    log "base image present: $base (recipe $base_recipe)"
else
    work=$(mktemp -d /var/tmp/likes-ci-rootfs.XXXXXX)
    trap 'rm -rf "$work"' EXIT
    mirror=$(debian_mirror)
    log "debootstrap --variant=minbase bookworm from $mirror (about a minute)…"
    started=$SECONDS
    debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
        { tail -20 "$work/debootstrap.log" >&2; exit 1; }
    slimify "$work/rootfs"
    tar -C "$work/rootfs" -c . | podman import --quiet --change "LABEL likes.ci.recipe=$base_recipe" \
        --message "Debian bookworm minbase, slimmed (likes CI stand-in base)" - "$base" >/dev/null
    rm -rf "$work"
    trap - EXIT
    log "base image built in $((SECONDS - started)) s: $base ($(podman image inspect --format '{{.Size}}' "$base" | numfmt --to=si) bytes)"
fi

# --- 2. one stand-in per name ---------------------------------------------------------------
mapfile -t names < <(project_images | sort -u)
[ ${#names[@]} -gt 0 ] || { echo "[standins] no base images found in the project's files" >&2; exit 1; }
for name in "${names[@]}"; do
    repo=$(repository_of "$name")
    dir="$here/standins/$repo"
    if [ ! -f "$dir/Dockerfile" ]; then
        echo "[standins] the project uses $name, and there is no stand-in for '$repo' in $dir" >&2
        exit 1
    fi
    hash=$(recipe_hash "$repo")
    ref=$(full_reference "$name")
    if [ "$(podman image inspect --format '{{index .Labels "likes.ci.recipe"}}' "$ref" 2>/dev/null || true)" = "$hash" ]; then
        log "up to date: $ref (stand-in $repo, recipe $hash)"
        continue
    fi
    started=$SECONDS
    context=$(mktemp -d /var/tmp/likes-ci-standin.XXXXXX)
    cp -a "$dir/." "$context/"
    if [ "$repo" = node ]; then
        # The machine's own Node.js and npm: the registry of container images is out of reach.
        cp "$(readlink -f "$(command -v node)")" "$context/node"
        cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$context/npm"
        cp /etc/ssl/certs/ca-certificates.crt "$context/ca-certificates.crt"
    fi
    podman build --quiet --label "likes.ci.recipe=$hash" --label "likes.ci.standin=$repo" \
        -t "$ref" "$context" >/dev/null
    rm -rf "$context"
    log "built $ref from standins/$repo in $((SECONDS - started)) s"
done
