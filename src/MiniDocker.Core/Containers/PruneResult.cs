namespace MiniDocker.Containers;

/// <summary>What <see cref="ContainerEngine.PruneAsync"/> removed.</summary>
/// <param name="Containers">The ids of the exited containers removed, with their state, logs, names and cgroups.</param>
/// <param name="Images">The blobs and unpacked layers no image and no container referenced any more.</param>
public sealed record PruneResult(IReadOnlyList<string> Containers, Images.GarbageCollection Images);
