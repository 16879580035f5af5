namespace MiniDocker.Images;

/// <summary>An OCI image index or Docker manifest list: a manifest per platform.</summary>
public sealed record ImageIndex
{
    /// <summary>Always 2.</summary>
    public int SchemaVersion { get; init; }

    /// <summary>The index's own media type, when it names it.</summary>
    public string? MediaType { get; init; }

    /// <summary>The manifests, each with its platform.</summary>
    public IReadOnlyList<Descriptor> Manifests { get; init; } = [];

    /// <summary>The manifest for <paramref name="platform"/>.</summary>
    /// <exception cref="ImageFormatException">The index has no manifest for it; the message lists the platforms it has.</exception>
    public Descriptor SelectManifest(Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var match = Manifests.FirstOrDefault(m => m.Platform is { } candidate && platform.Matches(candidate) && MediaTypes.IsManifest(m.MediaType));
        if (match is not null)
            return match;
        var available = Manifests.Where(m => m.Platform is not null).Select(m => m.Platform!.ToString()).Distinct().ToList();
        throw new ImageFormatException(
            $"The image has no manifest for {platform}; it is built for {(available.Count == 0 ? "no named platform" : string.Join(", ", available))}. "
            + "Choose another image or tag, or ask for one of those platforms.");
    }
}
