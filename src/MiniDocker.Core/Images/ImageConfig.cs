using System.Text.Json.Serialization;
using MiniDocker.Storage;

namespace MiniDocker.Images;

/// <summary>An image's configuration document: what it runs by default and the digests of its unpacked layers.</summary>
public sealed record ImageConfig
{
    /// <summary>The CPU architecture, such as <c>amd64</c>.</summary>
    public string Architecture { get; init; } = "";

    /// <summary>The operating system, such as <c>linux</c>.</summary>
    public string Os { get; init; } = "";

    /// <summary>The CPU variant, if any.</summary>
    public string? Variant { get; init; }

    /// <summary>When the image was built.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>Who built it.</summary>
    public string? Author { get; init; }

    /// <summary>The defaults for containers made from the image.</summary>
    public ImageRuntimeConfig? Config { get; init; }

    /// <summary>The digests of the layers once uncompressed, lowest first.</summary>
    [JsonPropertyName("rootfs")]
    public ImageRootFs RootFs { get; init; } = new();

    /// <summary>How each layer was made, lowest first (entries with <c>empty_layer</c> made none).</summary>
    public IReadOnlyList<ImageHistory>? History { get; init; }
}

/// <summary>One step of an image's history.</summary>
public sealed record ImageHistory
{
    /// <summary>When the step ran.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>The command that made it.</summary>
    [JsonPropertyName("created_by")]
    public string? CreatedBy { get; init; }

    /// <summary>A free-form comment.</summary>
    public string? Comment { get; init; }

    /// <summary>Whether the step made no layer.</summary>
    [JsonPropertyName("empty_layer")]
    public bool? EmptyLayer { get; init; }
}

/// <summary>The <c>rootfs</c> section of an image configuration.</summary>
public sealed record ImageRootFs
{
    /// <summary>Always <c>layers</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary>The digest of each layer's uncompressed tar, lowest first: what identifies unpacked content.</summary>
    [JsonPropertyName("diff_ids")]
    public IReadOnlyList<Digest> DiffIds { get; init; } = [];
}

/// <summary>The defaults an image gives its containers (the <c>config</c> section, whose fields are capitalised).</summary>
public sealed record ImageRuntimeConfig
{
    /// <summary>The user (name or id, with an optional group) the process runs as.</summary>
    [JsonPropertyName("User")]
    public string? User { get; init; }

    /// <summary>Ports the image listens on, as <c>80/tcp</c>.</summary>
    [JsonPropertyName("ExposedPorts")]
    public IReadOnlyDictionary<string, EmptyObject>? ExposedPorts { get; init; }

    /// <summary>Environment variables as <c>NAME=value</c>.</summary>
    [JsonPropertyName("Env")]
    public IReadOnlyList<string>? Env { get; init; }

    /// <summary>The entrypoint.</summary>
    [JsonPropertyName("Entrypoint")]
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>The default command, or the entrypoint's default arguments.</summary>
    [JsonPropertyName("Cmd")]
    public IReadOnlyList<string>? Cmd { get; init; }

    /// <summary>Paths the image declares as volumes.</summary>
    [JsonPropertyName("Volumes")]
    public IReadOnlyDictionary<string, EmptyObject>? Volumes { get; init; }

    /// <summary>The working directory.</summary>
    [JsonPropertyName("WorkingDir")]
    public string? WorkingDir { get; init; }

    /// <summary>Labels.</summary>
    [JsonPropertyName("Labels")]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>The signal that asks the process to stop, such as <c>SIGQUIT</c>.</summary>
    [JsonPropertyName("StopSignal")]
    public string? StopSignal { get; init; }
}

/// <summary>The <c>{}</c> that sets such as <c>ExposedPorts</c> use as values.</summary>
public sealed record EmptyObject;
