using System.Text.RegularExpressions;

namespace MiniDocker.Containers.Waiting;

/// <summary>A line of the container's log matches the pattern.</summary>
internal sealed class MessageLoggedCondition(Regex pattern) : IWaitCondition
{
    public string Description => $"a log line matching /{pattern}/";

    public async ValueTask<bool> IsReadyAsync(Container container, CancellationToken cancellationToken) =>
        (await container.GetLogsAsync(new LogOptions(), cancellationToken).ConfigureAwait(false)).Any(l => pattern.IsMatch(l.Text));
}
