using Microsoft.Extensions.Logging;

namespace MiniDocker.Logging;

/// <summary>Every log message MiniDocker writes, with stable event ids.</summary>
internal static partial class MiniDockerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "stage-0 plan, {StepCount} steps:\n{Plan}")]
    public static partial void ExecutingPlan(ILogger logger, int stepCount, Execution.SpawnPlan plan);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Container {Name} ({Id}) started as host pid {Pid}")]
    public static partial void ContainerStarted(ILogger logger, string name, string id, int pid);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Container {Name} exited: {Exit}")]
    public static partial void ContainerExited(ILogger logger, string name, Containers.ContainerExit exit);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Container {Name} failed to start: {Reason}")]
    public static partial void StartFailed(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Container {Name} removed")]
    public static partial void ContainerRemoved(ILogger logger, string name);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Container {Name} did not stop within {Timeout} of SIGTERM; sending SIGKILL")]
    public static partial void StopTimedOut(ILogger logger, string name, TimeSpan timeout);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Networks left by a dead engine could not be removed: {Reason}")]
    public static partial void StaleNetworkCleanupFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Removed network {Name} (bridge, nftables table, leases), left by an engine that ended without cleaning up")]
    public static partial void StaleNetworkRemoved(ILogger logger, string name);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "The rootfs {Rootfs} could not be idmapped (its filesystem or the kernel refuses); files owned by host users show as the overflow uid in the container")]
    public static partial void IdmapRefused(ILogger logger, string rootfs);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "The device access list is not enforced on this host's cgroup {Version}: no devices controller is mounted; containers can open any device node they can create or are given")]
    public static partial void DeviceRulesNotEnforced(ILogger logger, string version);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Container {Name} ended, but its cgroup could not be cleaned up: {Reason}")]
    public static partial void CgroupCleanupFailed(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Removed the empty cgroup of container {Id}, left by an engine that ended without cleaning up")]
    public static partial void StaleCgroupRemoved(ILogger logger, string id);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "RLIMIT_NOFILE hard limit {Wanted} is above the host's {Host}; lowered to {Host} (raising it needs CAP_SYS_RESOURCE)")]
    public static partial void NoFileLimitLowered(ILogger logger, ulong wanted, ulong host);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "The state of container {Name} could not be saved: {Reason}")]
    public static partial void StateNotSaved(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "Removed container {Id}, left by an engine that ended without cleaning up")]
    public static partial void StaleContainerRemoved(ILogger logger, string id);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "Container {Name} could not be restarted: {Reason}")]
    public static partial void RestartFailed(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 17, Level = LogLevel.Warning, Message = "Container {Name} ended, but its published ports could not be released: {Reason}")]
    public static partial void PortReleaseFailed(ILogger logger, string name, string reason);
}
