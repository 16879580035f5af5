namespace MiniDocker.Spec;

/// <summary>The process a container runs (<c>process</c> in config.json).</summary>
public sealed record ProcessSpec
{
    /// <summary>Whether the process gets a pseudo-terminal as its stdio.</summary>
    public bool Terminal { get; init; }

    /// <summary>The user and groups the process runs as.</summary>
    public UserSpec User { get; init; } = new();

    /// <summary>The program and its arguments; the first element is looked up in <c>PATH</c> when it has no slash.</summary>
    public IList<string> Args { get; init; } = [];

    /// <summary>The environment, as <c>NAME=value</c> strings; nothing of the host's is added.</summary>
    public IList<string> Env { get; init; } = [];

    /// <summary>The absolute working directory inside the container.</summary>
    public string Cwd { get; init; } = "/";

    /// <summary>Resource limits set before the program starts.</summary>
    public IList<RlimitSpec> Rlimits { get; init; } = [];

    /// <summary>The capability sets; null keeps every capability the runtime has (a privileged container).</summary>
    public LinuxCapabilitiesSpec? Capabilities { get; init; }

    /// <summary>The AppArmor profile the process runs under.</summary>
    public string? ApparmorProfile { get; init; }

    /// <summary>The SELinux label the process runs with.</summary>
    public string? SelinuxLabel { get; init; }

    /// <summary>Whether <c>PR_SET_NO_NEW_PRIVS</c> is set, so setuid binaries cannot gain privileges.</summary>
    public bool NoNewPrivileges { get; init; }
}
