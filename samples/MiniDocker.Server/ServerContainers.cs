using System.Collections.Concurrent;
using MiniDocker.Containers;

namespace MiniDocker.Server;

/// <summary>
/// What the server knows beyond the engine's store: which created containers go away when they
/// exit (<c>--rm</c>), and the moment each one starts, which attach and wait requests made before
/// the start (as <c>docker run</c> makes them) wait for.
/// </summary>
internal sealed class ServerContainers(ContainerEngine engine)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Container>> _started = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _removed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _autoRemove = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Task, bool>> _streams = new(StringComparer.Ordinal);

    /// <summary>
    /// Records an attached stream: a <c>--rm</c> container is removed only once its attached
    /// clients have read everything (its log goes with it).
    /// </summary>
    public void Streaming(string id, Task stream) =>
        _streams.GetOrAdd(id, _ => new ConcurrentDictionary<Task, bool>())[stream] = true;

    public void MarkAutoRemove(string id) => _autoRemove[id] = true;

    public bool IsAutoRemove(string id) => _autoRemove.ContainsKey(id);

    /// <summary>The live container once it has started (at once if it runs already), as attach before a start (docker start -a) waits for it.</summary>
    public async Task<Container> WhenStartedAsync(string id, CancellationToken cancellationToken)
    {
        var next = Started(id).Task;
        // Checked after taking the start to wait for: a start that completed in between is seen here.
        if (engine.Containers.FirstOrDefault(c => c.Id == id) is { Status: ContainerStatus.Running or ContainerStatus.Paused } live) return live;
        var info = await engine.Containers.InspectAsync(id, cancellationToken);
        if (info.Status is ContainerStatus.Running or ContainerStatus.Paused) return await engine.Containers.GetAsync(id, cancellationToken);
        return await next.WaitAsync(cancellationToken);
    }

    /// <summary>Completes once a <c>--rm</c> container has been removed.</summary>
    public Task WhenRemovedAsync(string id, CancellationToken cancellationToken) =>
        Removed(id).Task.WaitAsync(cancellationToken);

    public async Task StartAsync(string id, CancellationToken cancellationToken)
    {
        Container container;
        try
        {
            container = await engine.Containers.StartAsync(id, cancellationToken);
        }
        catch (Exception e)
        {
            // Attach and wait requests made for this start end with it.
            Started(id).TrySetException(e);
            _started.TryRemove(id, out _);
            if (_autoRemove.TryRemove(id, out _))
            {
                await engine.Containers.RemoveAsync(id, force: true, CancellationToken.None);
                Removed(id).TrySetResult();
            }
            throw;
        }
        // Waiters hold the task; the next start of the same container waits on a new one.
        if (_started.TryRemove(id, out var started)) started.TrySetResult(container);
        if (_autoRemove.ContainsKey(id)) _ = RemoveWhenExitedAsync(container);
    }

    private async Task RemoveWhenExitedAsync(Container container)
    {
        try
        {
            await container.WaitAsync(CancellationToken.None);
            if (_streams.TryRemove(container.Id, out var streams))
                await Task.WhenAny(Task.WhenAll(streams.Keys), Task.Delay(TimeSpan.FromSeconds(10)));
            await container.DisposeAsync();
        }
        finally
        {
            _autoRemove.TryRemove(container.Id, out _);
            Removed(container.Id).TrySetResult();
        }
    }

    private TaskCompletionSource Removed(string id) =>
        _removed.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private TaskCompletionSource<Container> Started(string id) =>
        _started.GetOrAdd(id, _ => new TaskCompletionSource<Container>(TaskCreationOptions.RunContinuationsAsynchronously));
}
