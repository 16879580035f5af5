namespace MiniDocker.Security.Seccomp;

/// <summary>The architectures MiniDocker compiles filters for.</summary>
public enum SeccompArchitecture
{
    /// <summary>x86-64 (AUDIT_ARCH_X86_64); the x32 ABI is refused.</summary>
    X86_64,

    /// <summary>64-bit ARM (AUDIT_ARCH_AARCH64).</summary>
    AArch64,
}
