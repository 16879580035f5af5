using MiniDocker.Logging;

namespace MiniDocker.Containers;

public sealed partial class Container
{
    // Set while RestartAsync waits for the run it stopped to be replaced; the exit watcher relaunches and completes it.
    private TaskCompletionSource? _restartRequest;

    /// <summary>
    /// Stops the container's program as <see cref="StopAsync"/> does and starts it again at once,
    /// with the same id, rootfs (its changes kept), cgroup, networks and addresses (<c>docker restart</c>).
    /// A paused container is thawed first.
    /// </summary>
    /// <param name="timeout">The grace period before SIGKILL; <see cref="MiniDockerOptions.StopTimeout"/> when null.</param>
    /// <param name="cancellationToken">Cancels the wait; the restart itself goes on.</param>
    /// <exception cref="InvalidOperationException">
    /// The container has ended, is restarting already, or was started by another engine (only the
    /// engine that launched a container can launch it again).
    /// </exception>
    public async Task RestartAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        EnsureRunning("restart it");
        if (Reattached)
            throw new InvalidOperationException($"Container {Name} was started by another engine; restart it from there, or stop it and run it again.");
        var request = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _restartRequest, request, null) is not null)
            throw new InvalidOperationException($"Container {Name} is restarting already.");
        var run = _process;
        if (_paused)
        {
            await Cgroup.ThawAsync(cancellationToken).ConfigureAwait(false);
            _paused = false;
        }
        run.Signal((int)_definition.StopSignal);
        var grace = timeout ?? _engine.Options.StopTimeout;
        try
        {
            await request.Task.WaitAsync(grace, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            MiniDockerLog.StopTimedOut(_logger, Name, grace);
            run.Signal((int)Signal.SIGKILL);
            await request.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Lets go of an exited container whose id starts a new run (<c>docker start</c> of an exited
    /// container): its state directory, rootfs changes, logs and name pass to the new run's object,
    /// and this one acts as removed.
    /// </summary>
    internal async Task RetireAsync()
    {
        await _disposeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_removed) return;
            lock (_stateLock) _removed = true;
            await LetGoOfRunAsync().ConfigureAwait(false);
            _name.Keep();
            _engine.Forget(this);
        }
        finally
        {
            _disposeLock.Release();
        }
    }

    /// <summary>The pending restart request, taken by the exit watcher when the run it stopped ends.</summary>
    private TaskCompletionSource? TakeRestartRequest() => Interlocked.Exchange(ref _restartRequest, null);
}
