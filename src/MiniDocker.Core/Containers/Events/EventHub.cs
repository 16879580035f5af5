using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace MiniDocker.Containers.Events;

/// <summary>Hands each event to every subscriber, each through a channel of its own, so a slow reader delays no one.</summary>
internal sealed class EventHub
{
    private readonly Lock _lock = new();
    private readonly List<ChannelWriter<ContainerEvent>> _subscribers = [];

    public void Publish(ContainerEvent e)
    {
        lock (_lock)
            foreach (var subscriber in _subscribers) subscriber.TryWrite(e);
    }

    public async IAsyncEnumerable<ContainerEvent> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<ContainerEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (_lock) _subscribers.Add(channel.Writer);
        try
        {
            while (true)
            {
                ContainerEvent e;
                try
                {
                    e = await channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
                {
                    yield break;
                }
                yield return e;
            }
        }
        finally
        {
            lock (_lock) _subscribers.Remove(channel.Writer);
        }
    }

    /// <summary>Ends every subscription (the engine is disposed).</summary>
    public void Complete()
    {
        lock (_lock)
        {
            foreach (var subscriber in _subscribers) subscriber.TryComplete();
            _subscribers.Clear();
        }
    }
}
