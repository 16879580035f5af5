using Microsoft.Extensions.Logging;
using MiniDocker.Cgroups;
using MiniDocker.Execution;
using MiniDocker.Interop;
using MiniDocker.Logging;
using MiniDocker.Spec;

namespace MiniDocker.Containers;

/// <summary>
/// A running (or ended) container. Disposing it stops it and removes everything it made:
/// its processes, its state directory and logs, its name.
/// </summary>
public sealed partial class Container : IAsyncDisposable
{

    private readonly ContainerEngine _engine;
    private readonly ContainerDefinition _definition;
    private ChildProcess? _logMonitor;

    internal ContainerDefinition Definition => _definition;
    private ChildProcess _process;
    private readonly Reservation _name;
    private readonly ILogger<Container> _logger;
    private readonly Task<ContainerExit> _exit;
    private Task _terminalPump = Task.CompletedTask;
    private readonly TerminalOutput? _terminalOutput;
    private TerminalInput? _terminalInput;

    /// <summary>The read end of a stdin pipe, kept for the restart policy's next runs (they read on where the last stopped).</summary>
    private readonly SafeFd? _stdinForRestarts;
    private readonly List<Task> _networkCleanup = [];
    private readonly CancellationTokenSource _stopRequested = new();
    private readonly SemaphoreSlim _disposeLock = new(1, 1);
    private bool _removed;
    private volatile bool _paused;
    private readonly IReadOnlyList<Networks.PortProxy> _proxies;

    internal Container(
        ContainerEngine engine, string id, string name, string stateDirectory, RuntimeSpec spec, ContainerDefinition definition,
        LaunchedProcess launched, SafeFd? stdinWriter, Reservation reservation, Cgroup cgroup,
        IReadOnlyList<Networks.NetworkAttachment> networks, IReadOnlyList<Networks.PortProxy> proxies, ILogger<Container> logger,
        State.ContainerState? reattached = null, SafeFd? stdinForRestarts = null)
    {
        _engine = engine;
        Id = id;
        Name = name;
        StateDirectory = stateDirectory;
        Spec = spec;
        _definition = definition;
        _process = launched.Process;
        _name = reservation;
        Cgroup = cgroup;
        _networks = [.. networks];
        _proxies = proxies;
        _logger = logger;
        StartedAt = DateTimeOffset.UtcNow;
        if (launched.TerminalMaster is { } master)
        {
            _terminalOutput = new TerminalOutput();
            StartTerminal(master);
            Stdin = _terminalInput;
        }
        else
        {
            _stdinForRestarts = stdinForRestarts;
            if (stdinWriter is not null)
            {
                Stdin = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(stdinWriter.DangerousGetHandle(), ownsHandle: true), FileAccess.Write, 1);
                stdinWriter.SetHandleAsInvalid();
            }
        }
        _logMonitor = launched.Logger;
        if (reattached is not null)
        {
            Reattached = true;
            StartedAt = reattached.StartedAt ?? reattached.Created;
            _state = reattached;
        }
        else
        {
            _state = new State.ContainerState
            {
                Id = id,
                Name = name,
                Status = "running",
                Created = StartedAt,
                StartedAt = StartedAt,
                Pid = launched.Process.Pid,
                PidStartTime = State.ProcessIdentity.StartTime(launched.Process.Pid) ?? 0,
                MonitorPid = launched.MonitorPid ?? 0,
                MonitorStartTime = launched.MonitorPid is { } monitor ? State.ProcessIdentity.StartTime(monitor) ?? 0 : 0,
                Detached = definition.Detached,
                Tty = spec.Process?.Terminal == true,
                OpenStdin = definition.OpenStdin,
                Image = definition.Image is { } image ? (image.Tags.Count > 0 ? image.Tags[0] : image.Id.ToString()) : null,
                ImageId = definition.Image?.Id.ToString(),
                Command = [.. spec.Process?.Args ?? []],
                Labels = new Dictionary<string, string>(definition.Labels),
                Cgroup = cgroup.Path,
                StopSignal = definition.StopSignal.ToString(),
                Networks = [.. networks.Select(n => n.Network.Name)],
                Addresses = networks.ToDictionary(n => n.Network.Name, n => n.Address.ToString()),
                Ports = [.. definition.PublishedPorts],
            };
            State.ContainerStateFile.Write(stateDirectory, _state);
        }
        if (reattached is null) MiniDockerTelemetry.Running.Add(1);
        _exit = WatchExitAsync();
    }

    /// <summary>A run's terminal: its output copied to the log and to whoever is attached, its input behind <see cref="Stdin"/>.</summary>
    private void StartTerminal(SafeFd master)
    {
        var terminal = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(master.DangerousGetHandle(), ownsHandle: true), FileAccess.ReadWrite, 1);
        master.SetHandleAsInvalid();
        if (_terminalInput is null) _terminalInput = new TerminalInput(terminal);
        else _terminalInput.Switch(terminal);
        _terminalOutput!.Reopen();
        _terminalPump = TerminalPump.RunAsync(terminal, new JsonLogWriter(LogPath, _definition.LogMaxBytes, _definition.LogMaxFiles), _terminalOutput);
    }

    /// <summary>The stdin a restarted run gets: the same pipe, or /dev/null.</summary>
    internal SafeFd? StdinForRestarts => _stdinForRestarts;

    private void Publish(Events.ContainerEventType type, int? exitCode = null) =>
        _engine.EventHub.Publish(new Events.ContainerEvent(type, Id, Name, DateTimeOffset.UtcNow, exitCode));

    private State.ContainerState _state;

    /// <summary>A container made earlier with CreateAsync keeps the time it was created.</summary>
    internal void KeepCreatedTime(DateTimeOffset created) => SaveState(st => st with { Created = created });

    /// <summary>Whether this engine took the container over from another (which started it).</summary>
    internal bool Reattached { get; private set; }

    /// <summary>Lets go of a re-attached container: it keeps running, with its state and name.</summary>
    internal Task ReleaseAsync()
    {
        lock (_stateLock) _removed = true;
        _name.Keep();
        _engine.Forget(this);
        _process.Dispose();
        return Task.CompletedTask;
    }
    private readonly Lock _stateLock = new();

    /// <summary>Records a change in state.json, for engines in other processes and after a crash.</summary>
    private void SaveState(Func<State.ContainerState, State.ContainerState> change)
    {
        lock (_stateLock)
        {
            if (_removed) return;
            _state = change(_state);
            try
            {
                State.ContainerStateFile.Write(StateDirectory, _state);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                MiniDockerLog.StateNotSaved(_logger, Name, e.Message);
            }
        }
    }

    /// <summary>The 64-hex-digit id.</summary>
    public string Id { get; }

    /// <summary>The unique name.</summary>
    public string Name { get; }

    /// <summary>The host pid of the container's first process (stage-0's init with <c>WithInit</c>).</summary>
    public int Pid => _process.Pid;

    /// <summary>The specification the container runs.</summary>
    public RuntimeSpec Spec { get; }

    /// <summary>The directory holding the container's config.json and logs.</summary>
    public string StateDirectory { get; }

    /// <summary>When the program started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>
    /// Writes to the container's stdin: the pipe of <c>WithStdin()</c> or the terminal of <c>WithTty()</c>;
    /// null otherwise. Disposing it sends end-of-file (with a pipe).
    /// </summary>
    public Stream? Stdin { get; }

    /// <summary>The host ports forwarded to the container.</summary>
    public IReadOnlyList<Networks.PublishedPort> PublishedPorts => _definition.PublishedPorts;

    /// <summary>The networks the container is on, with its address on each.</summary>
    public IReadOnlyList<Networks.NetworkAttachment> Networks => _networks;

    /// <summary>The container's cgroup, for direct use; it is removed when the container ends.</summary>
    public Cgroup Cgroup { get; }

    /// <summary>Where the container is in its life.</summary>
    public ContainerStatus Status =>
        _removed ? ContainerStatus.Removed
        : _exit.IsCompleted ? ContainerStatus.Exited
        : _paused ? ContainerStatus.Paused
        : ContainerStatus.Running;

    /// <summary>How the container ended, or null while it runs.</summary>
    public ContainerExit? Exit => _exit.IsCompletedSuccessfully ? _exit.Result : null;

    /// <summary>Waits until the container's first process ends.</summary>
    public Task<ContainerExit> WaitAsync(CancellationToken cancellationToken = default) => _exit.WaitAsync(cancellationToken);

    /// <summary>Sends a signal to the container's first process.</summary>
    /// <returns>False when the container had already exited.</returns>
    public async Task<bool> KillAsync(Signal signal = Signal.SIGKILL, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        StopRestarting();
        bool sent = !_exit.IsCompleted && _process.Signal((int)signal);
        // A frozen process acts on no signal until thawed (as docker kill on a paused container).
        if (sent && _paused)
        {
            try
            {
                await Cgroup.ThawAsync(cancellationToken).ConfigureAwait(false);
                _paused = false;
            }
            catch (CgroupException) when (!_paused)
            {
                // A fatal signal can end a frozen process by itself; the exit watcher then clears
                // _paused and removes the cgroup while the thaw is still reading it.
            }
        }
        return sent;
    }

    /// <summary>Sends the stop signal (SIGTERM unless the image names another), waits up to <paramref name="timeout"/>, then SIGKILL (as <c>docker stop</c>).</summary>
    /// <param name="timeout">The grace period; <see cref="MiniDockerOptions.StopTimeout"/> when null.</param>
    /// <param name="cancellationToken">Cancels the wait (the container keeps its SIGTERM).</param>
    public async Task<ContainerExit> StopAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var grace = timeout ?? _engine.Options.StopTimeout;
        if (await KillAsync(_definition.StopSignal, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                return await _exit.WaitAsync(grace, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                MiniDockerLog.StopTimedOut(_logger, Name, grace);
                await KillAsync(Signal.SIGKILL, cancellationToken).ConfigureAwait(false);
            }
        }
        return await _exit.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the container at once (SIGKILL) and removes its state directory, logs and name.</summary>
    public async ValueTask DisposeAsync()
    {
        await _disposeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_removed) return;
            _removed = true;
            StopRestarting();
            if (!_exit.IsCompleted) await KillAsync(Signal.SIGKILL).ConfigureAwait(false);
            await LetGoOfRunAsync().ConfigureAwait(false);
            ContainerEngine.RemoveDirectory(StateDirectory);
            _name.Dispose();
            _engine.Forget(this);
            Publish(Events.ContainerEventType.Destroyed);
            MiniDockerLog.ContainerRemoved(_logger, Name);
        }
        finally
        {
            _disposeLock.Release();
        }
    }

    /// <summary>Once the run has ended: its stdin, terminal, veths, process handle and log monitor go.</summary>
    private async Task LetGoOfRunAsync()
    {
        await ((Task)_exit).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (Stdin is not null) await Stdin.DisposeAsync().ConfigureAwait(false);
        await _terminalPump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // Its veths' host ends were deleted in the background when it exited; removed means gone.
        await Task.WhenAll(_networkCleanup).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _process.Dispose();
        _logMonitor?.Dispose();
        _stdinForRestarts?.Dispose();
    }

    /// <summary>How many times the restart policy started the container again.</summary>
    public int RestartCount { get; private set; }

    /// <summary>Stopping, killing or removing through the engine ends the restart policy's work.</summary>
    private void StopRestarting() => _stopRequested.Cancel();

    /// <summary>
    /// Between runs: the run's leftovers are killed (the cgroup stays), its output is written, and
    /// after the back-off the container is launched again with the same id, state, rootfs and networks.
    /// </summary>
    /// <returns>True if a new run started.</returns>
    private async Task<bool> RelaunchAfterExitAsync(ExitStatus status, DateTimeOffset startedAt)
    {
        var requested = TakeRestartRequest();
        if (_stopRequested.IsCancellationRequested)
        {
            requested?.TrySetException(new InvalidOperationException($"Container {Name} was stopped while it restarted."));
            return false;
        }
        if (requested is null && !_definition.RestartPolicy.Restarts(status.ShellCode, RestartCount)) return false;
        try
        {
            await Cgroup.KillAsync().ConfigureAwait(false);
            await WaitForLogsAsync().ConfigureAwait(false);
            Publish(Events.ContainerEventType.Died, status.ShellCode);
            SaveState(st => st with { Status = "restarting", ExitCode = status.ShellCode, FinishedAt = DateTimeOffset.UtcNow });
            // Docker's back-off: doubling from 100 ms up to a minute, reset by 10 s of running.
            // A restart asked for (docker restart) starts at once and is not the policy's.
            if (requested is null)
            {
                _restartDelay = DateTimeOffset.UtcNow - startedAt > TimeSpan.FromSeconds(10) ? TimeSpan.FromMilliseconds(100)
                    : TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, _restartDelay.Ticks * 2));
                await Task.Delay(_restartDelay, _stopRequested.Token).ConfigureAwait(false);
            }
            var launched = await _engine.RelaunchAsync(this, _stopRequested.Token).ConfigureAwait(false);
            var previous = _process;
            _process = launched.Process;
            _logMonitor?.Dispose();
            _logMonitor = launched.Logger;
            if (launched.TerminalMaster is { } master) StartTerminal(master);
            previous.Dispose();
            if (requested is null) RestartCount++;
            Publish(Events.ContainerEventType.Started);
            SaveState(st => st with
            {
                Status = "running", Pid = launched.Process.Pid, PidStartTime = State.ProcessIdentity.StartTime(launched.Process.Pid) ?? 0, StartedAt = DateTimeOffset.UtcNow,
                MonitorPid = launched.MonitorPid ?? 0, MonitorStartTime = launched.MonitorPid is { } monitor ? State.ProcessIdentity.StartTime(monitor) ?? 0 : 0,
            });
            requested?.TrySetResult();
            return true;
        }
        catch (OperationCanceledException)
        {
            requested?.TrySetException(new InvalidOperationException($"Container {Name} was stopped while it restarted."));
            return false;
        }
        catch (Exception e) when (e is MiniDockerException or IOException)
        {
            MiniDockerLog.RestartFailed(_logger, Name, e.Message);
            requested?.TrySetException(e);
            return false;
        }
    }

    private TimeSpan _restartDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>An ended container's host ports are free for others (its forwarding rules go too).</summary>
    private void ReleasePorts()
    {
        try
        {
            MiniDocker.Networks.PublishedPorts.Release(_engine.Options.RootDirectory, Id, _state.Ports);
        }
        catch (Exception e) when (e is Networking.Firewall.FirewallException or IOException)
        {
            MiniDockerLog.PortReleaseFailed(_logger, Name, e.Message);
        }
    }

    private async Task<ContainerExit> WatchExitAsync()
    {
        ExitStatus status;
        var runStarted = StartedAt;
        while (true)
        {
            status = await _process.WaitForExitAsync().ConfigureAwait(false);
            if (!await RelaunchAfterExitAsync(status, runStarted).ConfigureAwait(false)) break;
            runStarted = DateTimeOffset.UtcNow;
        }
        var exitedAt = DateTimeOffset.UtcNow;
        bool oomKilled = false;
        try
        {
            // Read before the cgroup goes: the kernel counts OOM kills per cgroup.
            oomKilled = Cgroup.GetStats().OomKills > 0;
            _paused = false;
            // Whatever the first process left running (exec'd commands, daemons outside a PID
            // namespace) ends with it, and the cgroup goes with them.
            await Cgroup.DeleteAsync().ConfigureAwait(false);
        }
        catch (CgroupException e)
        {
            MiniDockerLog.CgroupCleanupFailed(_logger, Name, e.Message);
        }
        // Its veths went with its network namespace; the addresses and hosts entries go now.
        foreach (var proxy in _proxies) await proxy.DisposeAsync().ConfigureAwait(false);
        ReleasePorts();
        await _networksLock.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var attachment in Networks) _networkCleanup.Add(_engine.Networks.Left(attachment, Id));
        }
        finally
        {
            _networksLock.Release();
        }
        await WaitForLogsAsync().ConfigureAwait(false);
        var exit = new ContainerExit(status.ShellCode, status.Signal is { } s ? (Signal)s : null, oomKilled, exitedAt);
        if (!Reattached) MiniDockerTelemetry.Running.Add(-1);
        if (oomKilled) Publish(Events.ContainerEventType.Oom);
        Publish(Events.ContainerEventType.Died, exit.ExitCode);
        SaveState(st => st with
        {
            Status = "exited", FinishedAt = exitedAt, ExitCode = status.ExitCode is null && status.Signal is null ? null : exit.ExitCode,
            ExitSignal = exit.Signal?.ToString(), OomKilled = oomKilled,
        });
        MiniDockerLog.ContainerExited(_logger, Name, exit);
        return exit;
    }
}
