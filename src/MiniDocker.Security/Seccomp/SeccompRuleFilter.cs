namespace MiniDocker.Security.Seccomp;

/// <summary>
/// When a rule of a Docker profile applies (<c>includes</c>) or does not (<c>excludes</c>): by the
/// container's capabilities, by architecture (Go names such as amd64, arm64), by kernel version.
/// </summary>
public sealed record SeccompRuleFilter
{
    /// <summary>Capabilities, as CAP_ names.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>Architectures, as Go names: amd64, x86, x32, arm64, arm …</summary>
    public IReadOnlyList<string> Architectures { get; init; } = [];

    /// <summary>The lowest kernel version (includes only), such as "4.8".</summary>
    public string? MinKernel { get; init; }

    /// <summary>Whether nothing is required.</summary>
    public bool IsEmpty => Capabilities.Count == 0 && Architectures.Count == 0 && MinKernel is null;
}
