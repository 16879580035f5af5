using MiniDocker.Containers;

namespace MiniDocker.Hosting;

/// <summary>A container the hosted service starts with the host and stops with it.</summary>
/// <param name="Name">A name for logs and lookups (<see cref="MiniDockerHostedService.Containers"/>).</param>
/// <param name="Configure">Describes the container, given a builder from the engine.</param>
public sealed record HostedContainer(string Name, Func<ContainerBuilder, ContainerBuilder> Configure);
