using System.Collections.Immutable;

namespace MiniDocker.Containers.Waiting;

/// <summary>
/// Conditions a container must all meet after it starts, checked every <see cref="Interval"/>
/// until <see cref="Timeout"/>: what Testcontainers calls a wait strategy. Made with <see cref="Wait"/>.
/// </summary>
public sealed class WaitStrategy
{
    internal WaitStrategy(ImmutableArray<IWaitCondition> conditions, TimeSpan timeout, TimeSpan interval)
    {
        Conditions = conditions;
        Timeout = timeout;
        Interval = interval;
    }

    /// <summary>The conditions, checked in order.</summary>
    public ImmutableArray<IWaitCondition> Conditions { get; }

    /// <summary>How long to wait in all; 60 s by default.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>How long between checks; 100 ms by default.</summary>
    public TimeSpan Interval { get; }

    /// <summary>This strategy's conditions and then <paramref name="other"/>'s.</summary>
    public WaitStrategy And(WaitStrategy other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Conditions.AddRange(other.Conditions), Timeout, Interval);
    }

    /// <summary>The same conditions with another timeout.</summary>
    public WaitStrategy WithTimeout(TimeSpan timeout) =>
        timeout > TimeSpan.Zero ? new(Conditions, timeout, Interval) : throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A timeout must be positive.");

    /// <summary>The same conditions checked at another interval.</summary>
    public WaitStrategy WithInterval(TimeSpan interval) =>
        interval > TimeSpan.Zero ? new(Conditions, Timeout, interval) : throw new ArgumentOutOfRangeException(nameof(interval), interval, "An interval must be positive.");

    /// <summary>Waits until every condition holds.</summary>
    /// <exception cref="ContainerNotReadyException">A condition did not hold in time, or the container exited first.</exception>
    public async Task WaitAsync(Container container, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        foreach (var condition in Conditions)
        {
            while (true)
            {
                if (container.Status != ContainerStatus.Running && container.Status != ContainerStatus.Paused)
                    throw await NotReadyAsync(container, condition, $"the container exited ({container.Exit}) before it was ready").ConfigureAwait(false);
                try
                {
                    if (await condition.IsReadyAsync(container, deadline.Token).ConfigureAwait(false)) break;
                    await Task.Delay(Interval, deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw await NotReadyAsync(container, condition, $"it did not hold within {Timeout.TotalSeconds:0.#} s").ConfigureAwait(false);
                }
            }
        }
    }

    private static async Task<ContainerNotReadyException> NotReadyAsync(Container container, IWaitCondition condition, string why)
    {
        IReadOnlyList<LogLine> lines = [];
        try
        {
            lines = await container.GetLogsAsync(new LogOptions { Tail = 10 }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
        return new ContainerNotReadyException(container.Name, condition.Description, why, [.. lines.Select(l => l.Text.TrimEnd('\n'))]);
    }
}
