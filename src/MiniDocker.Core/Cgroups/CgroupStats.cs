namespace MiniDocker.Cgroups;

/// <summary>One reading of a cgroup's counters; the same meaning on v1 and v2.</summary>
/// <param name="MemoryUsageBytes">Memory in use now.</param>
/// <param name="MemoryLimitBytes">The memory limit, or null when unlimited.</param>
/// <param name="MemoryPeakBytes">The highest usage seen, or null when the kernel does not record it.</param>
/// <param name="CpuUsageNanoseconds">CPU time used by all processes since the cgroup was made.</param>
/// <param name="CpuThrottledPeriods">How many periods the quota throttled the cgroup.</param>
/// <param name="CpuThrottledNanoseconds">How long the cgroup was throttled in total.</param>
/// <param name="PidsCurrent">Processes and threads now.</param>
/// <param name="PidsLimit">The pids limit, or null when unlimited.</param>
/// <param name="BlockIoReadBytes">Bytes read from block devices.</param>
/// <param name="BlockIoWriteBytes">Bytes written to block devices.</param>
/// <param name="OomKills">How many processes the OOM killer ended in this cgroup.</param>
/// <param name="CpuPercent">CPU use since the previous reading in percent of one core (100 = one core busy); null for a single reading.</param>
/// <param name="Timestamp">When the counters were read.</param>
public sealed record CgroupStats(
    ulong MemoryUsageBytes,
    ulong? MemoryLimitBytes,
    ulong? MemoryPeakBytes,
    ulong CpuUsageNanoseconds,
    ulong CpuThrottledPeriods,
    ulong CpuThrottledNanoseconds,
    ulong PidsCurrent,
    ulong? PidsLimit,
    ulong BlockIoReadBytes,
    ulong BlockIoWriteBytes,
    ulong OomKills,
    double? CpuPercent,
    DateTimeOffset Timestamp)
{
    /// <summary>This reading with <see cref="CpuPercent"/> computed against an earlier one.</summary>
    public CgroupStats Since(CgroupStats previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var wall = (Timestamp - previous.Timestamp).TotalMilliseconds * 1_000_000;
        var used = CpuUsageNanoseconds >= previous.CpuUsageNanoseconds ? CpuUsageNanoseconds - previous.CpuUsageNanoseconds : 0;
        return this with { CpuPercent = wall > 0 ? used / wall * 100 : null };
    }
}
