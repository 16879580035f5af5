using System.Net;

namespace MiniDocker.Networks;

/// <summary>A container's place on a network: its address and the names others reach it by.</summary>
/// <param name="Network">The network.</param>
/// <param name="Address">The container's address.</param>
/// <param name="Names">Its name, hostname and aliases.</param>
public sealed record NetworkAttachment(ContainerNetwork Network, IPAddress Address, IReadOnlyList<string> Names);
