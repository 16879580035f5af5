namespace MiniDocker.Server;

/// <summary>How the server listens and what it allows.</summary>
internal sealed record ServerOptions
{
    /// <summary>The unix socket to serve on (created 0660).</summary>
    public required string Socket { get; init; }

    /// <summary>The group that owns the socket, or null to keep root's.</summary>
    public string? Group { get; init; }

    /// <summary>The engine root (MINIDOCKER_ROOT, else the library's default).</summary>
    public string? Root { get; init; }

    /// <summary>Whether a container may ask for --privileged.</summary>
    public bool AllowPrivileged { get; init; }

    /// <summary>Reads <c>--socket PATH [--group NAME] [--root DIR] [--allow-privileged]</c>.</summary>
    /// <exception cref="ArgumentException">An option is unknown or lacks its value.</exception>
    public static ServerOptions Parse(string[] args)
    {
        string? socket = null, group = null, root = Environment.GetEnvironmentVariable("MINIDOCKER_ROOT");
        bool privileged = false;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--socket": socket = Value(); break;
                case "--group": group = Value(); break;
                case "--root": root = Value(); break;
                case "--allow-privileged": privileged = true; break;
                default: throw new ArgumentException($"Unknown option {args[i]}; use --socket PATH [--group NAME] [--root DIR] [--allow-privileged].");
            }
        }
        return new ServerOptions { Socket = socket ?? "/run/minidocker.sock", Group = group, Root = root, AllowPrivileged = privileged };
    }
}
