using MiniDocker.Storage;

namespace MiniDocker.Images;

/// <summary>An image in the engine's store: its manifest, its config, and the names it goes by.</summary>
public sealed record Image
{
    /// <summary>The image id, as Docker shows it: the digest of its config.</summary>
    public required Digest Id { get; init; }

    /// <summary>The digest of its manifest: what <c>name@digest</c> pins.</summary>
    public required Digest ManifestDigest { get; init; }

    /// <summary>The manifest: config and layer descriptors.</summary>
    public required ImageManifest Manifest { get; init; }

    /// <summary>The config: how to run it (entrypoint, environment, user...) and its layers' diff ids.</summary>
    public required ImageConfig Config { get; init; }

    /// <summary>The references that name it, such as <c>docker.io/library/busybox:latest</c>.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary><c>repository@digest</c> forms it was pulled or pushed as.</summary>
    public IReadOnlyList<string> RepoDigests { get; init; } = [];

    /// <summary>The bytes of its config and compressed layers, as a registry serves them.</summary>
    public long Size => Manifest.Config.Size + Manifest.Layers.Sum(l => l.Size);

    /// <summary>The layers' chain ids, bottom first.</summary>
    public IReadOnlyList<Digest> ChainIds => Layers.ChainId.For(Config.RootFs.DiffIds);

    /// <summary>The unpacked layers, top first, as overlayfs wants its lower directories.</summary>
    internal IReadOnlyList<string> LayerDirectories { get; init; } = [];
}
