using System.Threading.Channels;

namespace MiniDocker.Server.Events;

/// <summary>What a client of <c>/events</c> gets: the events kept so far, and the new ones as they come.</summary>
internal sealed class EventSubscription(IReadOnlyList<ServerEvent> past, ChannelReader<ServerEvent> live, Action unsubscribe) : IDisposable
{
    public IReadOnlyList<ServerEvent> Past { get; } = past;

    public ChannelReader<ServerEvent> Live { get; } = live;

    public void Dispose() => unsubscribe();
}
