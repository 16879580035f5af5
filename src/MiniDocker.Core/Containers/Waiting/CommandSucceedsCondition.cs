namespace MiniDocker.Containers.Waiting;

/// <summary>A command run in the container exits with 0.</summary>
internal sealed class CommandSucceedsCondition(IReadOnlyList<string> command) : IWaitCondition
{
    public string Description => $"'{string.Join(' ', command)}' to succeed";

    public async ValueTask<bool> IsReadyAsync(Container container, CancellationToken cancellationToken) =>
        (await container.ExecAsync(command, cancellationToken: cancellationToken).ConfigureAwait(false)).ExitCode == 0;
}
