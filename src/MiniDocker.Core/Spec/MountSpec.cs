namespace MiniDocker.Spec;

/// <summary>One mount inside the container (<c>mounts[]</c>).</summary>
public sealed record MountSpec
{
    /// <summary>The absolute path inside the container.</summary>
    public string Destination { get; init; } = "";

    /// <summary>The filesystem type (<c>proc</c>, <c>tmpfs</c>, <c>bind</c> ...).</summary>
    public string? Type { get; init; }

    /// <summary>The device, host path or filesystem-specific source.</summary>
    public string? Source { get; init; }

    /// <summary>mount(8)-style options: flags such as <c>ro</c> or <c>nosuid</c>, and data such as <c>size=64k</c>.</summary>
    public IList<string> Options { get; init; } = [];
}
