using MiniDocker.Security.Capabilities;

namespace MiniDocker.Security.Seccomp;

/// <summary>What a profile is compiled for: the rules' includes and excludes are decided by these.</summary>
public sealed record SeccompCompileOptions
{
    /// <summary>The architecture; this process's by default.</summary>
    public SeccompArchitecture Architecture { get; init; } = SeccompArchitectures.Current;

    /// <summary>The capabilities the confined process may hold (its bounding set); Docker's default set by default.</summary>
    public CapabilitySet Capabilities { get; init; } = CapabilitySet.DockerDefault;

    /// <summary>The kernel version for minKernel conditions; the running kernel's by default.</summary>
    public Version KernelVersion { get; init; } = RunningKernel();

    private static Version RunningKernel()
    {
        var release = Environment.OSVersion.Version;
        return release.Major > 0 ? new Version(release.Major, Math.Max(release.Minor, 0)) : new Version(0, 0);
    }
}
