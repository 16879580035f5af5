namespace MiniDocker.Execution;

/// <summary>The RLIMIT_* resources by the names the OCI specification uses.</summary>
internal static class Rlimits
{
    private static readonly string[] Names =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
        "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
        "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    public const int NoFile = 7;

    public static IReadOnlyList<string> All => Names;

    /// <summary>The resource number, or -1 for a name the kernel does not have.</summary>
    public static int Resource(string name) => Array.IndexOf(Names, name);
}
