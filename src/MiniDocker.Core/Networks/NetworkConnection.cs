namespace MiniDocker.Networks;

/// <summary>A request to put a container on a network, with extra names others may reach it by.</summary>
/// <param name="Network">The network.</param>
/// <param name="Aliases">Extra names in the other members' /etc/hosts.</param>
public sealed record NetworkConnection(ContainerNetwork Network, IReadOnlyList<string> Aliases);
