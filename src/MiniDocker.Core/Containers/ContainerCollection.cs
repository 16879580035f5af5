using System.Collections;
using MiniDocker.Containers.State;

namespace MiniDocker.Containers;

/// <summary>
/// The containers of an engine root, whichever engine (in whichever process) started them: this
/// engine's live containers as a collection, and everything in the store through
/// <see cref="ListAsync(ContainerFilter, CancellationToken)"/>, <see cref="InspectAsync"/>, <see cref="GetAsync"/> (which re-attaches
/// to a running container another engine started), logs, removal and pruning.
/// </summary>
public sealed partial class ContainerCollection : IReadOnlyCollection<Container>
{
    private readonly ContainerEngine _engine;

    internal ContainerCollection(ContainerEngine engine) => _engine = engine;

    private string Directory => Path.Combine(_engine.Options.RootDirectory, "containers");

    /// <summary>How many live containers this engine holds.</summary>
    public int Count => _engine.Live.Count;

    /// <summary>This engine's live containers.</summary>
    public IEnumerator<Container> GetEnumerator() => _engine.Live.Values.ToList().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The containers in the store, newest first: running and paused ones, and with
    /// <paramref name="all"/> the exited ones too (<c>docker ps</c> / <c>docker ps -a</c>). A container
    /// whose state file cannot be read is listed with <see cref="ContainerStatus.Unknown"/> and the reason.
    /// </summary>
    public Task<IReadOnlyList<ContainerInfo>> ListAsync(bool all = false, CancellationToken cancellationToken = default) =>
        ListAsync(new ContainerFilter { All = all }, cancellationToken);

    /// <summary>The containers in the store that <paramref name="filter"/> chooses, newest first (<c>docker ps --filter</c>).</summary>
    public Task<IReadOnlyList<ContainerInfo>> ListAsync(ContainerFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var result = new List<ContainerInfo>();
        if (System.IO.Directory.Exists(Directory))
        {
            foreach (var directory in System.IO.Directory.EnumerateDirectories(Directory))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var info = TryRead(directory);
                if (info is not null && filter.Matches(info)) result.Add(info);
            }
        }
        IReadOnlyList<ContainerInfo> sorted = [.. result.OrderByDescending(i => i.Created)];
        return Task.FromResult(sorted);
    }

    /// <summary>What the store knows of one container, found by id, unique id prefix or name.</summary>
    /// <exception cref="ContainerNotFoundException">No container goes by that.</exception>
    /// <exception cref="ContainerStateException">Its state file is corrupt.</exception>
    public Task<ContainerInfo> InspectAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var id = Resolve(idOrName);
        return Task.FromResult(ToInfo(ContainerStateFile.Read(Path.Combine(Directory, id)), Path.Combine(Directory, id)));
    }

    /// <summary>
    /// A live container: this engine's, or a running one another engine started (detached, its
    /// engine perhaps gone), re-attached: it can be waited for, stopped, exec'd into and read.
    /// </summary>
    /// <exception cref="ContainerNotFoundException">No container goes by that.</exception>
    /// <exception cref="InvalidOperationException">The container has exited; its logs and removal stay available here.</exception>
    public Task<Container> GetAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var id = Resolve(idOrName);
        if (_engine.Live.TryGetValue(id, out var live)) return Task.FromResult(live);
        var state = ContainerStateFile.Read(Path.Combine(Directory, id));
        if (state.Status is not ("running" or "paused") || !ProcessIdentity.IsAlive(state.Pid, state.PidStartTime))
            throw new InvalidOperationException($"Container {state.Name} has exited; read its logs with engine.Containers.GetLogsAsync(\"{state.Name}\") or remove it.");
        return Task.FromResult(_engine.Reattach(state, Path.Combine(Directory, id)));
    }

    /// <summary>
    /// Starts a container made with <see cref="ContainerEngine.CreateAsync"/>, whichever engine
    /// created it (<c>docker start</c>): a created one, or one that has exited, which starts again
    /// with the same id, name, rootfs changes and log. A running one is returned as it is.
    /// </summary>
    /// <exception cref="ContainerNotFoundException">No container goes by that.</exception>
    /// <exception cref="InvalidOperationException">It ran without being created first (its definition was not kept), or is gone half-removed.</exception>
    public async Task<Container> StartAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        var (id, directory, state, info) = Current(idOrName);
        if (info.Status is ContainerStatus.Running or ContainerStatus.Paused) return await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (info.Status != ContainerStatus.Created && !CreatedDefinitionFile.Exists(directory))
            throw new InvalidOperationException($"Container {info.Name} was started without being created first, so its definition was not kept and it cannot start again; run a new one.");
        // The exited run's object lets go; the state it leaves is what the next run starts from.
        if (_engine.Live.TryGetValue(id, out var exited)) await exited.RetireAsync().ConfigureAwait(false);
        return await _engine.StartCreatedAsync(state, directory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A container's id, state directory, stored state and what that state means now.</summary>
    private (string Id, string Directory, ContainerState State, ContainerInfo Info) Current(string idOrName)
    {
        var id = Resolve(idOrName);
        var directory = Path.Combine(Directory, id);
        var state = ContainerStateFile.Read(directory);
        return (id, directory, state, ToInfo(state, directory));
    }

    /// <summary>A container's log lines, whether it runs or has exited, whichever engine started it.</summary>
    public Task<IReadOnlyList<LogLine>> GetLogsAsync(string idOrName, LogOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        options ??= new LogOptions();
        return Task.FromResult<IReadOnlyList<LogLine>>(options.Select(JsonLogFile.ReadAll(Path.Combine(Directory, Resolve(idOrName), JsonLogFile.FileName))));
    }

    /// <summary>
    /// Removes a container: its state, logs, name and cgroup. A running one is refused unless
    /// <paramref name="force"/> is set; then its processes are killed first (<c>docker rm -f</c>).
    /// </summary>
    /// <exception cref="ContainerNotFoundException">No container goes by that.</exception>
    /// <exception cref="InvalidOperationException">It runs and <paramref name="force"/> is not set.</exception>
    public async Task RemoveAsync(string idOrName, bool force = false, CancellationToken cancellationToken = default)
    {
        var id = Resolve(idOrName);
        if (_engine.Live.TryGetValue(id, out var live))
        {
            if (live.Status is ContainerStatus.Running or ContainerStatus.Paused && !force)
                throw new InvalidOperationException($"Container {live.Name} is running; stop it first, or remove it with force: true.");
            await live.DisposeAsync().ConfigureAwait(false);
            return;
        }
        var directory = Path.Combine(Directory, id);
        ContainerState? state = null;
        try
        {
            state = ContainerStateFile.Read(directory);
        }
        catch (ContainerStateException) when (force)
        {
        }
        if (state is not null && state.Status is "running" or "paused" && ProcessIdentity.IsAlive(state.Pid, state.PidStartTime) && !force)
            throw new InvalidOperationException($"Container {state.Name} is running; stop it first, or remove it with force: true.");
        await _engine.RemoveStoredAsync(id, state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes every exited container (<c>docker container prune</c>); returns their ids.</summary>
    public async Task<IReadOnlyList<string>> PruneAsync(CancellationToken cancellationToken = default)
    {
        var removed = new List<string>();
        foreach (var info in await ListAsync(all: true, cancellationToken).ConfigureAwait(false))
        {
            if (info.Status != ContainerStatus.Exited) continue;
            await RemoveAsync(info.Id, cancellationToken: cancellationToken).ConfigureAwait(false);
            removed.Add(info.Id);
        }
        return removed;
    }

    /// <summary>An id, a unique id prefix, or a name, to the full id.</summary>
    internal string Resolve(string idOrName)
    {
        ArgumentException.ThrowIfNullOrEmpty(idOrName);
        var namePath = Path.Combine(_engine.Options.RootDirectory, "names", idOrName);
        if (!idOrName.Contains('/') && File.Exists(namePath))
        {
            var id = File.ReadAllText(namePath).Trim();
            if (System.IO.Directory.Exists(Path.Combine(Directory, id))) return id;
        }
        if (idOrName.All(char.IsAsciiHexDigitLower) && System.IO.Directory.Exists(Directory))
        {
            var matches = System.IO.Directory.EnumerateDirectories(Directory, idOrName + "*").Select(Path.GetFileName).ToList();
            if (matches.Count == 1) return matches[0]!;
            if (matches.Count > 1) throw new ContainerNotFoundException(idOrName, $"it is the start of {matches.Count} container ids; give more of it");
        }
        throw new ContainerNotFoundException(idOrName);
    }

    private static ContainerInfo? TryRead(string directory)
    {
        var id = Path.GetFileName(directory);
        try
        {
            return ToInfo(ContainerStateFile.Read(directory), directory);
        }
        catch (ContainerStateException e)
        {
            // A directory without state.json that is young is a container being started right now.
            if (!File.Exists(Path.Combine(directory, ContainerStateFile.FileName))
                && System.IO.Directory.GetCreationTimeUtc(directory) > DateTime.UtcNow.AddMinutes(-1)) return null;
            return new ContainerInfo { Id = id, Status = ContainerStatus.Unknown, Error = e.Message, Created = System.IO.Directory.GetCreationTimeUtc(directory) };
        }
    }

    private static ContainerInfo ToInfo(ContainerState state, string directory)
    {
        var alive = state.Status is "running" or "paused" && ProcessIdentity.IsAlive(state.Pid, state.PidStartTime);
        // Ended while no engine watched: what its monitor recorded.
        if (!alive && state.Status is "running" or "paused") state = ContainerStateFile.Ended(state, directory);
        var status = state.Status == "created" ? ContainerStatus.Created
            : !alive ? ContainerStatus.Exited : state.Status == "paused" ? ContainerStatus.Paused : ContainerStatus.Running;
        return new ContainerInfo
        {
            Id = state.Id,
            Name = state.Name,
            Status = status,
            Image = state.Image,
            ImageId = state.ImageId,
            Command = state.Command,
            Created = state.Created,
            StartedAt = state.StartedAt,
            FinishedAt = state.FinishedAt,
            ExitCode = state.ExitCode,
            Pid = alive ? state.Pid : null,
            Detached = state.Detached,
            Tty = state.Tty,
            OpenStdin = state.OpenStdin,
            Labels = state.Labels,
            Ports = state.Ports,
            Networks = state.Networks,
            Addresses = state.Addresses,
        };
    }
}
