using System.Runtime.InteropServices;

namespace MiniDocker.Security.Seccomp;

/// <summary>What each architecture is called and numbered.</summary>
public static class SeccompArchitectures
{
    /// <summary>The architecture of this process.</summary>
    public static SeccompArchitecture Current => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => SeccompArchitecture.X86_64,
        Architecture.Arm64 => SeccompArchitecture.AArch64,
        var other => throw new PlatformNotSupportedException($"Seccomp filters are compiled for x86-64 and arm64, not {other}."),
    };

    /// <summary>The AUDIT_ARCH_* value the kernel puts in seccomp_data.arch.</summary>
    public static uint AuditArch(this SeccompArchitecture architecture) => architecture switch
    {
        SeccompArchitecture.X86_64 => 0xC000003E,
        SeccompArchitecture.AArch64 => 0xC00000B7,
        _ => throw new ArgumentOutOfRangeException(nameof(architecture)),
    };

    /// <summary>The name Docker profiles use in includes/excludes (Go's GOARCH).</summary>
    public static string GoName(this SeccompArchitecture architecture) => architecture == SeccompArchitecture.X86_64 ? "amd64" : "arm64";

    /// <summary>The name in a profile's <c>architectures</c> list.</summary>
    public static string ScmpName(this SeccompArchitecture architecture) =>
        architecture == SeccompArchitecture.X86_64 ? "SCMP_ARCH_X86_64" : "SCMP_ARCH_AARCH64";

    /// <summary>Syscall numbers by name.</summary>
    public static IReadOnlyDictionary<string, int> Syscalls(this SeccompArchitecture architecture) =>
        architecture == SeccompArchitecture.X86_64 ? SyscallTables.X86_64 : SyscallTables.AArch64;
}
