using System.Globalization;
using MiniDocker.Spec;

namespace MiniDocker.Cgroups;

/// <summary>Between <see cref="ResourceLimits"/> and the OCI specification's <c>linux.resources</c>.</summary>
internal static class ResourceLimitsMapping
{
    private const string MemoryHigh = "memory.high", CpuWeight = "cpu.weight";

    public static LinuxResourcesSpec? ToSpec(ResourceLimits limits)
    {
        if (limits.IsEmpty) return null;
        var unified = new Dictionary<string, string>(StringComparer.Ordinal);
        if (limits.MemoryHighBytes is { } high) unified[MemoryHigh] = high.ToString(CultureInfo.InvariantCulture);
        if (limits.CpuWeight is { } weight) unified[CpuWeight] = weight.ToString(CultureInfo.InvariantCulture);
        var devices = limits.BlockIoDeviceLimits.Select(d => (Device: BlockDevice.Of(d.DevicePath), Limit: d)).ToList();
        return new LinuxResourcesSpec
        {
            Memory = limits.MemoryBytes is null && limits.MemorySwapBytes is null && limits.MemoryReservationBytes is null ? null
                : new LinuxMemorySpec { Limit = limits.MemoryBytes, Swap = limits.MemorySwapBytes, Reservation = limits.MemoryReservationBytes },
            Cpu = limits.Cpus is null && limits.CpuQuotaMicroseconds is null && limits.CpuPeriodMicroseconds is null && limits.CpuShares is null
                && limits.CpusetCpus is null && limits.CpusetMems is null ? null
                : new LinuxCpuSpec
                {
                    Shares = limits.CpuShares,
                    Quota = CgroupV1Driver.CpuQuota(limits),
                    Period = limits.CpuPeriodMicroseconds ?? (limits.Cpus is not null ? 100_000 : null),
                    Cpus = limits.CpusetCpus,
                    Mems = limits.CpusetMems,
                },
            Pids = limits.PidsLimit is { } pids ? new LinuxPidsSpec { Limit = pids } : null,
            BlockIo = limits.BlockIoWeight is null && devices.Count == 0 ? null
                : new LinuxBlockIoSpec
                {
                    Weight = limits.BlockIoWeight,
                    ThrottleReadBpsDevice = Throttles(devices, d => d.ReadBytesPerSecond),
                    ThrottleWriteBpsDevice = Throttles(devices, d => d.WriteBytesPerSecond),
                    ThrottleReadIopsDevice = Throttles(devices, d => d.ReadOperationsPerSecond),
                    ThrottleWriteIopsDevice = Throttles(devices, d => d.WriteOperationsPerSecond),
                },
            Unified = unified,
            Devices = limits.Devices?.Select(d => new LinuxDeviceCgroupSpec
            {
                Allow = d.Allow, Type = d.Type.ToString(), Major = d.Major, Minor = d.Minor, Access = d.Access,
            }).ToList(),
        };
    }

    public static ResourceLimits FromSpec(LinuxResourcesSpec? spec)
    {
        if (spec is null) return ResourceLimits.Empty;
        var devices = new Dictionary<(uint, uint), BlockIoDeviceLimit>();
        if (spec.BlockIo is { } io)
        {
            Merge(io.ThrottleReadBpsDevice, (d, r) => d with { ReadBytesPerSecond = r });
            Merge(io.ThrottleWriteBpsDevice, (d, r) => d with { WriteBytesPerSecond = r });
            Merge(io.ThrottleReadIopsDevice, (d, r) => d with { ReadOperationsPerSecond = r });
            Merge(io.ThrottleWriteIopsDevice, (d, r) => d with { WriteOperationsPerSecond = r });
        }
        return new ResourceLimits
        {
            MemoryBytes = spec.Memory?.Limit,
            MemorySwapBytes = spec.Memory?.Swap,
            MemoryReservationBytes = spec.Memory?.Reservation,
            MemoryHighBytes = Unified(spec, MemoryHigh) is { } high ? long.Parse(high, CultureInfo.InvariantCulture) : null,
            CpuQuotaMicroseconds = spec.Cpu?.Quota,
            CpuPeriodMicroseconds = spec.Cpu?.Period,
            CpuShares = spec.Cpu?.Shares,
            CpuWeight = Unified(spec, CpuWeight) is { } weight ? ulong.Parse(weight, CultureInfo.InvariantCulture) : null,
            CpusetCpus = spec.Cpu?.Cpus,
            CpusetMems = spec.Cpu?.Mems,
            PidsLimit = spec.Pids?.Limit,
            BlockIoWeight = spec.BlockIo?.Weight,
            BlockIoDeviceLimits = [.. devices.Values],
            Devices = spec.Devices?.Select(d => new DeviceRule(d.Allow, d.Type is { Length: > 0 } t ? t[0] : 'a', d.Major, d.Minor, d.Access)).ToList(),
        };

        void Merge(IList<LinuxThrottleDeviceSpec> throttles, Func<BlockIoDeviceLimit, ulong, BlockIoDeviceLimit> set)
        {
            foreach (var t in throttles)
            {
                // /dev/block/MAJ:MIN names every block device the kernel knows.
                var current = devices.GetValueOrDefault((t.Major, t.Minor)) ?? new BlockIoDeviceLimit($"/dev/block/{t.Major}:{t.Minor}");
                devices[(t.Major, t.Minor)] = set(current, t.Rate);
            }
        }
    }

    private static string? Unified(LinuxResourcesSpec spec, string key) => spec.Unified.TryGetValue(key, out var value) ? value : null;

    private static List<LinuxThrottleDeviceSpec> Throttles(List<(BlockDevice Device, BlockIoDeviceLimit Limit)> devices, Func<BlockIoDeviceLimit, ulong?> rate) =>
        [.. devices.Where(d => rate(d.Limit) is not null)
            .Select(d => new LinuxThrottleDeviceSpec { Major = d.Device.Major, Minor = d.Device.Minor, Rate = rate(d.Limit)!.Value })];
}
