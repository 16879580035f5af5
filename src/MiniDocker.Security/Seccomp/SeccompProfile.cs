namespace MiniDocker.Security.Seccomp;

/// <summary>
/// A seccomp profile with the meaning of Docker's and the OCI specification's JSON: a default
/// action, and rules that give other actions to named syscalls, optionally only for some
/// argument values, capabilities, architectures or kernels. Compile it with <see cref="Compile"/>.
/// </summary>
public sealed record SeccompProfile
{
    private static readonly Lazy<SeccompProfile> LazyDockerDefault = new(LoadDockerDefault);

    /// <summary>What happens to every syscall no rule matches.</summary>
    public SeccompAction DefaultAction { get; init; } = SeccompAction.Errno;

    /// <summary>The errno of an <see cref="SeccompAction.Errno"/> default action; EPERM when null.</summary>
    public uint? DefaultErrnoRet { get; init; }

    /// <summary>The architectures the profile is written for (SCMP_ARCH_* names); informational here.</summary>
    public IReadOnlyList<string> Architectures { get; init; } = [];

    /// <summary>The rules, in order: for one syscall, the first rule whose conditions hold decides.</summary>
    public IReadOnlyList<SeccompRule> Syscalls { get; init; } = [];

    /// <summary>
    /// Docker's default profile (moby/profiles, shipped in this package): syscalls that can
    /// change the host, load kernel code or escape namespaces are refused with EPERM unless the
    /// container holds the capability that would make them legitimate.
    /// </summary>
    public static SeccompProfile DockerDefault => LazyDockerDefault.Value;

    /// <summary>Reads a profile in Docker's or the OCI specification's JSON format.</summary>
    /// <exception cref="SeccompProfileException">The profile is malformed; the message names the entry.</exception>
    public static SeccompProfile Parse(string json) => SeccompProfileParser.Parse(json);

    /// <summary>Reads a profile file in Docker's or the OCI specification's JSON format.</summary>
    public static SeccompProfile Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Compiles the profile into a BPF program for one architecture and one set of capabilities.</summary>
    public SeccompFilter Compile(SeccompCompileOptions? options = null) => SeccompCompiler.Compile(this, options ?? new SeccompCompileOptions());

    /// <summary>
    /// The rules that apply to a container with these options, with the includes/excludes
    /// conditions evaluated away (the form the OCI specification carries).
    /// </summary>
    public SeccompProfile Resolve(SeccompCompileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return this with
        {
            Syscalls = [.. Syscalls.Where(r => SeccompCompiler.Applies(r, options)).Select(r => r with { Includes = new(), Excludes = new() })],
        };
    }

    private static SeccompProfile LoadDockerDefault()
    {
        using var stream = typeof(SeccompProfile).Assembly.GetManifestResourceStream("MiniDocker.Security.Seccomp.docker-default.json")
            ?? throw new InvalidOperationException("The embedded Docker default seccomp profile is missing from MiniDocker.Security.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
