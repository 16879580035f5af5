using System.Globalization;

namespace MiniDocker.Cgroups;

/// <summary>Checks limits against the kernel's ranges and this host before any cgroup is touched.</summary>
internal static class ResourceLimitsValidator
{
    /// <summary>Docker's minimum: below it a container cannot even start its runtime.</summary>
    public const long MinimumMemoryBytes = 6 * 1024 * 1024;

    /// <exception cref="ContainerConfigurationException">A limit is out of range; the message says which and the valid range.</exception>
    public static void Validate(ResourceLimits limits, HostResources host)
    {
        if (limits.MemoryBytes is { } memory && memory < MinimumMemoryBytes)
            throw Invalid($"The memory limit {memory} bytes is {(memory <= 0 ? "not positive" : "too small")}; give at least {MinimumMemoryBytes} bytes (6 MiB).");
        if (limits.MemorySwapBytes is { } swap && swap != -1)
        {
            if (limits.MemoryBytes is not { } m)
                throw Invalid("A memory+swap limit needs a memory limit as well.");
            if (swap < m)
                throw Invalid($"The memory+swap limit {swap} is below the memory limit {m}; it counts memory and swap together, so give at least {m}, or -1 for unlimited swap.");
        }
        if (limits.MemoryReservationBytes is { } reservation && (reservation <= 0 || (limits.MemoryBytes is { } limit && reservation > limit)))
            throw Invalid($"The memory reservation {reservation} must be positive and no more than the memory limit.");
        if (limits.MemoryHighBytes is { } high && high <= 0)
            throw Invalid($"memory.high {high} must be positive.");

        if (limits.Cpus is { } cpus && (cpus <= 0 || cpus > host.Cpus.Count || double.IsNaN(cpus)))
            throw Invalid($"The CPU limit {cpus.ToString(CultureInfo.InvariantCulture)} is out of range: this host has {host.Cpus.Count} CPUs, so give more than 0 and at most {host.Cpus.Count}.");
        if (limits.Cpus is not null && limits.CpuQuotaMicroseconds is not null)
            throw Invalid("Give the CPU limit either as Cpus or as a quota and period, not both.");
        if (limits.CpuPeriodMicroseconds is { } period && period is < 1000 or > 1_000_000)
            throw Invalid($"The CPU period {period} µs is out of range; the kernel takes 1000 to 1000000.");
        if (limits.CpuQuotaMicroseconds is { } quota && quota < 1000)
            throw Invalid($"The CPU quota {quota} µs is below the kernel's minimum of 1000.");
        if (limits.CpuShares is { } shares && shares is < 2 or > 262144)
            throw Invalid($"CPU shares {shares} are out of range; give 2 to 262144 (1024 is the default).");
        if (limits.CpuWeight is { } weight && weight is < 1 or > 10000)
            throw Invalid($"The CPU weight {weight} is out of range; give 1 to 10000 (100 is the default).");
        if (limits.CpuShares is not null && limits.CpuWeight is not null)
            throw Invalid("Give CPU shares or a CPU weight, not both.");

        CheckList(limits.CpusetCpus, host.Cpus, "CPU");
        CheckList(limits.CpusetMems, host.MemoryNodes, "memory node");

        if (limits.PidsLimit is { } pids && pids <= 0)
            throw Invalid($"The pids limit {pids} must be positive.");
        if (limits.BlockIoWeight is { } io && io is < 10 or > 1000)
            throw Invalid($"The block I/O weight {io} is out of range; give 10 to 1000.");
        foreach (var device in limits.BlockIoDeviceLimits)
            _ = BlockDevice.Of(device.DevicePath);
    }

    private static void CheckList(string? list, IReadOnlySet<int> online, string what)
    {
        if (list is null) return;
        HashSet<int> wanted;
        try
        {
            wanted = HostResources.ParseList(list);
        }
        catch (FormatException e)
        {
            throw Invalid($"The cpuset {what}s {e.Message}");
        }
        var missing = wanted.Where(n => !online.Contains(n)).Order().ToList();
        if (missing.Count > 0)
            throw Invalid($"The cpuset names {what} {string.Join(", ", missing)}, which this host does not have; it has {string.Join(",", online.Order())}.");
    }

    private static ContainerConfigurationException Invalid(string message) => new(message);
}
