using MiniDocker.Spec;

namespace MiniDocker.Containers;

/// <summary>
/// A validated, immutable description of a container: the OCI runtime specification plus the
/// engine-level choices the specification has no field for. Made by <see cref="ContainerBuilder.Build"/>.
/// </summary>
public sealed record ContainerDefinition
{
    internal ContainerDefinition(RuntimeSpec spec, string? name, bool init, bool detached, bool openStdin,
        Security.Landlock.LandlockPolicy? landlock = null, IReadOnlyList<Networks.NetworkConnection>? networks = null,
        IReadOnlyList<Networks.PublishedPort>? ports = null, IReadOnlyList<string>? dns = null)
    {
        Dns = dns ?? [];
        Networks = networks ?? [];
        PublishedPorts = ports ?? [];
        Landlock = landlock;
        Spec = spec;
        Name = name;
        Init = init;
        Detached = detached;
        OpenStdin = openStdin;
    }

    /// <summary>The OCI runtime specification the container runs.</summary>
    public RuntimeSpec Spec { get; }

    /// <summary>The requested name, or null for one derived from the container id.</summary>
    public string? Name { get; }

    /// <summary>Whether stage-0 stays as PID 1 to reap zombies and forward signals.</summary>
    public bool Init { get; }

    /// <summary>Whether the container keeps running when the host process dies.</summary>
    public bool Detached { get; }

    /// <summary>The networks the container joins (engine-level: bridges, addresses and hosts files are the engine's).</summary>
    public IReadOnlyList<Networks.NetworkConnection> Networks { get; }

    /// <summary>Nameservers for the container's /etc/resolv.conf; the host's when empty.</summary>
    public IReadOnlyList<string> Dns { get; }

    /// <summary>Host ports forwarded to the container (through its first network).</summary>
    public IReadOnlyList<Networks.PublishedPort> PublishedPorts { get; }

    /// <summary>The Landlock policy confining the container's processes, if any (the OCI specification has no field for it).</summary>
    public Security.Landlock.LandlockPolicy? Landlock { get; }

    /// <summary>Whether the container's stdin is a pipe the host can write to.</summary>
    public bool OpenStdin { get; }

    /// <summary>The image the container's root filesystem is made from, or null for a host directory.</summary>
    public Images.Image? Image { get; init; }

    /// <summary>Labels: the image's, then the builder's on top.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The ports the image declares (<c>80/tcp</c>, <c>53/udp</c>); declared, not published.</summary>
    public IReadOnlyList<string> ExposedPorts { get; init; } = [];

    /// <summary>The size at which the json-file log is rotated; 0 never rotates it.</summary>
    public long LogMaxBytes { get; init; } = 10 << 20;

    /// <summary>How many log files are kept, the current one included.</summary>
    public int LogMaxFiles { get; init; } = 3;

    /// <summary>What must hold before <see cref="ContainerEngine.StartAsync"/> returns the container as started; null waits for nothing.</summary>
    public Waiting.WaitStrategy? WaitStrategy { get; init; }

    /// <summary>Whether and when the container is started again after its program ends.</summary>
    public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.No;

    internal bool HasOwnUserNamespace => Spec.Linux?.Namespaces.Any(n => n.Type == "user" && string.IsNullOrEmpty(n.Path)) ?? false;

    /// <summary>The signal <see cref="Container.StopAsync"/> sends first: the image's StopSignal, or SIGTERM.</summary>
    public Signal StopSignal { get; init; } = Signal.SIGTERM;
}
