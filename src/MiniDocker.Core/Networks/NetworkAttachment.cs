using System.Net;

namespace MiniDocker.Networks;

/// <summary>A container's place on a network: its address and the names others reach it by.</summary>
/// <param name="Network">The network.</param>
/// <param name="Address">The container's address.</param>
/// <param name="Names">Its name, hostname and aliases.</param>
public sealed record NetworkAttachment(ContainerNetwork Network, IPAddress Address, IReadOnlyList<string> Names)
{
    /// <summary>
    /// The bridge may send the container's own frames back to it (hairpin mode on its veth): a
    /// container reaching its own published port through the host needs it once the kernel
    /// forwards the port, since with bridge netfilter the rewritten frame leaves by the port it came in.
    /// </summary>
    internal bool Hairpin { get; init; }

    /// <summary>Which of the container's networks this is: it names the veth (host end <c>mdv…N</c>, inner <c>ethN</c>).</summary>
    internal int Index { get; init; }
}
