using System.Collections.Immutable;
using System.Text.RegularExpressions;
using MiniDocker.Cgroups;
using MiniDocker.Execution;
using MiniDocker.Namespaces;
using MiniDocker.Security.Capabilities;
using MiniDocker.Security.Seccomp;
using MiniDocker.Spec;

namespace MiniDocker.Containers;

/// <summary>
/// Describes a container step by step. Each <c>With…</c> returns a new builder and leaves this one
/// unchanged, so a base configuration can be shared and specialised. <see cref="Build"/> validates
/// everything before anything is created; <see cref="StartAsync"/> builds and starts.
/// </summary>
/// <remarks>
/// With no calls at all the container runs <c>/bin/sh</c> on the host's root filesystem, read-only,
/// with private <c>/proc</c>, <c>/dev</c>, <c>/sys</c> and <c>/tmp</c>, in new PID, mount, UTS, IPC and
/// network namespaces.
/// </remarks>
public sealed partial class ContainerBuilder
{
    /// <summary>The PATH a container gets when its environment does not set one (Docker's).</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private const ulong DefaultNoFileSoft = 1024, DefaultNoFileHard = 524288;

    /// <summary>Docker's masked paths: kernel data a container has no business reading.</summary>
    public static readonly IReadOnlyList<string> DefaultMaskedPaths =
    [
        "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
        "/sys/devices/virtual/powercap",
    ];

    /// <summary>Docker's read-only paths: kernel settings a container must not change.</summary>
    public static readonly IReadOnlyList<string> DefaultReadonlyPaths =
    [
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
    ];

    private static readonly ImmutableArray<NamespaceType> DefaultNamespaces =
        [NamespaceType.Pid, NamespaceType.Mount, NamespaceType.Uts, NamespaceType.Ipc, NamespaceType.Network];

    private readonly ContainerEngine? _engine;
    private readonly Settings _settings;

    /// <summary>Creates a builder that is not bound to an engine: it can build, explain and export a specification.</summary>
    public ContainerBuilder() : this(null, new Settings())
    {
    }

    internal ContainerBuilder(ContainerEngine? engine) : this(engine, new Settings())
    {
    }

    private ContainerBuilder(ContainerEngine? engine, Settings settings)
    {
        _engine = engine;
        _settings = settings;
    }

    /// <summary>Names the container; names are unique per engine root directory.</summary>
    public ContainerBuilder WithName(string name) => With(_settings with { Name = name });

    /// <summary>Uses a directory on the host as the root filesystem.</summary>
    public ContainerBuilder WithRootfs(string path) => With(_settings with { Rootfs = path, HostRootfs = false });

    /// <summary>Uses the host's own <c>/</c>, read-only, with private <c>/tmp</c>, <c>/proc</c>, <c>/dev</c> and <c>/sys</c>: needs no image.</summary>
    public ContainerBuilder WithHostRootfs() => With(_settings with { Rootfs = "/", HostRootfs = true });

    /// <summary>Sets the program and its arguments. A program without a slash is looked up in the container's PATH.</summary>
    public ContainerBuilder WithCommand(params string[] command) => With(_settings with { Command = [.. command], CommandSet = true });

    /// <summary>Sets one environment variable (the container gets nothing of the host's environment).</summary>
    public ContainerBuilder WithEnvironment(string name, string value) =>
        With(_settings with { Environment = _settings.Environment.SetItem(name, value) });

    /// <summary>Sets several environment variables.</summary>
    public ContainerBuilder WithEnvironment(IReadOnlyDictionary<string, string> variables) =>
        With(_settings with { Environment = _settings.Environment.SetItems(variables) });

    /// <summary>Sets the absolute working directory inside the container; it is created when missing.</summary>
    public ContainerBuilder WithWorkingDirectory(string path) => With(_settings with { WorkingDirectory = path, WorkingDirectorySet = true });

    /// <summary>Runs the program as this uid, gid and supplementary groups.</summary>
    public ContainerBuilder WithUser(uint uid, uint gid, params uint[] groups) =>
        With(_settings with { Uid = uid, Gid = gid, Groups = [.. groups], UserName = null, UserSet = true });

    /// <summary>Sets the hostname (the default is the first 12 characters of the container id).</summary>
    public ContainerBuilder WithHostname(string hostname) => With(_settings with { Hostname = hostname });

    /// <summary>Chooses which namespaces the container has of its own; the others are shared with the host.</summary>
    public ContainerBuilder WithNamespaces(params NamespaceType[] namespaces) =>
        With(_settings with { Namespaces = [.. namespaces.Distinct()] });

    /// <summary>Mounts a host file or directory into the container.</summary>
    public ContainerBuilder WithBindMount(string hostPath, string containerPath, bool readOnly = false) =>
        With(_settings with
        {
            Mounts = _settings.Mounts.Add(new MountSpec
            {
                Destination = containerPath,
                Type = "bind",
                Source = hostPath,
                Options = readOnly ? ["rbind", "ro", "nosuid", "nodev"] : ["rbind", "nosuid", "nodev"],
            }),
        });

    /// <summary>Mounts an empty tmpfs (memory-backed) at a path in the container.</summary>
    /// <param name="containerPath">The absolute path inside the container.</param>
    /// <param name="sizeBytes">The size limit; the kernel's default (half of RAM) when null.</param>
    /// <param name="mode">The permission bits of its root directory, such as 1777 (octal as written by chmod).</param>
    public ContainerBuilder WithTmpfs(string containerPath, long? sizeBytes = null, string mode = "1777")
    {
        var options = ImmutableList.Create("nosuid", "nodev", "mode=" + mode);
        if (sizeBytes is { } size) options = options.Add($"size={size}");
        return With(_settings with
        {
            Mounts = _settings.Mounts.Add(new MountSpec { Destination = containerPath, Type = "tmpfs", Source = "tmpfs", Options = [.. options] }),
            TmpfsSizes = sizeBytes is { } s ? _settings.TmpfsSizes.Add((containerPath, s)) : _settings.TmpfsSizes,
        });
    }

    /// <summary>Makes the root filesystem read-only (the host rootfs always is).</summary>
    public ContainerBuilder WithReadOnlyRootfs(bool readOnly = true) => With(_settings with { ReadOnlyRootfs = readOnly });

    /// <summary>Gives the program a pseudo-terminal from the container's own devpts as stdin, stdout and stderr.</summary>
    public ContainerBuilder WithTty(bool tty = true) => With(_settings with { Tty = tty });

    /// <summary>Makes stdin a pipe the host writes to through <see cref="Container.Stdin"/>; otherwise it is /dev/null.</summary>
    public ContainerBuilder WithStdin(bool open = true) => With(_settings with { OpenStdin = open });

    /// <summary>Keeps a tiny init as PID 1 that reaps orphaned zombies and forwards signals (like <c>docker run --init</c>).</summary>
    public ContainerBuilder WithInit(bool init = true) => With(_settings with { Init = init });

    /// <summary>Lets the container outlive the host process; by default it is killed when the host dies.</summary>
    public ContainerBuilder WithDetached(bool detached = true) => With(_settings with { Detached = detached });

    /// <summary>Sets a resource limit such as <c>RLIMIT_NOFILE</c>.</summary>
    public ContainerBuilder WithRlimit(string type, ulong soft, ulong hard) =>
        With(_settings with { Rlimits = _settings.Rlimits.SetItem(type, (soft, hard)) });

    /// <summary>Sets the capabilities the container's processes may hold (Docker's default set when not called).</summary>
    /// <example><c>.WithCapabilities(CapabilitySet.DockerDefault.Without(Capability.NetRaw))</c></example>
    public ContainerBuilder WithCapabilities(CapabilitySet capabilities) =>
        With(_settings with { Capabilities = capabilities ?? throw new ArgumentNullException(nameof(capabilities)), ProcessCapabilities = null });

    /// <summary>
    /// Sets the seccomp profile (Docker's default when not called); null runs the container
    /// unconfined, as <c>--security-opt seccomp=unconfined</c>. The profile's capability and
    /// architecture conditions are decided for this container when it is built.
    /// </summary>
    public ContainerBuilder WithSeccomp(SeccompProfile? profile) => With(_settings with { Seccomp = profile });

    /// <summary>
    /// Gives the container a host device (as <c>docker run --device</c>): the node is created in its
    /// /dev and the device access list lets it use it with <paramref name="permissions"/> (r, w, m).
    /// </summary>
    public ContainerBuilder WithDevice(string hostPath, string? containerPath = null, string permissions = "rwm")
    {
        var device = HostDevice.Of(hostPath);
        if (permissions.Length == 0 || permissions.Any(c => c is not ('r' or 'w' or 'm')))
            throw new ContainerConfigurationException($"Device permissions \"{permissions}\" must be made of r, w and m.");
        var node = device with { Path = containerPath ?? hostPath };
        var rule = new DeviceRule(true, node.Type[0], node.Major, node.Minor, permissions);
        return With(_settings with { Devices = _settings.Devices.Add((node, rule)) });
    }

    /// <summary>
    /// Runs the container in a user namespace of its own: container uids and gids
    /// 0..<paramref name="size"/>-1 are host ids from <paramref name="hostId"/>, so the container's
    /// root is an unprivileged user on the host. (As root the engine writes the maps itself;
    /// otherwise newuidmap/newgidmap check them against /etc/subuid and /etc/subgid.)
    /// </summary>
    public ContainerBuilder WithUserNamespace(uint hostId, uint size = 65536) =>
        WithUserNamespace([new UserNamespaces.IdMapping(0, hostId, size)], [new UserNamespaces.IdMapping(0, hostId, size)]);

    /// <summary>
    /// Runs the container in a user namespace of its own, mapped to this process's user's first
    /// ranges in /etc/subuid and /etc/subgid (as rootless Podman does).
    /// </summary>
    /// <exception cref="ContainerConfigurationException">The user has no range there.</exception>
    public ContainerBuilder WithUserNamespace()
    {
        var uid = UserNamespaces.SubordinateIds.ForCurrentUser("/etc/subuid");
        var gid = UserNamespaces.SubordinateIds.ForCurrentUser("/etc/subgid");
        if (uid is null || gid is null)
            throw new ContainerConfigurationException($"User {Environment.UserName} has no range in /etc/subuid and /etc/subgid; add one (usermod --add-subuids 100000-165535 --add-subgids 100000-165535 {Environment.UserName}) or give the mapping with WithUserNamespace(hostId).");
        return WithUserNamespace([uid], [gid]);
    }

    /// <summary>Runs the container in a user namespace of its own with these uid and gid maps.</summary>
    public ContainerBuilder WithUserNamespace(IReadOnlyList<UserNamespaces.IdMapping> uidMappings, IReadOnlyList<UserNamespaces.IdMapping> gidMappings) =>
        With(_settings with { UidMappings = [.. uidMappings], GidMappings = [.. gidMappings] });

    /// <summary>
    /// Confines the container's processes with Landlock as well: only the rights the policy grants,
    /// only where it grants them (paths inside the container).
    /// </summary>
    /// <example><c>.WithLandlock(LandlockPolicy.Create().AllowReadExecute("/bin", "/usr", "/lib").AllowRead("/etc").AllowReadWrite("/tmp", "/dev"))</c></example>
    public ContainerBuilder WithLandlock(Security.Landlock.LandlockPolicy policy) => With(_settings with { Landlock = policy });

    /// <summary>Runs the process under an AppArmor profile loaded on the host.</summary>
    /// <exception cref="ContainerConfigurationException">AppArmor is not active on this host (at Build()).</exception>
    public ContainerBuilder WithAppArmorProfile(string profile) => With(_settings with { AppArmorProfile = profile });

    /// <summary>Runs the process with an SELinux label.</summary>
    /// <exception cref="ContainerConfigurationException">SELinux is not active on this host (at Build()).</exception>
    public ContainerBuilder WithSelinuxLabel(string label) => With(_settings with { SelinuxLabel = label });

    /// <summary>
    /// Sets all five capability sets as the OCI specification has them (for example to give a
    /// non-root user an ambient capability); <see cref="WithCapabilities(CapabilitySet)"/> covers the usual case.
    /// </summary>
    public ContainerBuilder WithCapabilities(ProcessCapabilities capabilities) =>
        With(_settings with { ProcessCapabilities = capabilities ?? throw new ArgumentNullException(nameof(capabilities)) });

    /// <summary>Puts the container on a bridge network: a veth, an address, a default route, and /etc/hosts and /etc/resolv.conf of its own.</summary>
    /// <param name="network">A network from <c>engine.Networks.CreateAsync</c>.</param>
    /// <param name="aliases">Extra names the other containers on the network reach this one by.</param>
    public ContainerBuilder WithNetwork(Networks.ContainerNetwork network, params string[] aliases) =>
        With(_settings with { Networks = _settings.Networks.Add(new Networks.NetworkConnection(network ?? throw new ArgumentNullException(nameof(network)), [.. aliases])) });

    /// <summary>Sets the nameservers in the container's /etc/resolv.conf (Docker's <c>--dns</c>); the host's are used otherwise.</summary>
    public ContainerBuilder WithDns(params string[] nameservers)
    {
        foreach (var server in nameservers)
        {
            if (!System.Net.IPAddress.TryParse(server, out _))
                throw new ContainerConfigurationException($"\"{server}\" is not a nameserver address.");
        }
        return With(_settings with { Dns = [.. nameservers] });
    }

    /// <summary>
    /// Shares the network namespace of a running container (Docker's <c>--network container:NAME</c>):
    /// same interfaces, addresses and ports; the two reach each other on localhost.
    /// </summary>
    public ContainerBuilder WithNetworkOf(Container other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Status is not (ContainerStatus.Running or ContainerStatus.Paused))
            throw new ContainerConfigurationException($"Container {other.Name} is not running; its network namespace cannot be shared.");
        return With(_settings with { NetworkNamespacePath = Namespaces.Namespace.ProcPath(other.Pid, NamespaceType.Network) });
    }

    /// <summary>
    /// Publishes a container port on the host (Docker's <c>-p</c>): connections to
    /// <paramref name="hostAddress"/>:<paramref name="hostPort"/> (every address when null, 127.0.0.1
    /// included) reach the container's <paramref name="containerPort"/> on its first network.
    /// </summary>
    public ContainerBuilder WithPublishedPort(int hostPort, int containerPort, Networks.PortProtocol protocol = Networks.PortProtocol.Tcp, string? hostAddress = null) =>
        With(_settings with
        {
            Ports = _settings.Ports.Add(new Networks.PublishedPort(hostPort, containerPort, protocol,
                hostAddress is null ? null : System.Net.IPAddress.TryParse(hostAddress, out var ip) ? ip
                    : throw new ContainerConfigurationException($"\"{hostAddress}\" is not an IP address to publish on."))),
        });

    /// <summary>Sets PR_SET_NO_NEW_PRIVS: setuid programs and file capabilities grant nothing inside the container.</summary>
    public ContainerBuilder WithNoNewPrivileges(bool noNewPrivileges = true) => With(_settings with { NoNewPrivileges = noNewPrivileges });

    /// <summary>
    /// Turns the default confinement off, as <c>docker run --privileged</c>: every capability, no
    /// masked or read-only /proc paths. The namespaces stay.
    /// </summary>
    public ContainerBuilder WithPrivileged(bool privileged = true) => With(_settings with { Privileged = privileged });

    /// <summary>Limits memory; <paramref name="memoryPlusSwapBytes"/> limits memory and swap together (-1: unlimited swap), as Docker's --memory-swap.</summary>
    public ContainerBuilder WithMemoryLimit(long bytes, long? memoryPlusSwapBytes = null) =>
        WithResources(new ResourceLimits { MemoryBytes = bytes, MemorySwapBytes = memoryPlusSwapBytes });

    /// <summary>Sets a soft memory limit the kernel reclaims down to under memory pressure.</summary>
    public ContainerBuilder WithMemoryReservation(long bytes) => WithResources(new ResourceLimits { MemoryReservationBytes = bytes });

    /// <summary>Limits CPU time to a number of cores, such as 0.5 (Docker's --cpus).</summary>
    public ContainerBuilder WithCpuLimit(double cpus) => WithResources(new ResourceLimits { Cpus = cpus });

    /// <summary>Limits CPU time to <paramref name="quotaMicroseconds"/> in every <paramref name="periodMicroseconds"/>.</summary>
    public ContainerBuilder WithCpuQuota(long quotaMicroseconds, long periodMicroseconds = 100_000) =>
        WithResources(new ResourceLimits { CpuQuotaMicroseconds = quotaMicroseconds, CpuPeriodMicroseconds = periodMicroseconds });

    /// <summary>Sets the relative CPU weight in v1 shares (1024 is the default); converted on cgroup v2.</summary>
    public ContainerBuilder WithCpuShares(ulong shares) => WithResources(new ResourceLimits { CpuShares = shares });

    /// <summary>Pins the container to CPUs (and memory nodes), in the kernel's list format such as "0-1".</summary>
    public ContainerBuilder WithCpuset(string cpus, string? mems = null) => WithResources(new ResourceLimits { CpusetCpus = cpus, CpusetMems = mems });

    /// <summary>Limits the number of processes and threads.</summary>
    public ContainerBuilder WithPidsLimit(long limit) => WithResources(new ResourceLimits { PidsLimit = limit });

    /// <summary>Sets the relative block I/O weight (10 to 1000).</summary>
    public ContainerBuilder WithBlockIoWeight(ushort weight) => WithResources(new ResourceLimits { BlockIoWeight = weight });

    /// <summary>Throttles reads and writes on one block device.</summary>
    public ContainerBuilder WithBlockIoLimit(BlockIoDeviceLimit limit) =>
        WithResources(new ResourceLimits { BlockIoDeviceLimits = [.. _settings.Resources.BlockIoDeviceLimits, limit] });

    /// <summary>
    /// Rotates the container's json-file log before it passes <paramref name="maxBytes"/>, keeping
    /// <paramref name="maxFiles"/> files (Docker's <c>--log-opt max-size</c> and <c>max-file</c>); 10 MiB and 3 by default.
    /// </summary>
    public ContainerBuilder WithLogRotation(long maxBytes, int maxFiles = 3)
    {
        if (maxBytes < 0 || (maxBytes > 0 && maxBytes < 4096))
            throw new ContainerConfigurationException($"The log size limit {maxBytes} is too small; give at least 4096 bytes, or 0 for no rotation.");
        if (maxFiles is < 1 or > 1000)
            throw new ContainerConfigurationException($"The log file count {maxFiles} is out of range; give 1 to 1000.");
        return With(_settings with { LogMaxBytes = maxBytes, LogMaxFiles = maxFiles });
    }

    /// <summary>
    /// Makes <see cref="StartAsync"/> return only once the container is ready, as Testcontainers'
    /// <c>WithWaitStrategy</c> does: <c>.WithWaitStrategy(Wait.UntilPortIsListening(80))</c>. A container
    /// that does not become ready in time is removed and the start fails with what it last logged.
    /// </summary>
    public ContainerBuilder WithWaitStrategy(Waiting.WaitStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return With(_settings with { WaitStrategy = _settings.WaitStrategy is { } existing ? existing.And(strategy) : strategy });
    }

    /// <summary>
    /// Starts the container again when its program ends, as <c>docker run --restart</c> does, with
    /// Docker's back-off (100 ms, doubling, at most a minute; back to 100 ms after 10 s of running),
    /// while the engine lives. <see cref="Container.StopAsync"/> and <see cref="Container.KillAsync"/> end it for good.
    /// </summary>
    public ContainerBuilder WithRestartPolicy(RestartPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return With(_settings with { RestartPolicy = policy });
    }

    /// <summary>Sets several limits at once; values left null keep what earlier calls set.</summary>
    public ContainerBuilder WithResources(ResourceLimits limits) => With(_settings with { Resources = _settings.Resources.Merge(limits) });

    /// <summary>Validates the configuration and produces the container's definition; creates nothing.</summary>
    /// <exception cref="ContainerConfigurationException">A setting is invalid; the message says which and why.</exception>
    public ContainerDefinition Build()
    {
        var s = _settings.Image is { } image ? ApplyImage(_settings, image)
            : _settings.UserName is { } user ? WithResolvedUser(_settings, user, [_settings.Rootfs])
            : _settings;
        if (s.Name is { } name && !NamePattern().IsMatch(name))
            throw new ContainerConfigurationException($"The container name \"{name}\" is invalid; use letters, digits, '_', '.' and '-', starting with a letter or digit (as Docker does).");
        if (s.Command.IsEmpty)
            throw new ContainerConfigurationException("The container has no command; give one with WithCommand(...).");
        if (!s.Rootfs.StartsWith('/'))
            throw new ContainerConfigurationException($"The root filesystem path \"{s.Rootfs}\" is relative; give an absolute host path.");
        foreach (var variable in s.Environment.Keys)
        {
            if (variable.Length == 0 || variable.Contains('=', StringComparison.Ordinal))
                throw new ContainerConfigurationException($"The environment variable name \"{variable}\" is empty or contains '='.");
        }
        foreach (var (path, size) in s.TmpfsSizes)
        {
            if (size <= 0)
                throw new ContainerConfigurationException($"The tmpfs size for {path} is {size} bytes; give a positive size or null for the kernel's default.");
        }
        if (s.AppArmorProfile is not null && !Security.Lsm.LinuxSecurityModules.AppArmorEnabled)
            throw new ContainerConfigurationException($"AppArmor profile \"{s.AppArmorProfile}\" was asked for, but AppArmor is not active on this host; drop WithAppArmorProfile or enable AppArmor.");
        if (s.SelinuxLabel is not null && !Security.Lsm.LinuxSecurityModules.SelinuxEnabled)
            throw new ContainerConfigurationException($"SELinux label \"{s.SelinuxLabel}\" was asked for, but SELinux is not active on this host; drop WithSelinuxLabel or enable SELinux.");
        if (s.Landlock is not null && Security.Lsm.LinuxSecurityModules.LandlockAbi == 0)
            throw new ContainerConfigurationException("Landlock was asked for, but this kernel does not have it enabled (it needs Linux 5.13 and landlock in the lsm= list); drop WithLandlock or enable it.");
        if (s.Tty && s.OpenStdin)
            throw new ContainerConfigurationException("WithTty and WithStdin both give the container a stdin; with a terminal, write to Container.Stdin (the terminal) and leave WithStdin off.");

        ResourceLimitsValidator.Validate(s.Resources, HostResources.Current);
        var spec = ToSpec(s);
        SpecValidator.Validate(spec);
        if (!s.Networks.IsEmpty && !(s.Namespaces.IsDefault ? DefaultNamespaces : s.Namespaces).Contains(NamespaceType.Network))
            throw new ContainerConfigurationException("A container on a network needs a network namespace of its own; keep NamespaceType.Network.");
        if (s.Networks.Select(n => n.Network.Name).Distinct().Count() != s.Networks.Count)
            throw new ContainerConfigurationException("The container is put on the same network twice.");
        if (s.NetworkNamespacePath is not null && !s.Networks.IsEmpty)
            throw new ContainerConfigurationException("A container that shares another's network namespace cannot join networks of its own.");
        if (!s.Ports.IsEmpty && s.Networks.IsEmpty)
            throw new ContainerConfigurationException("Publishing a port needs the container on a network; add WithNetwork(...).");
        if (s.Ports.GroupBy(p => (p.HostPort, p.Protocol)).Any(g => g.Count() > 1))
            throw new ContainerConfigurationException("The same host port is published twice.");
        return new ContainerDefinition(spec, s.Name, s.Init, s.Detached, s.OpenStdin, s.Landlock, [.. s.Networks], [.. s.Ports], [.. s.Dns])
        {
            Image = s.Image,
            Labels = s.Labels,
            ExposedPorts = s.ExposedPorts,
            StopSignal = s.StopSignal ?? Signal.SIGTERM,
            LogMaxBytes = s.LogMaxBytes,
            WaitStrategy = s.WaitStrategy,
            RestartPolicy = s.RestartPolicy,
            LogMaxFiles = s.LogMaxFiles,
        };
    }

    /// <summary>
    /// The numbered kernel operations that starting this container will perform, in order —
    /// the same plan the engine executes (and logs at debug level).
    /// </summary>
    public string Explain()
    {
        var definition = Build();
        var imageRoot = _engine is not null && definition.Image is { } image ? ImageRootfs.Plan(image, "/<container state>", _engine.Options.StorageDriver, definition.HasOwnUserNamespace) : null;
        var plan = _engine?.Plan(definition, "<container id>", null, imageRoot)
            ?? SpawnPlanner.ForContainer(definition.Spec, new SpawnOptions(definition.Init, !definition.Detached, Landlock: definition.Landlock));
        return "Host: posix_spawn(stage-0 from a sealed memfd) with fds 0-2 = stdio, 3 = this plan, 4 = sync socket; then in stage-0:\n"
            + plan.Render();
    }

    /// <summary>Builds and starts the container on the engine this builder came from.</summary>
    /// <exception cref="InvalidOperationException">The builder was created without an engine.</exception>
    public Task<Container> StartAsync(CancellationToken cancellationToken = default)
    {
        var engine = _engine ?? throw new InvalidOperationException("This builder has no engine; create it with ContainerEngine.CreateContainer() or pass Build() to ContainerEngine.StartAsync.");
        return engine.StartAsync(Build(), cancellationToken);
    }

    private ContainerBuilder With(Settings settings) => new(_engine, settings);

    private static RuntimeSpec ToSpec(Settings s)
    {
        var namespaces = s.Namespaces.IsDefault ? DefaultNamespaces : s.Namespaces;
        var environment = s.Environment;
        if (!environment.ContainsKey("PATH")) environment = environment.SetItem("PATH", DefaultPath);
        if (!environment.ContainsKey("HOME")) environment = environment.SetItem("HOME", s.Uid == 0 ? "/root" : "/");
        if (s.Tty && !environment.ContainsKey("TERM")) environment = environment.SetItem("TERM", "xterm");
        if (s.Hostname is { } hostname && !environment.ContainsKey("HOSTNAME")) environment = environment.SetItem("HOSTNAME", hostname);

        var mounts = new List<MountSpec>(StandardMounts(namespaces));
        if (s.HostRootfs && !s.Mounts.Any(m => m.Destination == "/tmp"))
            mounts.Add(new MountSpec { Destination = "/tmp", Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "nodev", "mode=1777"] });
        mounts.AddRange(s.Mounts);

        return new RuntimeSpec
        {
            Process = new ProcessSpec
            {
                Terminal = s.Tty,
                User = new UserSpec { Uid = s.Uid, Gid = s.Gid, AdditionalGids = [.. s.Groups] },
                Args = [.. s.Command],
                Env = [.. environment.Select(kv => $"{kv.Key}={kv.Value}")],
                Cwd = s.WorkingDirectory,
                Rlimits = [.. Rlimits(s)],
                Capabilities = s.Privileged ? null : LinuxCapabilitiesSpec.From(s.ProcessCapabilities ?? ProcessCapabilities.ForUser(s.Capabilities, s.Uid)),
                ApparmorProfile = s.AppArmorProfile,
                SelinuxLabel = s.SelinuxLabel,
                NoNewPrivileges = s.NoNewPrivileges,
            },
            Root = new RootSpec { Path = s.Rootfs, Readonly = s.HostRootfs || s.ReadOnlyRootfs },
            Hostname = s.Hostname,
            Mounts = mounts,
            Linux = new LinuxSpec
            {
                Namespaces = [.. namespaces.Concat(s.UidMappings.IsEmpty ? [] : [NamespaceType.User]).Concat(s.NetworkNamespacePath is null ? [] : [NamespaceType.Network]).Distinct()
                    .Select(ns => new LinuxNamespaceSpec { Type = ns.OciName(), Path = ns == NamespaceType.Network ? s.NetworkNamespacePath : null })],
                UidMappings = [.. s.UidMappings.Select(m => new IdMappingSpec { ContainerId = m.ContainerId, HostId = m.HostId, Size = m.Size })],
                GidMappings = [.. s.GidMappings.Select(m => new IdMappingSpec { ContainerId = m.ContainerId, HostId = m.HostId, Size = m.Size })],
                RootfsPropagation = "rprivate",
                Seccomp = s.Privileged || s.Seccomp is null ? null
                    : SeccompPrograms.Resolve(s.Seccomp, s.Capabilities),
                Resources = ResourceLimitsMapping.ToSpec(s.Resources with
                {
                    Devices = s.Privileged ? null : [.. DeviceRule.DefaultAllowed, .. s.Devices.Select(d => d.Rule)],
                }),
                Devices = [.. s.Devices.Select(d => d.Node)],
                MaskedPaths = s.Privileged ? [] : [.. DefaultMaskedPaths],
                ReadonlyPaths = s.Privileged ? [] : [.. DefaultReadonlyPaths],
            },
        };
    }

    // Docker's default mounts; /sys is mounted only with a network namespace of the
    // container's own, since sysfs shows the network devices of the mounting namespace.
    private static IEnumerable<MountSpec> StandardMounts(ImmutableArray<NamespaceType> namespaces)
    {
        yield return new MountSpec { Destination = "/proc", Type = "proc", Source = "proc", Options = ["nosuid", "noexec", "nodev"] };
        yield return new MountSpec { Destination = "/dev", Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "strictatime", "mode=755", "size=65536k"] };
        yield return new MountSpec { Destination = "/dev/pts", Type = "devpts", Source = "devpts", Options = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] };
        yield return new MountSpec { Destination = "/dev/shm", Type = "tmpfs", Source = "shm", Options = ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] };
        if (namespaces.Contains(NamespaceType.Ipc))
            yield return new MountSpec { Destination = "/dev/mqueue", Type = "mqueue", Source = "mqueue", Options = ["nosuid", "noexec", "nodev"] };
        yield return new MountSpec
        {
            Destination = "/sys",
            Type = namespaces.Contains(NamespaceType.Network) ? "sysfs" : "bind",
            Source = namespaces.Contains(NamespaceType.Network) ? "sysfs" : "/sys",
            Options = namespaces.Contains(NamespaceType.Network) ? ["nosuid", "noexec", "nodev", "ro"] : ["rbind", "nosuid", "noexec", "nodev", "ro"],
        };
    }

    private static IEnumerable<RlimitSpec> Rlimits(Settings s)
    {
        var rlimits = s.Rlimits;
        if (!rlimits.ContainsKey("RLIMIT_NOFILE"))
        {
            var hostHard = HostNoFileHardLimit();
            rlimits = rlimits.SetItem("RLIMIT_NOFILE", (Math.Min(DefaultNoFileSoft, hostHard), Math.Min(DefaultNoFileHard, hostHard)));
        }
        return rlimits.Select(r => new RlimitSpec { Type = r.Key, Soft = r.Value.Soft, Hard = r.Value.Hard });
    }

    // Without CAP_SYS_RESOURCE a hard limit can only go down, so the default follows the host's.
    private static ulong HostNoFileHardLimit() =>
        Interop.Libc.GetRlimit(Execution.Rlimits.NoFile, out var limit) == 0 ? limit.Max : DefaultNoFileHard;

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex NamePattern();

    private sealed record Settings
    {
        public string? Name { get; init; }
        public string Rootfs { get; init; } = "/";
        public bool HostRootfs { get; init; } = true;
        public ImmutableArray<string> Command { get; init; } = ["/bin/sh"];
        public ImmutableSortedDictionary<string, string> Environment { get; init; } = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);
        public string WorkingDirectory { get; init; } = "/";
        public uint Uid { get; init; }
        public uint Gid { get; init; }
        public ImmutableArray<uint> Groups { get; init; } = [];
        public string? Hostname { get; init; }
        public ImmutableArray<NamespaceType> Namespaces { get; init; }
        public ImmutableList<MountSpec> Mounts { get; init; } = [];
        public ImmutableList<(string Path, long Size)> TmpfsSizes { get; init; } = [];
        public bool ReadOnlyRootfs { get; init; }
        public bool Tty { get; init; }
        public bool OpenStdin { get; init; }
        public bool Init { get; init; }
        public bool Detached { get; init; }
        public ResourceLimits Resources { get; init; } = ResourceLimits.Empty;
        public CapabilitySet Capabilities { get; init; } = CapabilitySet.DockerDefault;
        public ProcessCapabilities? ProcessCapabilities { get; init; }
        public SeccompProfile? Seccomp { get; init; } = SeccompProfile.DockerDefault;
        public bool NoNewPrivileges { get; init; }
        public bool Privileged { get; init; }
        public ImmutableList<(DeviceSpec Node, DeviceRule Rule)> Devices { get; init; } = [];
        public ImmutableArray<UserNamespaces.IdMapping> UidMappings { get; init; } = [];
        public Security.Landlock.LandlockPolicy? Landlock { get; init; }
        public ImmutableList<Networks.NetworkConnection> Networks { get; init; } = [];
        public ImmutableList<Networks.PublishedPort> Ports { get; init; } = [];
        public string? NetworkNamespacePath { get; init; }
        public ImmutableArray<string> Dns { get; init; } = [];
        public string? AppArmorProfile { get; init; }
        public string? SelinuxLabel { get; init; }
        public ImmutableArray<UserNamespaces.IdMapping> GidMappings { get; init; } = [];
        public bool CommandSet { get; init; }
        public bool WorkingDirectorySet { get; init; }
        public bool UserSet { get; init; }
        public string? UserName { get; init; }
        public ImmutableArray<string>? Entrypoint { get; init; }
        public Images.Image? Image { get; init; }
        public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);
        public ImmutableArray<string> ExposedPorts { get; init; } = [];
        public Signal? StopSignal { get; init; }
        public long LogMaxBytes { get; init; } = 10 << 20;
        public Waiting.WaitStrategy? WaitStrategy { get; init; }
        public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.No;
        public int LogMaxFiles { get; init; } = 3;
        public ImmutableSortedDictionary<string, (ulong Soft, ulong Hard)> Rlimits { get; init; } = ImmutableSortedDictionary<string, (ulong Soft, ulong Hard)>.Empty.WithComparers(StringComparer.Ordinal);
    }
}
