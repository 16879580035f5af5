namespace MiniDocker.Containers.Waiting;

/// <summary>One thing a container must show before it counts as ready.</summary>
public interface IWaitCondition
{
    /// <summary>What the condition waits for, in words ("port 80/tcp listening").</summary>
    string Description { get; }

    /// <summary>Checks once; false means "not yet".</summary>
    ValueTask<bool> IsReadyAsync(Container container, CancellationToken cancellationToken);
}
