namespace MiniDocker.Images;

/// <summary>One image's manifest (OCI or Docker schema 2): its configuration and its layers, lowest first.</summary>
public sealed record ImageManifest
{
    /// <summary>Always 2.</summary>
    public int SchemaVersion { get; init; }

    /// <summary>The manifest's own media type, when it names it.</summary>
    public string? MediaType { get; init; }

    /// <summary>The image configuration.</summary>
    public Descriptor Config { get; init; } = new();

    /// <summary>The layers, lowest first.</summary>
    public IReadOnlyList<Descriptor> Layers { get; init; } = [];

    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
