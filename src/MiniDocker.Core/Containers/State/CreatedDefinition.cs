using System.Text.Json.Serialization;

namespace MiniDocker.Containers.State;

/// <summary>
/// What a created (not yet started) container needs besides its OCI specification
/// (<c>definition.json</c>), in <c>created.json</c>: so that any engine, in any process, can start it.
/// </summary>
internal sealed record CreatedDefinition
{
    public bool Init { get; init; }
    public bool Detached { get; init; }
    public bool OpenStdin { get; init; }
    public string? ImageManifest { get; init; }
    public Dictionary<string, string> Labels { get; init; } = [];
    public List<string> ExposedPorts { get; init; } = [];
    public string StopSignal { get; init; } = "SIGTERM";
    public long LogMaxBytes { get; init; }
    public int LogMaxFiles { get; init; }
    public string RestartPolicy { get; init; } = "no";
    public List<string> Dns { get; init; } = [];

    /// <summary>The Landlock policy its processes are confined by, if any.</summary>
    public Security.Landlock.LandlockPolicy? Landlock { get; init; }

    /// <summary>Published ports, as <c>docker ps</c> shows them.</summary>
    public List<MiniDocker.Networks.PublishedPort> Ports { get; init; } = [];

    /// <summary>Persistent networks to join, by name, with the aliases on each.</summary>
    public Dictionary<string, List<string>> Networks { get; init; } = [];
}

/// <summary>Source-generated JSON for <see cref="CreatedDefinition"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(CreatedDefinition))]
internal sealed partial class CreatedDefinitionJsonContext : JsonSerializerContext;
