using System.Collections.Concurrent;
using System.Threading.Channels;
using MiniDocker.Containers;
using MiniDocker.Containers.Events;

namespace MiniDocker.Server.Events;

/// <summary>
/// The engine's container events in Docker's vocabulary, kept as dockerd keeps them: the last
/// 256 for clients that ask for events since a time, and a channel per live subscriber.
/// </summary>
internal sealed class ServerEvents(ContainerEngine engine) : BackgroundService
{
    private const int HistorySize = 256;

    private readonly Lock _gate = new();
    private readonly Queue<ServerEvent> _history = new();
    private readonly List<Channel<ServerEvent>> _subscribers = [];
    // Destroyed containers can no longer be inspected; their image is remembered from earlier events.
    private readonly ConcurrentDictionary<string, string> _images = new(StringComparer.Ordinal);

    /// <summary>The kept events, and a reader of every new one until the subscription is disposed.</summary>
    public EventSubscription Subscribe()
    {
        var channel = Channel.CreateUnbounded<ServerEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            _subscribers.Add(channel);
            return new EventSubscription([.. _history], channel.Reader, () =>
            {
                lock (_gate) _subscribers.Remove(channel);
            });
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var e in engine.EventsAsync(stoppingToken))
                Publish(new ServerEvent(Action(e.Type), e.ContainerId, e.ContainerName, await ImageAsync(e, stoppingToken), e.Time, e.ExitCode));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Publish(ServerEvent e)
    {
        lock (_gate)
        {
            _history.Enqueue(e);
            if (_history.Count > HistorySize) _history.Dequeue();
            foreach (var subscriber in _subscribers) subscriber.Writer.TryWrite(e);
        }
    }

    private async Task<string> ImageAsync(ContainerEvent e, CancellationToken cancellationToken)
    {
        if (e.Type == ContainerEventType.Destroyed && _images.TryRemove(e.ContainerId, out var known)) return known;
        if (_images.TryGetValue(e.ContainerId, out known)) return known;
        try
        {
            var info = await engine.Containers.InspectAsync(e.ContainerId, cancellationToken);
            return _images[e.ContainerId] = info.Image ?? "";
        }
        catch (ContainerNotFoundException)
        {
            return "";
        }
    }

    private static string Action(ContainerEventType type) => type switch
    {
        ContainerEventType.Created => "create",
        ContainerEventType.Started => "start",
        ContainerEventType.Died => "die",
        ContainerEventType.Oom => "oom",
        ContainerEventType.Paused => "pause",
        ContainerEventType.Resumed => "unpause",
        ContainerEventType.Destroyed => "destroy",
        _ => type.ToString().ToLowerInvariant(),
    };
}
