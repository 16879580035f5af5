namespace MiniDocker.Spec;

/// <summary>Resource limits (<c>linux.resources</c>), applied through the container's cgroup.</summary>
public sealed record LinuxResourcesSpec
{
    /// <summary>Memory limits.</summary>
    public LinuxMemorySpec? Memory { get; init; }

    /// <summary>CPU limits.</summary>
    public LinuxCpuSpec? Cpu { get; init; }

    /// <summary>The pids limit.</summary>
    public LinuxPidsSpec? Pids { get; init; }

    /// <summary>Block I/O weight and throttles.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("blockIO")]
    public LinuxBlockIoSpec? BlockIo { get; init; }

    /// <summary>The device access list (allow/deny rules); absent leaves devices unrestricted.</summary>
    public IList<LinuxDeviceCgroupSpec>? Devices { get; init; }

    /// <summary>cgroup v2 files written as they are (<c>memory.high</c>, <c>cpu.weight</c> …).</summary>
    public IDictionary<string, string> Unified { get; init; } = new Dictionary<string, string>();
}

/// <summary>One device rule (<c>linux.resources.devices[]</c>).</summary>
public sealed record LinuxDeviceCgroupSpec
{
    /// <summary>Allow or deny.</summary>
    public bool Allow { get; init; }

    /// <summary>"c", "b" or "a".</summary>
    public string Type { get; init; } = "a";

    /// <summary>The major number; absent for any.</summary>
    public long? Major { get; init; }

    /// <summary>The minor number; absent for any.</summary>
    public long? Minor { get; init; }

    /// <summary>Any of "r", "w", "m".</summary>
    public string Access { get; init; } = "rwm";
}

/// <summary><c>linux.resources.memory</c>.</summary>
public sealed record LinuxMemorySpec
{
    /// <summary>Memory limit in bytes.</summary>
    public long? Limit { get; init; }

    /// <summary>Soft limit in bytes.</summary>
    public long? Reservation { get; init; }

    /// <summary>Memory plus swap in bytes; -1 for unlimited.</summary>
    public long? Swap { get; init; }
}

/// <summary><c>linux.resources.cpu</c>.</summary>
public sealed record LinuxCpuSpec
{
    /// <summary>Relative weight in v1 shares.</summary>
    public ulong? Shares { get; init; }

    /// <summary>Quota per period in microseconds.</summary>
    public long? Quota { get; init; }

    /// <summary>Period in microseconds.</summary>
    public long? Period { get; init; }

    /// <summary>CPUs in list format.</summary>
    public string? Cpus { get; init; }

    /// <summary>Memory nodes in list format.</summary>
    public string? Mems { get; init; }
}

/// <summary><c>linux.resources.pids</c>.</summary>
public sealed record LinuxPidsSpec
{
    /// <summary>The maximum number of processes and threads.</summary>
    public long Limit { get; init; }
}

/// <summary><c>linux.resources.blockIO</c>.</summary>
public sealed record LinuxBlockIoSpec
{
    /// <summary>Relative weight, 10 to 1000.</summary>
    public ushort? Weight { get; init; }

    /// <summary>Read bandwidth per device.</summary>
    public IList<LinuxThrottleDeviceSpec> ThrottleReadBpsDevice { get; init; } = [];

    /// <summary>Write bandwidth per device.</summary>
    public IList<LinuxThrottleDeviceSpec> ThrottleWriteBpsDevice { get; init; } = [];

    /// <summary>Read operations per device.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("throttleReadIOPSDevice")]
    public IList<LinuxThrottleDeviceSpec> ThrottleReadIopsDevice { get; init; } = [];

    /// <summary>Write operations per device.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("throttleWriteIOPSDevice")]
    public IList<LinuxThrottleDeviceSpec> ThrottleWriteIopsDevice { get; init; } = [];
}

/// <summary>One device throttle.</summary>
public sealed record LinuxThrottleDeviceSpec
{
    /// <summary>The device's major number.</summary>
    public uint Major { get; init; }

    /// <summary>The device's minor number.</summary>
    public uint Minor { get; init; }

    /// <summary>Bytes or operations per second.</summary>
    public ulong Rate { get; init; }
}
