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

    /// <summary>A TCP endpoint to serve on too (<c>127.0.0.1:2375</c>), which needs <see cref="Token"/>.</summary>
    public System.Net.IPEndPoint? Tcp { get; init; }

    /// <summary>The bearer token TCP clients must send (<c>Authorization: Bearer ...</c>).</summary>
    public string? Token { get; init; }

    /// <summary>Reads <c>--socket PATH [--group NAME] [--root DIR] [--allow-privileged] [--tcp ADDRESS:PORT --token TOKEN [--tcp-beyond-loopback]]</c>.</summary>
    /// <exception cref="ArgumentException">An option is unknown or lacks its value, or TCP is asked for unsafely.</exception>
    public static ServerOptions Parse(string[] args)
    {
        string? socket = null, group = null, root = Environment.GetEnvironmentVariable("MINIDOCKER_ROOT"), tcp = null, token = null;
        bool privileged = false, beyondLoopback = false;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--socket": socket = Value(); break;
                case "--group": group = Value(); break;
                case "--root": root = Value(); break;
                case "--allow-privileged": privileged = true; break;
                case "--tcp": tcp = Value(); break;
                case "--token": token = Value(); break;
                case "--tcp-beyond-loopback": beyondLoopback = true; break;
                default: throw new ArgumentException($"Unknown option {args[i]}; use --socket PATH [--group NAME] [--root DIR] [--allow-privileged] [--tcp ADDRESS:PORT --token TOKEN].");
            }
        }
        System.Net.IPEndPoint? endpoint = null;
        if (tcp is not null)
        {
            if (!System.Net.IPEndPoint.TryParse(tcp, out endpoint) || endpoint.Port == 0)
                throw new ArgumentException($"--tcp {tcp} is not ADDRESS:PORT, such as 127.0.0.1:2375.");
            if (string.IsNullOrEmpty(token) || token.Length < 16)
                throw new ArgumentException("--tcp needs --token with at least 16 characters: the API runs containers as root, so a TCP client must prove who it is.");
            if (!System.Net.IPAddress.IsLoopback(endpoint.Address) && !beyondLoopback)
                throw new ArgumentException($"--tcp {tcp} is not a loopback address; add --tcp-beyond-loopback if other machines must reach the API.");
        }
        return new ServerOptions { Socket = socket ?? "/run/minidocker.sock", Group = group, Root = root, AllowPrivileged = privileged, Tcp = endpoint, Token = token };
    }
}
