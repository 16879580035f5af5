namespace MiniDocker.Spec;

/// <summary>A device node to create in the container (<c>linux.devices[]</c>).</summary>
public sealed record DeviceSpec
{
    /// <summary>The absolute path inside the container.</summary>
    public string Path { get; init; } = "";

    /// <summary><c>c</c> (character), <c>b</c> (block) or <c>p</c> (FIFO).</summary>
    public string Type { get; init; } = "c";

    /// <summary>The major number.</summary>
    public uint Major { get; init; }

    /// <summary>The minor number.</summary>
    public uint Minor { get; init; }

    /// <summary>The permission bits; 0666 when unset.</summary>
    public uint? FileMode { get; init; }
}
