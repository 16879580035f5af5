namespace MiniDocker.Spec;

/// <summary>The container's root filesystem (<c>root</c>).</summary>
public sealed record RootSpec
{
    /// <summary>The absolute host path of the root filesystem.</summary>
    public string Path { get; init; } = "";

    /// <summary>Whether the root filesystem (and every mount below its source) is read-only.</summary>
    public bool Readonly { get; init; }
}
