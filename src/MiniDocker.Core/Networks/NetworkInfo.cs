using MiniDocker.Networking.Ipam;

namespace MiniDocker.Networks;

/// <summary>A network of the engine root, as <c>docker network ls</c> shows it.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Subnet">Its subnet.</param>
/// <param name="Bridge">Its bridge device.</param>
/// <param name="Persistent">Whether it outlives the engine that made it.</param>
public sealed record NetworkInfo(string Name, Subnet Subnet, string Bridge, bool Persistent);
