using MiniDocker.Security.Seccomp;

namespace MiniDocker.Spec;

/// <summary>The seccomp filter of the container (<c>linux.seccomp</c>), in the OCI specification's form: no includes or excludes.</summary>
public sealed record LinuxSeccompSpec
{
    /// <summary>The action for syscalls no rule matches (SCMP_ACT_*).</summary>
    public string DefaultAction { get; init; } = "SCMP_ACT_ERRNO";

    /// <summary>The errno of an SCMP_ACT_ERRNO default action.</summary>
    public uint? DefaultErrnoRet { get; init; }

    /// <summary>The architectures (SCMP_ARCH_*).</summary>
    public IList<string> Architectures { get; init; } = [];

    /// <summary>The rules.</summary>
    public IList<LinuxSyscallSpec> Syscalls { get; init; } = [];

    /// <summary>The specification's form of a profile already resolved for the container.</summary>
    public static LinuxSeccompSpec From(SeccompProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new LinuxSeccompSpec
        {
            DefaultAction = SeccompNames.Action(profile.DefaultAction),
            DefaultErrnoRet = profile.DefaultErrnoRet,
            Architectures = [.. profile.Architectures],
            Syscalls = [.. profile.Syscalls.Select(rule => new LinuxSyscallSpec
            {
                Names = [.. rule.Names],
                Action = SeccompNames.Action(rule.Action),
                ErrnoRet = rule.ErrnoRet,
                Args = [.. rule.Arguments.Select(a => new LinuxSeccompArgSpec { Index = a.Index, Value = a.Value, ValueTwo = a.ValueTwo, Op = SeccompNames.Operator(a.Operator) })],
            })],
        };
    }

    /// <summary>The profile this describes.</summary>
    /// <exception cref="SeccompProfileException">An action, operator or syscall is not valid.</exception>
    public SeccompProfile ToProfile() => SeccompProfile.Parse(System.Text.Json.JsonSerializer.Serialize(this, RuntimeSpecJsonContext.Default.LinuxSeccompSpec));
}

/// <summary>One seccomp rule (<c>linux.seccomp.syscalls[]</c>).</summary>
public sealed record LinuxSyscallSpec
{
    /// <summary>The syscall names.</summary>
    public IList<string> Names { get; init; } = [];

    /// <summary>The action (SCMP_ACT_*).</summary>
    public string Action { get; init; } = "";

    /// <summary>The errno for SCMP_ACT_ERRNO.</summary>
    public uint? ErrnoRet { get; init; }

    /// <summary>Argument conditions, all of which must hold.</summary>
    public IList<LinuxSeccompArgSpec> Args { get; init; } = [];
}

/// <summary>One argument condition.</summary>
public sealed record LinuxSeccompArgSpec
{
    /// <summary>The argument, 0 to 5.</summary>
    public uint Index { get; init; }

    /// <summary>The value (the mask for SCMP_CMP_MASKED_EQ).</summary>
    public ulong Value { get; init; }

    /// <summary>The second value (what the masked argument must equal).</summary>
    public ulong ValueTwo { get; init; }

    /// <summary>The operator (SCMP_CMP_*).</summary>
    public string Op { get; init; } = "";
}
