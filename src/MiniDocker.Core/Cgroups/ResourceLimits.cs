namespace MiniDocker.Cgroups;

/// <summary>
/// The resources a cgroup may use, expressed once and mapped by each driver to its files.
/// Null means "not limited" (or "leave as it is" when updating).
/// </summary>
public sealed record ResourceLimits
{
    /// <summary>Memory in bytes (v1 <c>memory.limit_in_bytes</c>, v2 <c>memory.max</c>).</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>Memory plus swap in bytes, as Docker's <c>--memory-swap</c>; -1 for unlimited swap.</summary>
    public long? MemorySwapBytes { get; init; }

    /// <summary>A soft limit the kernel reclaims down to under pressure (v1 <c>memory.soft_limit_in_bytes</c>, v2 <c>memory.low</c>).</summary>
    public long? MemoryReservationBytes { get; init; }

    /// <summary>Throttle point above which the kernel reclaims aggressively (v2 <c>memory.high</c> only).</summary>
    public long? MemoryHighBytes { get; init; }

    /// <summary>CPU time as a number of cores, such as 0.5 (Docker's <c>--cpus</c>); sets quota over a 100 ms period.</summary>
    public double? Cpus { get; init; }

    /// <summary>CPU quota per period in microseconds; with <see cref="CpuPeriodMicroseconds"/>, instead of <see cref="Cpus"/>.</summary>
    public long? CpuQuotaMicroseconds { get; init; }

    /// <summary>The CPU accounting period in microseconds (1000 to 1000000; 100000 by default).</summary>
    public long? CpuPeriodMicroseconds { get; init; }

    /// <summary>Relative CPU weight in v1 shares (2 to 262144; 1024 is the default), converted for v2.</summary>
    public ulong? CpuShares { get; init; }

    /// <summary>Relative CPU weight in v2 units (1 to 10000; 100 is the default), converted for v1.</summary>
    public ulong? CpuWeight { get; init; }

    /// <summary>The CPUs the processes may run on, in the kernel's list format (<c>0-1,3</c>).</summary>
    public string? CpusetCpus { get; init; }

    /// <summary>The memory nodes the processes may allocate from, in the kernel's list format.</summary>
    public string? CpusetMems { get; init; }

    /// <summary>The maximum number of processes and threads.</summary>
    public long? PidsLimit { get; init; }

    /// <summary>Relative block I/O weight, 10 to 1000 (v1 <c>blkio.weight</c>, converted for v2 <c>io.weight</c>).</summary>
    public ushort? BlockIoWeight { get; init; }

    /// <summary>Per-device bandwidth and operation throttles.</summary>
    public IReadOnlyList<BlockIoDeviceLimit> BlockIoDeviceLimits { get; init; } = [];

    /// <summary>
    /// The device access list; null leaves device access unrestricted. Every rule is applied
    /// after denying everything, so the list is what the container may use.
    /// </summary>
    public IReadOnlyList<DeviceRule>? Devices { get; init; }

    /// <summary>Whether nothing is limited.</summary>
    public bool IsEmpty => this == Empty;

    /// <summary>No limits at all.</summary>
    public static ResourceLimits Empty { get; } = new();

    /// <summary>This record with the values set in <paramref name="update"/> taking precedence.</summary>
    public ResourceLimits Merge(ResourceLimits update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return new ResourceLimits
        {
            MemoryBytes = update.MemoryBytes ?? MemoryBytes,
            MemorySwapBytes = update.MemorySwapBytes ?? MemorySwapBytes,
            MemoryReservationBytes = update.MemoryReservationBytes ?? MemoryReservationBytes,
            MemoryHighBytes = update.MemoryHighBytes ?? MemoryHighBytes,
            Cpus = update.Cpus ?? (update.CpuQuotaMicroseconds is null ? Cpus : null),
            CpuQuotaMicroseconds = update.CpuQuotaMicroseconds ?? (update.Cpus is null ? CpuQuotaMicroseconds : null),
            CpuPeriodMicroseconds = update.CpuPeriodMicroseconds ?? CpuPeriodMicroseconds,
            CpuShares = update.CpuShares ?? (update.CpuWeight is null ? CpuShares : null),
            CpuWeight = update.CpuWeight ?? (update.CpuShares is null ? CpuWeight : null),
            CpusetCpus = update.CpusetCpus ?? CpusetCpus,
            CpusetMems = update.CpusetMems ?? CpusetMems,
            PidsLimit = update.PidsLimit ?? PidsLimit,
            BlockIoWeight = update.BlockIoWeight ?? BlockIoWeight,
            BlockIoDeviceLimits = update.BlockIoDeviceLimits.Count > 0 ? update.BlockIoDeviceLimits : BlockIoDeviceLimits,
            Devices = update.Devices ?? Devices,
        };
    }

    /// <inheritdoc />
    public bool Equals(ResourceLimits? other) =>
        other is not null
        && MemoryBytes == other.MemoryBytes && MemorySwapBytes == other.MemorySwapBytes
        && MemoryReservationBytes == other.MemoryReservationBytes && MemoryHighBytes == other.MemoryHighBytes
        && Cpus == other.Cpus && CpuQuotaMicroseconds == other.CpuQuotaMicroseconds && CpuPeriodMicroseconds == other.CpuPeriodMicroseconds
        && CpuShares == other.CpuShares && CpuWeight == other.CpuWeight
        && CpusetCpus == other.CpusetCpus && CpusetMems == other.CpusetMems
        && PidsLimit == other.PidsLimit && BlockIoWeight == other.BlockIoWeight
        && BlockIoDeviceLimits.SequenceEqual(other.BlockIoDeviceLimits)
        && (Devices ?? []).SequenceEqual(other.Devices ?? []) && (Devices is null) == (other.Devices is null);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(MemoryBytes, Cpus, CpuShares, PidsLimit, CpusetCpus, BlockIoDeviceLimits.Count);
}
