using System.Globalization;
using static MiniDocker.Cgroups.CgroupFiles;

namespace MiniDocker.Cgroups;

/// <summary>
/// cgroup v1: one hierarchy per controller. A group is a directory in each controller's
/// hierarchy under this process's own cgroup there; co-mounted controllers share one.
/// </summary>
internal sealed class CgroupV1Driver : ICgroupDriver
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    private readonly ICgroupFileSystem _fs;
    private readonly Dictionary<string, string> _bases;

    /// <param name="fs">The filesystem to act on.</param>
    /// <param name="bases">Each controller's directory for this process's own cgroup.</param>
    public CgroupV1Driver(ICgroupFileSystem fs, IReadOnlyDictionary<string, string> bases)
    {
        _fs = fs;
        _bases = new Dictionary<string, string>(bases, StringComparer.Ordinal);
        if (!_bases.ContainsKey("memory") && !_bases.ContainsKey("pids"))
            throw new CgroupException("No cgroup v1 memory or pids hierarchy is mounted; cannot manage containers' resources.");
    }

    public static CgroupV1Driver FromMounts(CgroupMounts mounts) =>
        new(CgroupFileSystem.Instance, mounts.V1.ToDictionary(kv => kv.Key, kv => Path.Join(kv.Value.Mount, kv.Value.Path), StringComparer.Ordinal));

    public CgroupVersion Version => CgroupVersion.V1;

    public bool EnforcesDeviceRules => _bases.ContainsKey("devices");

    public string Describe(string group) => Dir("memory", group) ?? Directories(group).First();

    public void Create(string group)
    {
        foreach (var (controller, basePath) in _bases.DistinctBy(kv => kv.Value))
        {
            var path = basePath;
            foreach (var part in group.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                var parent = path;
                path = Path.Join(path, part);
                _fs.CreateDirectory(path);
                // A new cpuset starts with no CPUs and no memory nodes, and refuses tasks until given
                // some. Checked at every level, every time: another engine may have just made it.
                if (IsCpuset(basePath)) InheritCpuset(parent, path);
            }
        }
    }

    public void Apply(string group, ResourceLimits limits)
    {
        ApplyMemory(group, limits);
        if (Dir("cpu", group) is { } cpu)
        {
            if (limits.CpuPeriodMicroseconds is { } period || limits.Cpus is not null || limits.CpuQuotaMicroseconds is not null)
            {
                var p = limits.CpuPeriodMicroseconds ?? 100_000;
                _fs.WriteFile(Path.Join(cpu, "cpu.cfs_period_us"), Format(p));
            }
            if (CpuQuota(limits) is { } quota) _fs.WriteFile(Path.Join(cpu, "cpu.cfs_quota_us"), Format(quota));
            var shares = limits.CpuShares ?? (limits.CpuWeight is { } w ? WeightConversion.CpuWeightToShares(w) : null);
            if (shares is { } s) _fs.WriteFile(Path.Join(cpu, "cpu.shares"), Format(s));
        }
        else if (limits.Cpus is not null || limits.CpuQuotaMicroseconds is not null || limits.CpuShares is not null || limits.CpuWeight is not null)
        {
            throw Missing("cpu");
        }
        if (limits.CpusetCpus is not null || limits.CpusetMems is not null)
        {
            var cpuset = Dir("cpuset", group) ?? throw Missing("cpuset");
            if (limits.CpusetCpus is { } cpus) _fs.WriteFile(Path.Join(cpuset, "cpuset.cpus"), cpus);
            if (limits.CpusetMems is { } mems) _fs.WriteFile(Path.Join(cpuset, "cpuset.mems"), mems);
        }
        if (limits.PidsLimit is { } pids)
            _fs.WriteFile(Path.Join(Dir("pids", group) ?? throw Missing("pids"), "pids.max"), pids < 0 ? "max" : Format(pids));
        ApplyBlockIo(group, limits);
        if (limits.Devices is { } devices) ApplyDevices(group, devices);
    }

    /// <summary>Deny everything, then allow the list: what is not listed cannot be opened or created.</summary>
    private void ApplyDevices(string group, IReadOnlyList<DeviceRule> rules)
    {
        if (Dir("devices", group) is not { } dir) return; // reported through EnforcesDeviceRules
        _fs.WriteFile(Path.Join(dir, "devices.deny"), "a");
        foreach (var rule in rules)
            _fs.WriteFile(Path.Join(dir, rule.Allow ? "devices.allow" : "devices.deny"), rule.ToString());
    }

    public IReadOnlyList<string>? SelfJoinFiles(string group) => [.. Directories(group).Select(d => Path.Join(d, "tasks"))];

    public void AddProcess(string group, int pid)
    {
        foreach (var directory in Directories(group))
            _fs.WriteFile(Path.Join(directory, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
    }

    public IReadOnlyList<int> Processes(string group)
    {
        var directory = Dir("pids", group) ?? Dir("memory", group) ?? Directories(group).First();
        if (!_fs.FileExists(Path.Join(directory, "cgroup.procs"))) return [];
        return [.. _fs.ReadFile(Path.Join(directory, "cgroup.procs"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
    }

    public CgroupStats ReadStats(string group)
    {
        ulong memoryUsage = 0, cpuUsage = 0, pidsCurrent = 0, readBytes = 0, writeBytes = 0;
        ulong? memoryLimit = null, memoryPeak = null, pidsLimit = null;
        var cpuStat = new Dictionary<string, ulong>();
        if (Dir("memory", group) is { } memory)
        {
            memoryUsage = ReadNumber(_fs, Path.Join(memory, "memory.usage_in_bytes"));
            memoryPeak = ReadNumber(_fs, Path.Join(memory, "memory.max_usage_in_bytes"));
            // v1 reports "unlimited" as the largest page-aligned long.
            var limit = ReadNumber(_fs, Path.Join(memory, "memory.limit_in_bytes"));
            memoryLimit = limit >= 0x7FFFFFFFFFFFF000 ? null : limit;
        }
        if (Dir("cpuacct", group) is { } cpuacct) cpuUsage = ReadNumber(_fs, Path.Join(cpuacct, "cpuacct.usage"));
        if (Dir("cpu", group) is { } cpu) cpuStat = ReadKeyValues(_fs, Path.Join(cpu, "cpu.stat"));
        if (Dir("pids", group) is { } pids)
        {
            pidsCurrent = ReadNumber(_fs, Path.Join(pids, "pids.current"));
            pidsLimit = ReadNumberOrMax(_fs, Path.Join(pids, "pids.max"));
        }
        if (Dir("blkio", group) is { } blkio && _fs.FileExists(Path.Join(blkio, "blkio.throttle.io_service_bytes")))
        {
            foreach (var line in _fs.ReadFile(Path.Join(blkio, "blkio.throttle.io_service_bytes")).Split('\n'))
            {
                var parts = line.Split(' ');
                if (parts.Length != 3) continue;
                if (parts[1] == "Read") readBytes += ulong.Parse(parts[2], CultureInfo.InvariantCulture);
                if (parts[1] == "Write") writeBytes += ulong.Parse(parts[2], CultureInfo.InvariantCulture);
            }
        }
        return new CgroupStats(memoryUsage, memoryLimit, memoryPeak, cpuUsage,
            cpuStat.GetValueOrDefault("nr_throttled"), cpuStat.GetValueOrDefault("throttled_time"),
            pidsCurrent, pidsLimit, readBytes, writeBytes, OomKills(group), null, DateTimeOffset.UtcNow);
    }

    public async Task SetFrozenAsync(string group, bool frozen, CancellationToken cancellationToken)
    {
        var freezer = Dir("freezer", group) ?? throw Missing("freezer");
        var state = Path.Join(freezer, "freezer.state");
        var wanted = frozen ? "FROZEN" : "THAWED";
        // FREEZING can stall on a task in an uninterruptible sleep; writing again retries it.
        while (true)
        {
            _fs.WriteFile(state, wanted);
            if (_fs.ReadFile(state).Trim() == wanted) return;
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task KillAllAsync(string group, CancellationToken cancellationToken)
    {
        // The common case: the container's PID namespace died with its init, nothing is left.
        if (Processes(group).Count == 0) return;
        bool frozen = Dir("freezer", group) is not null;
        // Frozen processes cannot fork while they are being killed; SIGKILL still ends them.
        if (frozen) await SetFrozenAsync(group, true, cancellationToken).ConfigureAwait(false);
        foreach (var pid in Processes(group)) _ = Tmds.Linux.LibC.kill(pid, 9);
        if (frozen) await SetFrozenAsync(group, false, cancellationToken).ConfigureAwait(false);
        while (Processes(group).Count > 0)
        {
            foreach (var pid in Processes(group)) _ = Tmds.Linux.LibC.kill(pid, 9);
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    public bool Delete(string group)
    {
        bool all = true;
        foreach (var directory in Directories(group))
            all &= _fs.RemoveDirectory(directory);
        return all;
    }

    public IReadOnlyList<(string Name, DateTimeOffset Created)> Children(string group)
    {
        var directory = Dir("memory", group) ?? Directories(group).First();
        return [.. _fs.ListDirectories(directory).Select(d => (Path.GetFileName(d), _fs.CreationTime(d)))];
    }

    public string? UnifiedDirectory(string group) => null;

    private ulong OomKills(string group) =>
        Dir("memory", group) is { } memory ? ReadKeyValues(_fs, Path.Join(memory, "memory.oom_control")).GetValueOrDefault("oom_kill") : 0;

    private void ApplyMemory(string group, ResourceLimits limits)
    {
        if (limits.MemoryBytes is null && limits.MemorySwapBytes is null && limits.MemoryReservationBytes is null)
        {
            if (limits.MemoryHighBytes is not null)
                throw new CgroupException("memory.high exists only in cgroup v2; this host uses cgroup v1. Use a memory limit or reservation instead.");
            return;
        }
        var memory = Dir("memory", group) ?? throw Missing("memory");
        var limitFile = Path.Join(memory, "memory.limit_in_bytes");
        var swapFile = Path.Join(memory, "memory.memsw.limit_in_bytes");
        if (limits.MemoryHighBytes is not null)
            throw new CgroupException("memory.high exists only in cgroup v2; this host uses cgroup v1. Use a memory limit or reservation instead.");
        if (limits.MemorySwapBytes is { } swap)
        {
            if (!_fs.FileExists(swapFile))
                throw new CgroupException($"A memory+swap limit needs swap accounting, and {swapFile} does not exist; boot with swapaccount=1 or leave the swap limit out.");
            var swapValue = swap < 0 ? "-1" : Format(swap);
            var memoryValue = limits.MemoryBytes is { } m ? Format(m) : null;
            // memory.limit_in_bytes may never exceed memsw.limit_in_bytes: raise memsw first when
            // growing, lower memory first when shrinking. Trying one order and then the other does both.
            try
            {
                if (memoryValue is not null) _fs.WriteFile(limitFile, memoryValue);
                _fs.WriteFile(swapFile, swapValue);
            }
            catch (CgroupException e) when (e.Errno == Interop.Errno.EINVAL)
            {
                _fs.WriteFile(swapFile, swapValue);
                if (memoryValue is not null) _fs.WriteFile(limitFile, memoryValue);
            }
        }
        else if (limits.MemoryBytes is { } m)
        {
            _fs.WriteFile(limitFile, Format(m));
        }
        if (limits.MemoryReservationBytes is { } reservation)
            _fs.WriteFile(Path.Join(memory, "memory.soft_limit_in_bytes"), Format(reservation));
    }

    private void ApplyBlockIo(string group, ResourceLimits limits)
    {
        if (limits.BlockIoWeight is null && limits.BlockIoDeviceLimits.Count == 0) return;
        var blkio = Dir("blkio", group) ?? throw Missing("blkio");
        if (limits.BlockIoWeight is { } weight)
        {
            var file = Path.Join(blkio, "blkio.weight");
            if (!_fs.FileExists(file))
                file = Path.Join(blkio, "blkio.bfq.weight");
            if (!_fs.FileExists(file))
                throw new CgroupException("Block I/O weights need the BFQ (or CFQ) I/O scheduler, and this host's blkio controller has no weight file; leave the weight out or use per-device limits.");
            _fs.WriteFile(file, Format((ulong)weight));
        }
        foreach (var device in limits.BlockIoDeviceLimits)
        {
            var id = BlockDevice.Of(device.DevicePath);
            Throttle("blkio.throttle.read_bps_device", device.ReadBytesPerSecond);
            Throttle("blkio.throttle.write_bps_device", device.WriteBytesPerSecond);
            Throttle("blkio.throttle.read_iops_device", device.ReadOperationsPerSecond);
            Throttle("blkio.throttle.write_iops_device", device.WriteOperationsPerSecond);

            void Throttle(string file, ulong? value)
            {
                if (value is { } v) _fs.WriteFile(Path.Join(blkio, file), $"{id} {Format(v)}");
            }
        }
    }

    internal static long? CpuQuota(ResourceLimits limits)
    {
        if (limits.CpuQuotaMicroseconds is { } quota) return quota;
        if (limits.Cpus is { } cpus) return (long)Math.Round(cpus * (limits.CpuPeriodMicroseconds ?? 100_000));
        return null;
    }

    private string? Dir(string controller, string group) =>
        _bases.TryGetValue(controller, out var basePath) ? Path.Join(basePath, group) : null;

    private IEnumerable<string> Directories(string group) =>
        _bases.Values.Distinct(StringComparer.Ordinal).Select(b => Path.Join(b, group));

    private bool IsCpuset(string basePath) => _bases.TryGetValue("cpuset", out var cpuset) && cpuset == basePath;

    private void InheritCpuset(string parent, string path)
    {
        foreach (var file in new[] { "cpuset.cpus", "cpuset.mems" })
        {
            if (_fs.ReadFile(Path.Join(path, file)).Trim().Length == 0)
                _fs.WriteFile(Path.Join(path, file), _fs.ReadFile(Path.Join(parent, file)).Trim());
        }
    }

    private static CgroupException Missing(string controller) =>
        new($"The cgroup v1 {controller} controller is not mounted on this host, so this limit cannot be applied.");
}
