using System.Text.Json.Serialization;

namespace MiniDocker.Containers.State;

/// <summary>What <c>state.json</c> in a container's directory records, for engines in other processes and after a crash.</summary>
internal sealed record ContainerState
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string Status { get; init; } = "running";
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public int Pid { get; init; }

    /// <summary>The stage-0 that stays as a detached container's parent to record its exit, and its start time.</summary>
    public int MonitorPid { get; init; }

    public ulong MonitorStartTime { get; init; }

    /// <summary>The process's start time in clock ticks since boot (/proc/pid/stat field 22): a recycled pid has another.</summary>
    public ulong PidStartTime { get; init; }

    public bool Detached { get; init; }

    /// <summary>Whether its first process runs on a terminal (its output is raw bytes, not stdout and stderr apart).</summary>
    public bool Tty { get; init; }

    /// <summary>Whether its stdin is kept open for writing.</summary>
    public bool OpenStdin { get; init; }
    public string? Image { get; init; }
    public string? ImageId { get; init; }
    public List<string> Command { get; init; } = [];
    public Dictionary<string, string> Labels { get; init; } = [];
    public string Cgroup { get; init; } = "";
    public string StopSignal { get; init; } = "SIGTERM";
    public int? ExitCode { get; init; }
    public string? ExitSignal { get; init; }
    public bool OomKilled { get; init; }
    public List<string> Networks { get; init; } = [];

    /// <summary>The container's address on each network, by network name.</summary>
    public Dictionary<string, string> Addresses { get; init; } = [];

    /// <summary>Its published ports, as <c>docker ps</c> shows them (0.0.0.0:8080->80/tcp).</summary>
    public List<MiniDocker.Networks.PublishedPort> Ports { get; init; } = [];
}

/// <summary>Source-generated JSON for the state file.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(ContainerState))]
internal sealed partial class ContainerStateJsonContext : JsonSerializerContext;
