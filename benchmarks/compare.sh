#!/usr/bin/env bash
# Start-to-exit of /bin/true in a busybox container, side by side and alternating, in one run:
# the engine (one long-lived process starting containers, as a program embedding MiniDocker
# does), runc run, crun run, and podman/docker where installed; then the host memory each idle
# container costs the engine. Prints medians, p95 and ratios to the engine, and writes a plot.
#
#   sudo benchmarks/compare.sh            RUNS=30 by default; MEMORY_CONTAINERS=200
#
# Installs runc, crun, busybox-static and python3-matplotlib from the distribution if missing.
# On a hybrid cgroup host crun refuses the empty v2 mount, so the whole comparison runs in a
# mount namespace of its own where /sys/fs/cgroup/unified is unmounted (every tool sees the same).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-30}
MEMORY_CONTAINERS=${MEMORY_CONTAINERS:-200}
OUT=${OUT:-docs/performance}

if [ "$(id -u)" -ne 0 ]; then echo "compare.sh starts containers: run it as root." >&2; exit 1; fi

if [ -z "${MD_COMPARE_INNER:-}" ]; then
    missing=()
    for tool in runc crun; do command -v "$tool" >/dev/null || missing+=("$tool"); done
    [ -x /bin/busybox ] && ! grep -q /ld-linux /bin/busybox || missing+=(busybox-static)
    /usr/bin/python3 -c 'import matplotlib' 2>/dev/null || missing+=(python3-matplotlib)
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
cleanup() {
    [ -n "$engine_pid" ] && kill "$engine_pid" 2>/dev/null || true
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
elapsed() { echo "scale=3; ($2 - $1) / 1000000" | bc; }

# The engine, as one long-lived process: a line in, a latency out.
coproc ENGINE { exec dotnet benchmarks/MiniDocker.StartBench/bin/Release/net10.0/MiniDocker.StartBench.dll serve "$bundle/rootfs"; }
engine_pid=$ENGINE_PID
read -r ready <&"${ENGINE[0]}"
[ "$ready" = ready ] || { echo "the engine's benchmark program did not start: $ready" >&2; exit 1; }

tools=(minidocker runc crun)
command -v podman >/dev/null && podman info >/dev/null 2>&1 && tools+=(podman) || true
: > "$work/results.tsv"
for i in $(seq 1 "$RUNS"); do
    for tool in "${tools[@]}"; do
        case $tool in
            minidocker) echo run >&"${ENGINE[1]}"; read -r ms <&"${ENGINE[0]}" ;;
            runc) t0=$(now_ms); runc run -b "$bundle" "mdcmp-runc-$i" >/dev/null; t1=$(now_ms); ms=$(elapsed "$t0" "$t1") ;;
            crun) t0=$(now_ms); crun run -b "$bundle" "mdcmp-crun-$i" >/dev/null; t1=$(now_ms); ms=$(elapsed "$t0" "$t1") ;;
            podman) t0=$(now_ms); podman run --rm --network none --rootfs "$bundle/rootfs" /bin/true >/dev/null; t1=$(now_ms); ms=$(elapsed "$t0" "$t1") ;;
        esac
        printf '%s\t%s\n' "$tool" "$ms" >> "$work/results.tsv"
    done
done
exec {ENGINE[1]}>&-
wait "$engine_pid" 2>/dev/null || true
engine_pid=""

memory=$(dotnet benchmarks/MiniDocker.StartBench/bin/Release/net10.0/MiniDocker.StartBench.dll memory "$bundle/rootfs" "$MEMORY_CONTAINERS")

mkdir -p "$(dirname "$OUT")"
/usr/bin/python3 - "$work/results.tsv" "$memory" "$MEMORY_CONTAINERS" "$OUT" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
memory, count, out = float(sys.argv[2]), sys.argv[3], sys.argv[4]
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
print(f"\nhost memory per idle container (engine process + log monitor, PSS, {count} containers): {memory:.0f} KiB")
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
