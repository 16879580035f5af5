using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MiniDocker.Cgroups;
using MiniDocker.Execution;
using MiniDocker.Interop;
using MiniDocker.Logging;
using MiniDocker.Networks;
using MiniDocker.Namespaces;
using MiniDocker.Spec;

namespace MiniDocker.Containers;

/// <summary>
/// Starts and tracks containers inside the host process: no daemon, no shelling out. Disposing
/// the engine stops and removes every container it started.
/// </summary>
public sealed class ContainerEngine : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<ContainerEngine> _logger;
    private readonly ConcurrentDictionary<string, Container> _containers = new(StringComparer.Ordinal);
    private readonly Stage0Launcher _launcher;
    private readonly Lazy<ICgroupDriver> _cgroups;
    private readonly string _cgroupParent;
    private int _disposed;
    private int _deviceWarningGiven;

    /// <summary>Creates an engine.</summary>
    /// <param name="options">Settings; the defaults when null.</param>
    /// <param name="loggerFactory">Where log messages go; nowhere when null.</param>
    public ContainerEngine(MiniDockerOptions? options = null, ILoggerFactory? loggerFactory = null)
        : this(options, loggerFactory, null)
    {
    }

    /// <summary>Creates an engine from options bound through Microsoft.Extensions.Options.</summary>
    public ContainerEngine(IOptions<MiniDockerOptions> options, ILoggerFactory? loggerFactory = null)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value, loggerFactory)
    {
    }

    /// <summary>An engine on a given cgroup driver (tests drive cgroup v2 on a hybrid host this way).</summary>
    internal ContainerEngine(MiniDockerOptions? options, ILoggerFactory? loggerFactory, ICgroupDriver? cgroups)
    {
        Options = options ?? new MiniDockerOptions();
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<ContainerEngine>();
        _launcher = new Stage0Launcher(_logger);
        if (!Path.IsPathFullyQualified(Options.RootDirectory))
            throw new ContainerConfigurationException($"MiniDockerOptions.RootDirectory \"{Options.RootDirectory}\" is relative; give an absolute path.");
        Networks = new ContainerNetworks(Options.RootDirectory);
        Images = new Images.ImageStore(Options.RootDirectory, _loggerFactory, Options.Registry);
        Containers = new ContainerCollection(this);
        try
        {
            foreach (var stale in Networks.RemoveStale()) MiniDockerLog.StaleNetworkRemoved(_logger, stale);
        }
        catch (Exception e)
        {
            // Cleaning up after another engine must not stop this one from starting.
            MiniDockerLog.StaleNetworkCleanupFailed(_logger, e.Message);
        }
        _cgroupParent = Options.CgroupParent.Trim('/');
        if (_cgroupParent.Length == 0 || _cgroupParent.Split('/').Any(p => p is "." or ".."))
            throw new ContainerConfigurationException($"MiniDockerOptions.CgroupParent \"{Options.CgroupParent}\" must name a cgroup such as /minidocker, without . or ..");
        _cgroups = new Lazy<ICgroupDriver>(() =>
        {
            var driver = cgroups ?? CgroupDrivers.Host;
            RemoveStaleCgroups(driver);
            return driver;
        });
        try
        {
            RemoveStaleContainers();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CgroupException)
        {
            // Cleaning up after another engine must not stop this one from starting.
            MiniDockerLog.StaleNetworkCleanupFailed(_logger, e.Message);
        }
    }

    /// <summary>
    /// What a dead engine left: a tied container died with it, so its state, cgroup and name go;
    /// a detached one that has since ended is recorded as exited (it stays until removed, as
    /// Docker keeps exited containers). A directory with no state that is over a minute old is a
    /// start that never finished. Runs once, when the engine is made.
    /// </summary>
    private void RemoveStaleContainers()
    {
        var containers = Path.Combine(Options.RootDirectory, "containers");
        if (!Directory.Exists(containers)) return;
        foreach (var directory in Directory.EnumerateDirectories(containers))
        {
            var id = Path.GetFileName(directory);
            State.ContainerState state;
            if (!File.Exists(Path.Combine(directory, State.ContainerStateFile.FileName)))
            {
                if (Directory.GetCreationTimeUtc(directory) > DateTime.UtcNow.AddMinutes(-1)) continue;
                RemoveStoredAsync(id, null, CancellationToken.None).GetAwaiter().GetResult();
                MiniDockerLog.StaleContainerRemoved(_logger, id);
                continue;
            }
            try
            {
                state = State.ContainerStateFile.Read(directory);
            }
            catch (State.ContainerStateException)
            {
                continue; // listed as Unknown, for the user to remove
            }
            if (state.Status is not ("running" or "paused") || State.ProcessIdentity.IsAlive(state.Pid, state.PidStartTime)) continue;
            if (!state.Detached)
            {
                RemoveStoredAsync(id, state, CancellationToken.None).GetAwaiter().GetResult();
                MiniDockerLog.StaleContainerRemoved(_logger, id);
                continue;
            }
            DeleteCgroupAsync(state.Cgroup).GetAwaiter().GetResult();
            foreach (var network in state.Networks) Networks.Release(network, id);
            PublishedPorts.Release(Options.RootDirectory, id, state.Ports);
            State.ContainerStateFile.Write(directory, State.ContainerStateFile.Ended(state, directory));
        }
    }

    /// <summary>Removes a container that is not live in this engine: its processes and cgroup, its name, its directory.</summary>
    internal async Task RemoveStoredAsync(string id, State.ContainerState? state, CancellationToken cancellationToken)
    {
        await DeleteCgroupAsync(state is { Cgroup.Length: > 0 } ? state.Cgroup : $"{_cgroupParent}/{id}").ConfigureAwait(false);
        if (state is not null)
        {
            foreach (var network in state.Networks) Networks.Release(network, id);
            NameReservation.Release(Options.RootDirectory, state.Name, id);
            PublishedPorts.Release(Options.RootDirectory, id, state.Ports);
        }
        RemoveDirectory(Path.Combine(Options.RootDirectory, "containers", id));
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task DeleteCgroupAsync(string path)
    {
        bool Exists() => _cgroups.Value.Children(Path.GetDirectoryName(path) ?? "").Any(c => c.Name == Path.GetFileName(path));
        if (!Exists()) return;
        try
        {
            await new Cgroup(_cgroups.Value, path).DeleteAsync().ConfigureAwait(false);
        }
        catch (CgroupException) when (!Exists())
        {
            // The engine that ran the container removed it at the same moment.
        }
    }

    /// <summary>
    /// Launches a container's program again (its restart policy): the same specification, id and
    /// cgroup, the image's overlay mounted anew over the same upper directory, its veths made again
    /// with the same addresses.
    /// </summary>
    internal async Task<LaunchedProcess> RelaunchAsync(Container container, CancellationToken cancellationToken)
    {
        var definition = container.Definition;
        // The last run's veths die with its namespace, but not at once: their names are needed now.
        foreach (var attachment in container.Networks) ContainerNetworks.RemoveHostEnd(container.Id, attachment.Index);
        var imageRoot = definition.Image is { } image ? ImageRootfs.Plan(image, container.StateDirectory, Options.StorageDriver, definition.HasOwnUserNamespace) : null;
        var plan = Plan(definition, container.Id, container.Spec, imageRoot);
        ExitRecord.Clear(container.StateDirectory);
        // The kept stdin pipe stays the container's: the launch gets a view of it, not ownership.
        using var stdin = container.StdinForRestarts is { } kept ? new SafeFd(kept.Fd, ownsHandle: false) : OutputFile.OpenNull();
        using var stdout = OutputFile.OpenNull();
        using var stderr = OutputFile.OpenNull();
        return await _launcher.LaunchAsync(plan, new StdioHandles(stdin, stdout, stderr),
            OutsideSetup(container.Spec, plan, container.Cgroup, container.Id, [.. container.Networks], imageRoot), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes charge of a running container another engine started (see <see cref="ContainerCollection.GetAsync"/>).</summary>
    internal Container Reattach(State.ContainerState state, string directory)
    {
        var spec = RuntimeSpec.FromJson(File.ReadAllText(Path.Combine(directory, "config.json")));
        var process = ChildProcess.Open(state.Pid, ExitRecord.Reattach(directory, state.MonitorPid, state.MonitorStartTime));
        // Opened, then checked: a pidfd cannot switch to a process that reuses the pid later.
        if (!State.ProcessIdentity.IsAlive(state.Pid, state.PidStartTime))
        {
            process.Dispose();
            throw new InvalidOperationException($"Container {state.Name} has just exited.");
        }
        var definition = new ContainerDefinition(spec, state.Name, init: false, state.Detached, openStdin: false)
        {
            Labels = state.Labels,
            StopSignal = Enum.TryParse<Signal>(state.StopSignal, out var signal) ? signal : Signal.SIGTERM,
        };
        // On persistent networks the container is a member another engine registered; this one takes over its leaving.
        List<NetworkAttachment> attachments = [.. state.Networks.Select((n, i) => Networks.Registered(n, state.Id) is { } a ? a with { Index = i } : null).OfType<NetworkAttachment>()];
        var container = new Container(this, state.Id, state.Name, directory, spec, definition, new LaunchedProcess(process, null), null,
            NameReservation.Adopt(Options.RootDirectory, state.Name), new Cgroup(_cgroups.Value, state.Cgroup), attachments, [],
            _loggerFactory.CreateLogger<Container>(), reattached: state);
        return _containers.GetOrAdd(state.Id, container);
    }

    /// <summary>The engine's settings.</summary>
    public MiniDockerOptions Options { get; }

    /// <summary>
    /// The containers: this engine's live ones (as a collection), and every container of the root,
    /// whichever engine started it, through <see cref="ContainerCollection.ListAsync(ContainerFilter, CancellationToken)"/> and the rest.
    /// </summary>
    public ContainerCollection Containers { get; }

    internal IReadOnlyDictionary<string, Container> Live => _containers;

    internal Events.EventHub EventHub { get; } = new();

    /// <summary>
    /// What happens to this engine's containers from now on (created, started, died with the exit
    /// code, oom, paused, resumed, destroyed), as <c>docker events</c> shows it, until cancelled or
    /// until the engine is disposed.
    /// </summary>
    public IAsyncEnumerable<Events.ContainerEvent> EventsAsync(CancellationToken cancellationToken = default) => EventHub.SubscribeAsync(cancellationToken);

    /// <summary>
    /// Removes every exited container of the root (state, logs, name, cgroup), then the image
    /// content nothing references any more, as <c>docker system prune</c> does for containers and dangling content.
    /// </summary>
    public async Task<PruneResult> PruneAsync(CancellationToken cancellationToken = default)
    {
        var containers = await Containers.PruneAsync(cancellationToken).ConfigureAwait(false);
        var images = await Images.CollectGarbageAsync(cancellationToken).ConfigureAwait(false);
        return new PruneResult(containers, images);
    }

    /// <summary>Starts describing a container that this engine will run.</summary>
    public ContainerBuilder CreateContainer() => new(this);

    /// <summary>Starts a container from a definition made by <see cref="ContainerBuilder.Build"/>.</summary>
    /// <exception cref="ContainerNameConflictException">Another container has the name.</exception>
    /// <exception cref="ContainerStartException">A step of starting failed; nothing is left behind.</exception>
    public Task<Container> StartAsync(ContainerDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return StartCoreAsync(definition, null, cancellationToken);
    }

    /// <summary>
    /// Makes a container without starting it (<c>docker create</c>): its id, its name, its state
    /// directory; any engine on the root starts it later with <see cref="ContainerCollection.StartAsync"/>.
    /// It may join persistent networks only (an engine's own networks end with that engine), and a
    /// wait strategy, which is code, cannot be kept: wait on the container once it has started.
    /// </summary>
    /// <exception cref="ContainerNameConflictException">Another container has the name.</exception>
    /// <exception cref="ContainerConfigurationException">The definition has a part that cannot be kept.</exception>
    public async Task<ContainerInfo> CreateAsync(ContainerDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (definition.Networks.FirstOrDefault(n => !n.Network.Persistent) is { } owned)
            throw new ContainerConfigurationException($"Network \"{owned.Network.Name}\" belongs to this engine and ends with it, so a container created for a later start cannot join it; create the network with persistent: true, or start the container at once.");
        if (definition.WaitStrategy is not null)
            throw new ContainerConfigurationException("A wait strategy cannot be kept for a later start (it is code, not data); start the container with engine.Containers.StartAsync, then wait with the strategy's WaitAsync(container).");
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var name = definition.Name ?? id[..12];
        var directory = Path.Combine(Options.RootDirectory, "containers", id);
        using var reservation = NameReservation.Take(Options.RootDirectory, name, id);
        try
        {
            Directory.CreateDirectory(directory);
            await File.WriteAllTextAsync(Path.Combine(directory, "definition.json"), definition.Spec.ToJson(), cancellationToken).ConfigureAwait(false);
            var extras = new State.CreatedDefinition
            {
                Init = definition.Init, Detached = definition.Detached, OpenStdin = definition.OpenStdin,
                ImageManifest = definition.Image?.ManifestDigest.ToString(), Labels = new(definition.Labels), ExposedPorts = [.. definition.ExposedPorts],
                StopSignal = definition.StopSignal.ToString(), LogMaxBytes = definition.LogMaxBytes, LogMaxFiles = definition.LogMaxFiles,
                RestartPolicy = definition.RestartPolicy.ToString(), Dns = [.. definition.Dns], Ports = [.. definition.PublishedPorts], Landlock = definition.Landlock,
                Networks = definition.Networks.ToDictionary(n => n.Network.Name, n => n.Aliases.ToList()),
            };
            await State.CreatedDefinitionFile.WriteAsync(directory, extras, cancellationToken).ConfigureAwait(false);
            if (definition.Image is { } image)
                await File.WriteAllTextAsync(Path.Combine(directory, MiniDocker.Images.ImageStore.ImageFileName), image.ManifestDigest.ToString(), cancellationToken).ConfigureAwait(false);
            var state = new State.ContainerState
            {
                Id = id, Name = name, Status = "created", Created = DateTimeOffset.UtcNow, Detached = definition.Detached,
                Tty = definition.Spec.Process?.Terminal == true, OpenStdin = definition.OpenStdin,
                Image = definition.Image is { } i ? (i.Tags.Count > 0 ? i.Tags[0] : i.Id.ToString()) : null, ImageId = definition.Image?.Id.ToString(),
                Command = [.. definition.Spec.Process?.Args ?? []], Labels = new(definition.Labels), StopSignal = definition.StopSignal.ToString(),
                Networks = [.. definition.Networks.Select(n => n.Network.Name)],
            };
            State.ContainerStateFile.Write(directory, state);
            reservation.Keep();
            EventHub.Publish(new Events.ContainerEvent(Events.ContainerEventType.Created, id, name, state.Created));
            return await Containers.InspectAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            RemoveDirectory(directory);
            throw;
        }
    }

    /// <summary>Starts a created container: its definition read back, its id and name kept.</summary>
    internal async Task<Container> StartCreatedAsync(State.ContainerState state, string directory, CancellationToken cancellationToken)
    {
        var spec = RuntimeSpec.FromJson(await File.ReadAllTextAsync(Path.Combine(directory, "definition.json"), cancellationToken).ConfigureAwait(false));
        var extras = await State.CreatedDefinitionFile.ReadAsync(directory, state, cancellationToken).ConfigureAwait(false);
        var image = extras.ImageManifest is { } manifest ? await Images.GetAsync(manifest, cancellationToken).ConfigureAwait(false) : null;
        var networks = extras.Networks.Select(n => new NetworkConnection(
            Networks.Find(n.Key) ?? throw new ContainerConfigurationException($"Container {state.Name} joins network \"{n.Key}\", which no longer exists; create it again."), n.Value)).ToList();
        var definition = new ContainerDefinition(spec, state.Name, extras.Init, extras.Detached, extras.OpenStdin, extras.Landlock, networks: networks,
            ports: extras.Ports, dns: extras.Dns)
        {
            Image = image, Labels = extras.Labels, ExposedPorts = extras.ExposedPorts,
            StopSignal = Enum.TryParse<Signal>(extras.StopSignal, out var signal) ? signal : Signal.SIGTERM,
            LogMaxBytes = extras.LogMaxBytes, LogMaxFiles = extras.LogMaxFiles, RestartPolicy = RestartPolicy.Parse(extras.RestartPolicy),
        };
        ExitRecord.Clear(directory); // an earlier run's, when an exited container starts again
        var container = await StartCoreAsync(definition, (state.Id, NameReservation.Adopt(Options.RootDirectory, state.Name)), cancellationToken).ConfigureAwait(false);
        container.KeepCreatedTime(state.Created);
        return container;
    }

    private async Task<Container> StartCoreAsync(ContainerDefinition definition, (string Id, Reservation Reservation)? created, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);

        var id = created?.Id ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var activity = MiniDockerTelemetry.ActivitySource.StartActivity("container.start");
        activity?.SetTag("container.id", id);
        var name = definition.Name ?? id[..12];
        var directory = Path.Combine(Options.RootDirectory, "containers", id);
        var spec = WithNetworkFiles(WithDefaultHostname(definition.Spec, id[..12]), definition, directory);
        var imageRoot = definition.Image is { } image ? ImageRootfs.Plan(image, directory, Options.StorageDriver, definition.HasOwnUserNamespace) : null;
        if (imageRoot is not null) spec = spec with { Root = spec.Root! with { Path = imageRoot.Path } };
        var limits = ResourceLimitsMapping.FromSpec(spec.Linux?.Resources);
        ResourceLimitsValidator.Validate(limits, HostResources.Current);
        var cgroupPath = $"{_cgroupParent}/{id}";
        // Planned first (it validates everything) unless the plan needs files this start writes.
        var plan = definition.Networks.Count == 0 && imageRoot is null ? Plan(definition, id, spec, imageRoot) : null;

        var reservation = created?.Reservation ?? NameReservation.Take(Options.RootDirectory, name, id);
        var opened = new List<IDisposable>();
        var attachments = new List<NetworkAttachment>();
        var proxies = new List<PortProxy>();
        var ports = new List<Reservation>();
        bool forwarded = false;
        SafeFd? stdinWriter = null;
        SafeFd? stdinForRestarts = null;
        Cgroup? cgroup = null;
        try
        {
            if (limits.Devices is not null && !_cgroups.Value.EnforcesDeviceRules && Interlocked.Exchange(ref _deviceWarningGiven, 1) == 0)
                MiniDockerLog.DeviceRulesNotEnforced(_logger, _cgroups.Value.Version.ToString());
            foreach (var port in definition.PublishedPorts)
            {
                // Bound even when the kernel forwards it: what else listens there is found now, not by clients later.
                var proxy = PortProxy.Bind(port);
                ports.Add(PublishedPorts.Reserve(Options.RootDirectory, port, id));
                if (definition.Detached) await proxy.DisposeAsync().ConfigureAwait(false);
                else proxies.Add(proxy);
            }
            cgroup = Cgroup.Create(_cgroups.Value, cgroupPath, limits);
            Directory.CreateDirectory(directory);
            if (imageRoot is not null) await imageRoot.CreateAsync(Images, directory, cancellationToken).ConfigureAwait(false);
            await spec.WriteAsync(Path.Combine(directory, "config.json"), cancellationToken).ConfigureAwait(false);
            foreach (var connection in definition.Networks)
                attachments.Add(ContainerNetworks.Reserve(connection.Network, id, name, spec.Hostname ?? id[..12], connection.Aliases, attachments.Count));
            // A detached container outlives this process, and with it any proxy: the kernel forwards its ports.
            if (definition.Detached && definition.PublishedPorts.Count > 0)
            {
                forwarded = true;
                attachments[0] = attachments[0] with { Hairpin = true };
                PublishedPorts.Forward(id, attachments[0], definition.PublishedPorts);
            }
            if (attachments.Count > 0)
            {
                await File.WriteAllTextAsync(Path.Combine(directory, "hosts"), Networks.HostsFor(id, attachments), cancellationToken).ConfigureAwait(false);
                await File.WriteAllTextAsync(Path.Combine(directory, "resolv.conf"), ResolvConf.For(definition.Dns), cancellationToken).ConfigureAwait(false);
            }
            plan ??= Plan(definition, id, spec, imageRoot);

            // stage-0's log monitor puts pipes on stdout and stderr (a terminal replaces all three).
            var stdout = OutputFile.OpenNull();
            var stderr = OutputFile.OpenNull();
            opened.Add(stdout);
            opened.Add(stderr);
            SafeFd stdin;
            (stdin, stdinWriter) = definition.OpenStdin ? Pipes.Create() : (OutputFile.OpenNull(), null);
            if (definition.OpenStdin && definition.RestartPolicy.Mode != RestartMode.No) stdinForRestarts = stdin;
            else opened.Add(stdin);

            var launched = await _launcher.LaunchAsync(plan, new StdioHandles(stdin, stdout, stderr), OutsideSetup(spec, plan, cgroup, id, attachments, imageRoot), cancellationToken).ConfigureAwait(false);
            foreach (var handle in opened) handle.Dispose();

            foreach (var proxy in proxies) proxy.Start(attachments[0].Address);
            // Joined before the container exists: its exit watcher (which leaves) starts with it.
            if (attachments.Count > 0) Networks.Joined(attachments, id, Path.Combine(directory, "hosts"));
            foreach (var port in ports) port.Keep(); // released with the rules when the container ends
            var container = new Container(this, id, name, directory, spec, definition, launched, stdinWriter, reservation, cgroup,
                attachments, proxies, _loggerFactory.CreateLogger<Container>(), stdinForRestarts: stdinForRestarts);
            _containers[id] = container;
            MiniDockerLog.ContainerStarted(_logger, name, id, launched.Process.Pid);
            MiniDockerTelemetry.StartDuration.Record(clock.Elapsed.TotalMilliseconds);
            activity?.SetTag("container.name", name);
            if (created is null) EventHub.Publish(new Events.ContainerEvent(Events.ContainerEventType.Created, id, name, container.StartedAt));
            EventHub.Publish(new Events.ContainerEvent(Events.ContainerEventType.Started, id, name, container.StartedAt));
            if (definition.WaitStrategy is { } wait) await WaitUntilReadyAsync(container, wait, cancellationToken).ConfigureAwait(false);
            return container;
        }
        catch (Exception e)
        {
            MiniDockerLog.StartFailed(_logger, name, e.Message);
            stdinWriter?.Dispose();
            stdinForRestarts?.Dispose();
            foreach (var handle in opened) handle.Dispose();
            if (cgroup is not null) await cgroup.DeleteAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var attachment in attachments) attachment.Network.Pool.Release(id);
            foreach (var proxy in proxies) await proxy.DisposeAsync().ConfigureAwait(false);
            if (forwarded) Networking.Firewall.PortForwarding.Remove(PublishedPorts.Owner(id));
            foreach (var port in ports) port.Dispose();
            if (created is null)
            {
                RemoveDirectory(directory);
                reservation.Dispose();
            }
            else
            {
                // A created container that fails to start stays created, as with docker start.
                reservation.Keep();
            }
            throw;
        }
    }

    /// <summary>A container that does not become ready is removed: a failed start leaves nothing.</summary>
    private static async Task WaitUntilReadyAsync(Container container, Waiting.WaitStrategy wait, CancellationToken cancellationToken)
    {
        try
        {
            await wait.WaitAsync(container, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops and removes every container this engine started.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // Containers re-attached from another engine are let go, not removed: they were never this engine's.
        await Task.WhenAll(_containers.Values.Select(c => c.Reattached ? c.ReleaseAsync() : c.DisposeAsync().AsTask())).ConfigureAwait(false);
        // The parent stays while another engine's containers are in it; rmdir says so with EBUSY.
        if (_cgroups.IsValueCreated) _cgroups.Value.Delete(_cgroupParent);
        await Networks.RemoveAllAsync().ConfigureAwait(false);
        Images.Dispose();
        EventHub.Complete();
    }

    /// <summary>The bridge networks of this engine.</summary>
    public ContainerNetworks Networks { get; }

    /// <summary>The images of this engine's root: pull, push, import, export, commit, list, tag, remove.</summary>
    public Images.ImageStore Images { get; }

    /// <summary>A container on a network gets /etc/hosts and /etc/resolv.conf of its own, bound from its state directory.</summary>
    private static RuntimeSpec WithNetworkFiles(RuntimeSpec spec, ContainerDefinition definition, string directory)
    {
        if (definition.Networks.Count == 0) return spec;
        MountSpec Bind(string file, string destination) =>
            new() { Destination = destination, Type = "bind", Source = Path.Combine(directory, file), Options = ["bind", "nosuid", "nodev", "noexec"] };
        return spec with { Mounts = [.. spec.Mounts, Bind("hosts", "/etc/hosts"), Bind("resolv.conf", "/etc/resolv.conf")] };
    }

    /// <summary>
    /// What the host does while a new container's first process waits: id maps, the cgroup, and
    /// in a user namespace the (idmapped) rootfs tree that stage-0 receives after "go".
    /// </summary>
    private Stage0Launcher.OutsideSetup? OutsideSetup(RuntimeSpec spec, SpawnPlan plan, Cgroup cgroup, string id, List<NetworkAttachment> attachments, ImageRootfs? imageRoot)
    {
        var join = WithNetworks(JoinCgroup(cgroup, plan), id, attachments);
        var linux = spec.Linux;
        bool ownUserNamespace = linux is not null && linux.Namespaces.Any(n => n.Type == "user" && string.IsNullOrEmpty(n.Path));
        if (imageRoot is { Overlay: true })
        {
            // Never with a user namespace of the container's own: see ImageRootfs.Plan.
            return async (pid, cancellationToken) =>
            {
                if (join is not null) await join(pid, cancellationToken).ConfigureAwait(false);
                return [imageRoot.MountOverlay()];
            };
        }
        if (!ownUserNamespace) return join;
        var uids = IdMappings(linux!.UidMappings);
        var gids = IdMappings(linux.GidMappings);
        var rootfs = spec.Root!.Path;
        return async (pid, cancellationToken) =>
        {
            await UserNamespaces.IdMapWriter.WriteAsync(pid, uids, gids, cancellationToken).ConfigureAwait(false);
            if (join is not null) await join(pid, cancellationToken).ConfigureAwait(false);
            if (rootfs == "/") return [];
            var (tree, idmapped) = UserNamespaces.IdmappedRootfs.Create(rootfs, pid, Options.IdmappedRootfs);
            if (Options.IdmappedRootfs && !idmapped) MiniDockerLog.IdmapRefused(_logger, rootfs);
            return [tree];
        };
    }

    private static List<UserNamespaces.IdMapping> IdMappings(IEnumerable<IdMappingSpec> mappings) =>
        [.. mappings.Select(m => new UserNamespaces.IdMapping(m.ContainerId, m.HostId, m.Size))];

    /// <summary>After the cgroup join: a veth per network into the waiting child's namespace.</summary>
    private static Stage0Launcher.OutsideSetup? WithNetworks(Stage0Launcher.OutsideSetup? join, string id, List<NetworkAttachment> attachments)
    {
        if (attachments.Count == 0) return join;
        return async (pid, cancellationToken) =>
        {
            var passed = join is null ? [] : await join(pid, cancellationToken).ConfigureAwait(false);
            // The first network carries the default route.
            for (int i = 0; i < attachments.Count; i++) ContainerNetworks.Connect(attachments[i], id, pid, defaultRoute: i == 0);
            return passed;
        };
    }

    /// <summary>
    /// On cgroup v1 the host moves the child into its cgroup while stage-0 waits; on v2 the child
    /// was cloned into it (CLONE_INTO_CGROUP) and there is nothing to do.
    /// </summary>
    /// <summary>The step by which stage-0 moves itself into a group, where the driver has one (v1).</summary>
    internal JoinCgroupStep? SelfJoin(string group) => _cgroups.Value.SelfJoinFiles(group) is { } files ? new JoinCgroupStep(files) : null;

    /// <summary>The host's part of joining the cgroup: none on v2 (clone3 into it) or when stage-0 joins it itself.</summary>
    internal static Stage0Launcher.OutsideSetup? JoinCgroup(Cgroup cgroup, SpawnPlan plan) =>
        cgroup.Version == CgroupVersion.V2 || plan.Steps.Any(s => s is JoinCgroupStep)
            ? null
            : (pid, _) =>
            {
                cgroup.AddProcess(pid);
                return ValueTask.FromResult<IReadOnlyList<SafeFd>>([]);
            };

    /// <summary>
    /// Removes empty container cgroups a crashed engine left. Groups younger than a minute are
    /// left alone: another engine may be starting that container right now.
    /// </summary>
    private void RemoveStaleCgroups(ICgroupDriver driver)
    {
        var cutoff = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1);
        foreach (var (child, created) in driver.Children(_cgroupParent))
        {
            if (child.Length == 64 && child.All(char.IsAsciiHexDigitLower) && created < cutoff && driver.Delete($"{_cgroupParent}/{child}"))
                MiniDockerLog.StaleCgroupRemoved(_logger, child);
        }
    }

    /// <summary>The plan a container gets from this engine: with its cgroup, cloned into on cgroup v2.</summary>
    internal SpawnPlan Plan(ContainerDefinition definition, string id, Spec.RuntimeSpec? spec = null, ImageRootfs? imageRoot = null)
    {
        var directory = Path.Combine(Options.RootDirectory, "containers", id);
        return SpawnPlanner.ForContainer(
            spec ?? definition.Spec,
            new SpawnOptions(definition.Init, DieWithHost: !definition.Detached, _cgroups.Value.UnifiedDirectory($"{_cgroupParent}/{id}"), definition.Landlock,
                RootfsFromHost: imageRoot is { Overlay: true },
                Log: new LogStep(Path.Combine(directory, JsonLogFile.FileName), definition.LogMaxBytes, definition.LogMaxFiles,
                    definition.Detached ? null : _cgroups.Value.Describe($"{_cgroupParent}/{id}")),
                // A detached container's end must be known with no engine alive to see it.
                Monitor: definition.Detached ? new MonitorStep(directory) : null,
                // A monitoring stage-0 outlives the clone, so it must stay out of the container's cgroup.
                JoinCgroup: definition.Detached ? null : SelfJoin($"{_cgroupParent}/{id}")));
    }

    internal void Forget(Container container) => _containers.TryRemove(container.Id, out _);

    internal Stage0Launcher Launcher => _launcher;

    internal static void RemoveDirectory(string directory)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException) when (attempt < 10 && Directory.Exists(directory))
            {
                // The engine that runs the container may be writing its final state right now.
                Thread.Sleep(10);
            }
        }
    }

    private static RuntimeSpec WithDefaultHostname(RuntimeSpec spec, string hostname)
    {
        bool ownUts = spec.Linux?.Namespaces.Any(n => n.Type == NamespaceType.Uts.OciName() && string.IsNullOrEmpty(n.Path)) ?? false;
        if (spec.Hostname is not null || !ownUts || spec.Process is null) return spec;
        var env = spec.Process.Env.Any(e => e.StartsWith("HOSTNAME=", StringComparison.Ordinal))
            ? spec.Process.Env
            : [.. spec.Process.Env, "HOSTNAME=" + hostname];
        return spec with { Hostname = hostname, Process = spec.Process with { Env = env } };
    }
}
