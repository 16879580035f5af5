using System.Globalization;
using System.Text;
using static MiniDocker.Cgroups.CgroupFiles;

namespace MiniDocker.Cgroups;

/// <summary>
/// cgroup v2: one unified hierarchy. Each level must delegate the controllers the next one
/// uses through <c>cgroup.subtree_control</c>, and (the "no internal processes" rule) a
/// cgroup that delegates domain controllers may hold no processes itself.
/// </summary>
internal sealed class CgroupV2Driver : ICgroupDriver
{
    internal static readonly string[] Controllers = ["cpuset", "cpu", "io", "memory", "pids"];

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    private readonly ICgroupFileSystem _fs;
    private readonly string _base;
    private readonly Action<string, IReadOnlyList<DeviceRule>> _attachDevices;

    /// <param name="fs">The filesystem to act on.</param>
    /// <param name="baseDirectory">This process's own cgroup in the unified hierarchy.</param>
    /// <param name="attachDevices">Attaches a device access program to a cgroup directory; the eBPF loader by default.</param>
    public CgroupV2Driver(ICgroupFileSystem fs, string baseDirectory, Action<string, IReadOnlyList<DeviceRule>>? attachDevices = null)
    {
        _fs = fs;
        _base = baseDirectory;
        _attachDevices = attachDevices ?? DeviceProgram.Attach;
    }

    public static CgroupV2Driver FromMounts(CgroupMounts mounts) =>
        new(CgroupFileSystem.Instance, Path.Join(mounts.V2Mount ?? throw new CgroupException("No cgroup2 hierarchy is mounted."), mounts.V2Path));

    public CgroupVersion Version => CgroupVersion.V2;

    // v2 has no devices file: the access list is an eBPF program attached to the cgroup.
    public bool EnforcesDeviceRules => true;

    public string Describe(string group) => Path.Join(_base, group);

    public void Create(string group)
    {
        var path = _base;
        foreach (var part in group.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            Delegate(path);
            path = Path.Join(path, part);
            _fs.CreateDirectory(path);
        }
    }

    public void Apply(string group, ResourceLimits limits)
    {
        var dir = Path.Join(_base, group);
        if (limits.Devices is { } devices) _attachDevices(dir, devices);
        if (limits.MemoryBytes is { } memory) Write(dir, "memory", "memory.max", Format(memory));
        if (limits.MemorySwapBytes is { } swap)
        {
            // OCI and Docker give memory+swap; v2 limits swap alone.
            var swapOnly = swap < 0 ? "max"
                : limits.MemoryBytes is { } m ? Format(swap - m)
                : throw new CgroupException("A memory+swap limit needs a memory limit too on cgroup v2, where swap is limited separately.");
            Write(dir, "memory", "memory.swap.max", swapOnly);
        }
        if (limits.MemoryReservationBytes is { } low) Write(dir, "memory", "memory.low", Format(low));
        if (limits.MemoryHighBytes is { } high) Write(dir, "memory", "memory.high", Format(high));

        var quota = CgroupV1Driver.CpuQuota(limits);
        if (quota is not null || limits.CpuPeriodMicroseconds is not null)
        {
            var period = limits.CpuPeriodMicroseconds ?? 100_000;
            Write(dir, "cpu", "cpu.max", $"{(quota is { } q && q > 0 ? Format(q) : "max")} {Format(period)}");
        }
        var weight = limits.CpuWeight ?? (limits.CpuShares is { } shares ? WeightConversion.CpuSharesToWeight(shares) : null);
        if (weight is { } w) Write(dir, "cpu", "cpu.weight", Format(w));

        if (limits.CpusetCpus is { } cpus) Write(dir, "cpuset", "cpuset.cpus", cpus);
        if (limits.CpusetMems is { } mems) Write(dir, "cpuset", "cpuset.mems", mems);
        if (limits.PidsLimit is { } pids) Write(dir, "pids", "pids.max", pids < 0 ? "max" : Format(pids));

        if (limits.BlockIoWeight is { } ioWeight)
            Write(dir, "io", "io.weight", "default " + Format(WeightConversion.BlockIoWeightToIoWeight(ioWeight)));
        foreach (var device in limits.BlockIoDeviceLimits)
        {
            var line = new StringBuilder(BlockDevice.Of(device.DevicePath).ToString());
            Append("rbps", device.ReadBytesPerSecond);
            Append("wbps", device.WriteBytesPerSecond);
            Append("riops", device.ReadOperationsPerSecond);
            Append("wiops", device.WriteOperationsPerSecond);
            Write(dir, "io", "io.max", line.ToString());

            void Append(string key, ulong? value)
            {
                if (value is { } v) line.Append(CultureInfo.InvariantCulture, $" {key}={v}");
            }
        }
    }

    public IReadOnlyList<string>? SelfJoinFiles(string group) => null;

    public void AddProcess(string group, int pid) =>
        _fs.WriteFile(Path.Join(_base, group, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));

    public IReadOnlyList<int> Processes(string group)
    {
        var file = Path.Join(_base, group, "cgroup.procs");
        if (!_fs.FileExists(file)) return [];
        return [.. _fs.ReadFile(file).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
    }

    public CgroupStats ReadStats(string group)
    {
        var dir = Path.Join(_base, group);
        var cpu = ReadKeyValues(_fs, Path.Join(dir, "cpu.stat"));
        ulong read = 0, write = 0;
        if (_fs.FileExists(Path.Join(dir, "io.stat")))
        {
            foreach (var field in _fs.ReadFile(Path.Join(dir, "io.stat")).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (field.StartsWith("rbytes=", StringComparison.Ordinal)) read += ulong.Parse(field[7..], CultureInfo.InvariantCulture);
                if (field.StartsWith("wbytes=", StringComparison.Ordinal)) write += ulong.Parse(field[7..], CultureInfo.InvariantCulture);
            }
        }
        return new CgroupStats(
            _fs.FileExists(Path.Join(dir, "memory.current")) ? ReadNumber(_fs, Path.Join(dir, "memory.current")) : 0,
            ReadNumberOrMax(_fs, Path.Join(dir, "memory.max")),
            ReadNumberOrMax(_fs, Path.Join(dir, "memory.peak")),
            cpu.GetValueOrDefault("usage_usec") * 1000,
            cpu.GetValueOrDefault("nr_throttled"),
            cpu.GetValueOrDefault("throttled_usec") * 1000,
            _fs.FileExists(Path.Join(dir, "pids.current")) ? ReadNumber(_fs, Path.Join(dir, "pids.current")) : 0,
            ReadNumberOrMax(_fs, Path.Join(dir, "pids.max")),
            read,
            write,
            ReadKeyValues(_fs, Path.Join(dir, "memory.events")).GetValueOrDefault("oom_kill"),
            null,
            DateTimeOffset.UtcNow);
    }

    public async Task SetFrozenAsync(string group, bool frozen, CancellationToken cancellationToken)
    {
        var dir = Path.Join(_base, group);
        _fs.WriteFile(Path.Join(dir, "cgroup.freeze"), frozen ? "1" : "0");
        while (ReadKeyValues(_fs, Path.Join(dir, "cgroup.events")).GetValueOrDefault("frozen") != (frozen ? 1UL : 0UL))
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
    }

    public async Task KillAllAsync(string group, CancellationToken cancellationToken)
    {
        var dir = Path.Join(_base, group);
        var kill = Path.Join(dir, "cgroup.kill");
        bool atomic = _fs.FileExists(kill);
        while (ReadKeyValues(_fs, Path.Join(dir, "cgroup.events")).GetValueOrDefault("populated") != 0)
        {
            // cgroup.kill (5.14+) kills every process at once, with no window for a fork to escape.
            if (atomic) _fs.WriteFile(kill, "1");
            else foreach (var pid in Processes(group)) _ = Tmds.Linux.LibC.kill(pid, 9);
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    public bool Delete(string group) => _fs.RemoveDirectory(Path.Join(_base, group));

    public IReadOnlyList<(string Name, DateTimeOffset Created)> Children(string group) =>
        [.. _fs.ListDirectories(Path.Join(_base, group)).Select(d => (Path.GetFileName(d), _fs.CreationTime(d)))];

    public string? UnifiedDirectory(string group) => Path.Join(_base, group);

    /// <summary>Enables in <paramref name="path"/>'s subtree every controller it has and the drivers use.</summary>
    private void Delegate(string path)
    {
        var available = _fs.ReadFile(Path.Join(path, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var enabled = _fs.ReadFile(Path.Join(path, "cgroup.subtree_control")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var missing = Controllers.Where(c => available.Contains(c) && !enabled.Contains(c)).ToList();
        if (missing.Count == 0) return;
        try
        {
            _fs.WriteFile(Path.Join(path, "cgroup.subtree_control"), string.Join(' ', missing.Select(c => "+" + c)));
        }
        catch (CgroupException e) when (e.Errno == Interop.Errno.EBUSY)
        {
            throw new CgroupException(
                $"{path} holds processes, so under cgroup v2's no-internal-processes rule it cannot delegate {string.Join(", ", missing)} to child cgroups. "
                + "Run the host application in a cgroup of its own (e.g. systemd-run --scope -p Delegate=yes), or set MiniDockerOptions.CgroupParent "
                + "to a cgroup this process may manage.", e);
        }
    }

    private void Write(string dir, string controller, string file, string value)
    {
        var path = Path.Join(dir, file);
        if (!_fs.FileExists(path))
            throw new CgroupException($"The {controller} controller is not enabled for {dir} ({file} is missing): its parent's cgroup.subtree_control does not delegate it, or the kernel lacks it.");
        _fs.WriteFile(path, value);
    }
}
