#!/usr/bin/env bash
# Start-to-exit of /bin/true in a busybox container, side by side and alternating, in one run:
# the engine (one long-lived process starting containers, as a program embedding MiniDocker
# does), runc run, crun run, and podman/docker where installed; then the host memory each idle
# container costs each supervising tool (the engine and its log monitors, podman's conmon,
# docker's containerd-shim). Prints medians, p95 and ratios to the engine, and writes a plot.
#
#   sudo benchmarks/compare.sh     RUNS=30, MEMORY_CONTAINERS=200 (the engine), OTHER_MEMORY_CONTAINERS=20
#   sudo WITH_ENGINES=1 benchmarks/compare.sh     also installs podman and docker.io to compare with
#   sudo SKIP="podman docker" benchmarks/compare.sh    leaves installed tools out
#
# Installs runc, crun, busybox-static and python3-matplotlib from the distribution if missing.
# podman runs with a containers.conf of the script's own (CONTAINERS_CONF: Debian's default
# ulimits ask for more than a process without CAP_SYS_RESOURCE may set); docker through a
# dockerd the script starts on a socket of its own (no iptables, no bridge) and stops.
# On a hybrid cgroup host crun refuses the empty v2 mount, so the whole comparison runs in a
# mount namespace of its own where /sys/fs/cgroup/unified is unmounted (every tool sees the same).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-30}
MEMORY_CONTAINERS=${MEMORY_CONTAINERS:-200}
OTHER_MEMORY_CONTAINERS=${OTHER_MEMORY_CONTAINERS:-20}
OUT=${OUT:-docs/performance}

if [ "$(id -u)" -ne 0 ]; then echo "compare.sh starts containers: run it as root." >&2; exit 1; fi

if [ -z "${MD_COMPARE_INNER:-}" ]; then
    missing=()
    for tool in runc crun; do command -v "$tool" >/dev/null || missing+=("$tool"); done
    [ -x /bin/busybox ] && ! grep -q /ld-linux /bin/busybox || missing+=(busybox-static)
    /usr/bin/python3 -c 'import matplotlib' 2>/dev/null || missing+=(python3-matplotlib)
    if [ -n "${WITH_ENGINES:-}" ]; then
        command -v podman >/dev/null || missing+=(podman)
        command -v dockerd >/dev/null || missing+=(docker.io)
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        echo "Installing ${missing[*]} ..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    dotnet build -c Release benchmarks/MiniDocker.StartBench -v q -nologo >/dev/null
    export MD_COMPARE_INNER=1
    exec unshare -m --propagation private "$0" "$@"
fi

# Hybrid hosts only (v1 controllers with a v2 mount beside them); pure v1 or v2 hosts need nothing.
if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi

work=$(mktemp -d /tmp/md-compare.XXXXXX)
engine_pid=""
dockerd_pid=""
cleanup() {
    [ -n "$engine_pid" ] && kill "$engine_pid" 2>/dev/null || true
    if command -v podman >/dev/null; then
        for id in $(CONTAINERS_CONF=$work/containers.conf podman ps -aq --filter label=mdcmp 2>/dev/null); do
            CONTAINERS_CONF=$work/containers.conf podman rm -f "$id" >/dev/null 2>&1 || true
        done
    fi
    if [ -n "$dockerd_pid" ]; then
        for id in $(dockerc ps -aq 2>/dev/null); do dockerc rm -f "$id" >/dev/null 2>&1 || true; done
        kill "$dockerd_pid" 2>/dev/null || true
        while kill -0 "$dockerd_pid" 2>/dev/null; do sleep 0.2; done
    fi
    for id in $(runc list -q 2>/dev/null | grep '^mdcmp-' || true); do runc delete -f "$id" >/dev/null 2>&1 || true; done
    for id in $(crun list -q 2>/dev/null | grep '^mdcmp-' || true); do crun delete -f "$id" >/dev/null 2>&1 || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# One busybox bundle for every tool.
bundle=$work/bundle
mkdir -p "$bundle/rootfs"/{bin,proc,sys,dev,tmp,etc}
cp /bin/busybox "$bundle/rootfs/bin/busybox"
for applet in sh true sleep; do ln -s busybox "$bundle/rootfs/bin/$applet"; done
(cd "$bundle" && runc spec)
/usr/bin/python3 - "$bundle/config.json" <<'PY'
import json, sys
path = sys.argv[1]
spec = json.load(open(path))
spec["process"]["args"] = ["/bin/true"]
spec["process"]["terminal"] = False
spec["root"]["readonly"] = True
json.dump(spec, open(path, "w"), indent=2)
PY

now_ms() { local t; t=$(date +%s%N); echo "$t"; }
# Every run starts from the same state: podman's and docker's teardown after their client
# returns (conmon, containerd-shim) has finished, then PAUSE seconds of idle. Idle matters on
# this VM: every tool starts about twice as slowly after 0.3 s of idle as back to back (crun
# 9.6 -> 21 ms, the engine 6.6 -> 23 ms), so a tool that runs right after another's idle wait
# would be measured colder than one that does not. PAUSE=0 measures back to back instead.
PAUSE=${PAUSE:-0.2}
settle() {
    for _ in $(seq 1 100); do pgrep -x conmon >/dev/null || pgrep -x containerd-shim >/dev/null || break; sleep 0.05; done
    sleep "$PAUSE"
}
elapsed() { echo "scale=3; ($2 - $1) / 1000000" | bc; }

# The engine, as one long-lived process: a line in, a latency out.
coproc ENGINE { exec dotnet benchmarks/MiniDocker.StartBench/bin/Release/net10.0/MiniDocker.StartBench.dll serve "$bundle/rootfs"; }
engine_pid=$ENGINE_PID
read -r ready <&"${ENGINE[0]}"
[ "$ready" = ready ] || { echo "the engine's benchmark program did not start: $ready" >&2; exit 1; }

dockerc() { docker -H "unix://$work/docker.sock" "$@"; }
printf '[containers]\ndefault_ulimits = []\n' > "$work/containers.conf"
export CONTAINERS_CONF=$work/containers.conf

tools=(minidocker runc crun)
skipped() { [[ " ${SKIP:-} " == *" $1 "* ]]; }
! skipped podman && command -v podman >/dev/null && podman info >/dev/null 2>&1 && tools+=(podman) || true
if ! skipped docker && command -v dockerd >/dev/null && command -v docker >/dev/null; then
    dockerd --iptables=false --ip6tables=false --bridge=none -H "unix://$work/docker.sock" --data-root "$work/docker" \
        --exec-root "$work/docker-exec" --pidfile "$work/docker.pid" >"$work/dockerd.log" 2>&1 &
    dockerd_pid=$!
    for _ in $(seq 1 150); do dockerc info >/dev/null 2>&1 && break; sleep 0.2; done
    if dockerc info >/dev/null 2>&1; then
        tar -C "$bundle/rootfs" -c . | dockerc import - mdcmp-busybox >/dev/null
        tools+=(docker)
    else
        echo "dockerd did not start (see $work/dockerd.log); docker is left out." >&2
    fi
fi
: > "$work/results.tsv"
for i in $(seq 1 "$RUNS"); do
    for tool in "${tools[@]}"; do
        settle
        case $tool in
            minidocker) echo run >&"${ENGINE[1]}"; read -r ms <&"${ENGINE[0]}" ;;
            runc) t0=$(now_ms); runc run -b "$bundle" "mdcmp-runc-$i" >/dev/null; t1=$(now_ms); ms=$(elapsed "$t0" "$t1") ;;
            crun) t0=$(now_ms); crun run -b "$bundle" "mdcmp-crun-$i" >/dev/null; t1=$(now_ms); ms=$(elapsed "$t0" "$t1") ;;
            podman) t0=$(now_ms); podman run --rm --network none --rootfs "$bundle/rootfs" /bin/true >/dev/null; t1=$(now_ms); ms=$(elapsed "$t0" "$t1") ;;
            docker) t0=$(now_ms); dockerc run --rm --network none mdcmp-busybox /bin/true >/dev/null; t1=$(now_ms); ms=$(elapsed "$t0" "$t1") ;;
        esac
        printf '%s\t%s\n' "$tool" "$ms" >> "$work/results.tsv"
    done
done
exec {ENGINE[1]}>&-
wait "$engine_pid" 2>/dev/null || true
engine_pid=""

# Host memory per idle container: the engine measures itself (its process and log monitors);
# for the others, the PSS of the supervisor each container gets, over a few idle containers.
echo "minidocker	$(dotnet benchmarks/MiniDocker.StartBench/bin/Release/net10.0/MiniDocker.StartBench.dll memory "$bundle/rootfs" "$MEMORY_CONTAINERS")	$MEMORY_CONTAINERS" > "$work/memory.tsv"
pss_kib() { # the PSS (KiB) of every process whose command is $1
    local total=0 pid
    for pid in $(pgrep -x "$1"); do total=$((total + $(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0))); done
    echo "$total"
}
supervisor_memory() { # tool, supervisor command, start command (one idle container), stop-all command
    local before after
    before=$(pss_kib "$2")
    for _ in $(seq 1 "$OTHER_MEMORY_CONTAINERS"); do eval "$3" >/dev/null; done
    sleep 1
    after=$(pss_kib "$2")
    echo "$1	$(echo "scale=1; ($after - $before) / $OTHER_MEMORY_CONTAINERS" | bc)	$OTHER_MEMORY_CONTAINERS" >> "$work/memory.tsv"
    eval "$4" >/dev/null 2>&1 || true
}
if [[ " ${tools[*]} " == *" podman "* ]]; then
    supervisor_memory podman conmon 'podman run -d --label mdcmp=1 --network none --rootfs "$bundle/rootfs" /bin/sleep 1000' \
        'podman rm -f -t 0 $(podman ps -aq --filter label=mdcmp)'
fi
if [[ " ${tools[*]} " == *" docker "* ]]; then
    supervisor_memory docker containerd-shim 'dockerc run -d --network none mdcmp-busybox /bin/sleep 1000' 'dockerc rm -f $(dockerc ps -aq)'
fi

mkdir -p "$(dirname "$OUT")"
/usr/bin/python3 - "$work/results.tsv" "$work/memory.tsv" "$OUT" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
memory = [l.split("\t") for l in open(sys.argv[2]).read().split("\n") if l]
out = sys.argv[3]
data = {}
for tool, ms in rows:
    data.setdefault(tool, []).append(float(ms))
def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]
engine = statistics.median(data["minidocker"])
print(f"start-to-exit of /bin/true, {len(data['minidocker'])} runs each, alternating")
print(f"{'tool':<12}{'median ms':>12}{'p95 ms':>10}{'x engine':>10}")
for tool, xs in data.items():
    m = statistics.median(xs)
    print(f"{tool:<12}{m:>12.2f}{p95(xs):>10.2f}{m / engine:>10.2f}")
print("\nhost memory per idle container (PSS of what supervises it: the engine process and its log")
print("monitors; conmon; containerd-shim). runc and crun leave no supervisor: nothing captures")
print("output or watches the exit, so they have no figure here.")
print(f"{'tool':<12}{'KiB':>10}{'containers':>12}{'x engine':>10}")
engine_kib = float(memory[0][1])
for tool, kib, count in memory:
    print(f"{tool:<12}{float(kib):>10.0f}{count:>12}{float(kib) / engine_kib:>10.2f}")
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.boxplot(list(data.values()), labels=list(data.keys()), showfliers=False)
    ax.set_ylabel("start-to-exit of /bin/true (ms)")
    ax.set_title("Container start-to-exit, same machine, same run")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out + ".png", dpi=100)
    print(f"plot: {out}.png")
except ImportError:
    print("(matplotlib missing: no plot)")
PY
