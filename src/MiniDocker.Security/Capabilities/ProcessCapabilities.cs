namespace MiniDocker.Security.Capabilities;

/// <summary>
/// The five capability sets of a process, as the OCI specification's <c>process.capabilities</c>
/// has them. The bounding set caps what the process and its children can ever gain.
/// </summary>
/// <param name="Bounding">The most any process in the container can hold.</param>
/// <param name="Effective">What the kernel checks now.</param>
/// <param name="Permitted">What the process may make effective.</param>
/// <param name="Inheritable">What passes through execve to programs with matching file capabilities.</param>
/// <param name="Ambient">What passes through execve to any program a non-root user runs.</param>
public sealed record ProcessCapabilities(
    CapabilitySet Bounding,
    CapabilitySet Effective,
    CapabilitySet Permitted,
    CapabilitySet Inheritable,
    CapabilitySet Ambient)
{
    /// <summary>
    /// Docker's mapping of one set: bounding, effective and permitted hold it for root; a non-root
    /// user keeps it only in the bounding set (it can be regained through setuid or file
    /// capabilities, never ambiently).
    /// </summary>
    public static ProcessCapabilities ForUser(CapabilitySet set, uint uid)
    {
        ArgumentNullException.ThrowIfNull(set);
        return uid == 0
            ? new ProcessCapabilities(set, set, set, CapabilitySet.None, CapabilitySet.None)
            : new ProcessCapabilities(set, CapabilitySet.None, CapabilitySet.None, CapabilitySet.None, CapabilitySet.None);
    }
}
