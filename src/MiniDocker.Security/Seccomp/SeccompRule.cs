namespace MiniDocker.Security.Seccomp;

/// <summary>One entry of a profile's <c>syscalls</c>: what happens to the named syscalls when the argument conditions all hold.</summary>
public sealed record SeccompRule
{
    /// <summary>The syscall names.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>The action.</summary>
    public SeccompAction Action { get; init; }

    /// <summary>The errno for <see cref="SeccompAction.Errno"/> (EPERM when null), or the data for <see cref="SeccompAction.Trace"/>.</summary>
    public uint? ErrnoRet { get; init; }

    /// <summary>Conditions that must all hold; none means always.</summary>
    public IReadOnlyList<SeccompArgumentCondition> Arguments { get; init; } = [];

    /// <summary>When the rule applies at all (Docker profiles).</summary>
    public SeccompRuleFilter Includes { get; init; } = new();

    /// <summary>When the rule does not apply (Docker profiles).</summary>
    public SeccompRuleFilter Excludes { get; init; } = new();
}
