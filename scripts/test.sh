#!/usr/bin/env bash
# Installs what the tests need (a C compiler for stage-0, a static busybox for the test
# root filesystems, libnftables for bridge networks, a real registry, skopeo and htpasswd
# for the image tests, the docker client for the API tests, chromium for the dashboard test), then runs the whole test suite. Run it as root: the integration tests
# create namespaces, mounts and containers. Under CI=true a missing requirement fails its
# test instead of skipping it.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
command -v cc >/dev/null 2>&1 || packages+=(gcc)
[ -n "$(find /usr/lib -name libc.a -print -quit 2>/dev/null)" ] || packages+=(libc6-dev)
busybox_static=no
for b in /bin/busybox /usr/bin/busybox; do
    if [ -x "$b" ] && ! grep -q /ld-linux "$b"; then busybox_static=yes; fi
done
[ "$busybox_static" = yes ] || packages+=(busybox-static)
# Bridge networks program their NAT and isolation rules through libnftables.
ldconfig -p 2>/dev/null | grep -q 'libnftables.so.1 ' || packages+=(libnftables1)
# Image tests pull from and push to a real OCI registry on 127.0.0.1, seeded with skopeo too.
command -v docker-registry >/dev/null 2>&1 || packages+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || packages+=(skopeo)
command -v htpasswd >/dev/null 2>&1 || packages+=(apache2-utils)
# The Docker API tests drive minidocker-server with the real docker command line.
command -v docker >/dev/null 2>&1 || packages+=(docker.io)
# The dashboard tests drive the server's web page in headless Chromium.
command -v chromium >/dev/null 2>&1 || packages+=(chromium)

if [ ${#packages[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "scripts/test.sh: installing ${packages[*]} needs root; run it as root (the tests need root too)." >&2
        exit 1
    fi
    echo "Installing ${packages[*]} ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test MiniDocker.Core.sln 2>&1 | tee "$log" || status=$?

# One plain closing line for every test assembly together.
awk '/^(Passed!|Failed!) +- Failed:/ {
        gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
        n++ }
     END { if (n) printf "%d passed, %d failed, %d skipped\n", p, f, s; else print "0 passed, 0 failed" }' "$log"
exit $status
