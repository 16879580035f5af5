using System.Runtime.InteropServices;

namespace MiniDocker.Images;

/// <summary>The operating system and CPU an image was built for, as an index entry names them.</summary>
public sealed record Platform
{
    /// <summary>The CPU architecture in Go's naming: <c>amd64</c>, <c>arm64</c>, <c>arm</c> ...</summary>
    public string Architecture { get; init; } = "";

    /// <summary>The operating system: <c>linux</c> for every image MiniDocker can run.</summary>
    public string Os { get; init; } = "";

    /// <summary>The CPU variant, such as <c>v8</c> for arm64 or <c>v7</c> for arm; optional.</summary>
    public string? Variant { get; init; }

    /// <summary>The platform this process runs on.</summary>
    public static Platform Current { get; } = new()
    {
        Os = "linux",
        Architecture = RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => "amd64",
            System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
            System.Runtime.InteropServices.Architecture.Arm => "arm",
            System.Runtime.InteropServices.Architecture.X86 => "386",
            var other => other.ToString().ToLowerInvariant(),
        },
    };

    /// <summary>
    /// Whether an index entry for <paramref name="candidate"/> can serve this platform: OS and architecture equal,
    /// and the variant equal when both name one (arm64's <c>v8</c> is what an entry without a variant means).
    /// </summary>
    public bool Matches(Platform candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (!string.Equals(Os, candidate.Os, StringComparison.Ordinal) || !string.Equals(Architecture, candidate.Architecture, StringComparison.Ordinal))
            return false;
        return Variant is null || candidate.Variant is null || NormalisedVariant(this) == NormalisedVariant(candidate);
    }

    /// <summary>The form Docker prints: <c>linux/arm64/v8</c>.</summary>
    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";

    private static string? NormalisedVariant(Platform platform) =>
        platform.Architecture == "arm64" && platform.Variant is null ? "v8" : platform.Variant;
}
