namespace MiniDocker.Containers.Events;

/// <summary>Something that happened to a container.</summary>
/// <param name="Type">What happened.</param>
/// <param name="ContainerId">The container's id.</param>
/// <param name="ContainerName">The container's name.</param>
/// <param name="Time">When.</param>
/// <param name="ExitCode">For <see cref="ContainerEventType.Died"/>: the exit code (-1 when unknown).</param>
public sealed record ContainerEvent(ContainerEventType Type, string ContainerId, string ContainerName, DateTimeOffset Time, int? ExitCode = null);
