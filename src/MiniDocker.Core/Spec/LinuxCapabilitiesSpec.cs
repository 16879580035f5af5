using MiniDocker.Security.Capabilities;

namespace MiniDocker.Spec;

/// <summary>The capability sets of the container process (<c>process.capabilities</c>), as kernel names such as CAP_CHOWN.</summary>
public sealed record LinuxCapabilitiesSpec
{
    /// <summary>The bounding set.</summary>
    public IList<string> Bounding { get; init; } = [];

    /// <summary>The effective set.</summary>
    public IList<string> Effective { get; init; } = [];

    /// <summary>The permitted set.</summary>
    public IList<string> Permitted { get; init; } = [];

    /// <summary>The inheritable set.</summary>
    public IList<string> Inheritable { get; init; } = [];

    /// <summary>The ambient set.</summary>
    public IList<string> Ambient { get; init; } = [];

    /// <summary>The specification's form of <paramref name="capabilities"/>.</summary>
    public static LinuxCapabilitiesSpec From(ProcessCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        return new LinuxCapabilitiesSpec
        {
            Bounding = Names(capabilities.Bounding),
            Effective = Names(capabilities.Effective),
            Permitted = Names(capabilities.Permitted),
            Inheritable = Names(capabilities.Inheritable),
            Ambient = Names(capabilities.Ambient),
        };
    }

    /// <summary>The five sets.</summary>
    /// <exception cref="ContainerConfigurationException">A name is not a capability.</exception>
    public ProcessCapabilities ToCapabilities()
    {
        try
        {
            return new ProcessCapabilities(Set(Bounding), Set(Effective), Set(Permitted), Set(Inheritable), Set(Ambient));
        }
        catch (FormatException e)
        {
            throw new ContainerConfigurationException($"process.capabilities: {e.Message}", e);
        }
    }

    private static List<string> Names(CapabilitySet set) => [.. set.Members.Select(CapabilitySet.KernelName)];

    private static CapabilitySet Set(IList<string> names) => CapabilitySet.Of([.. names.Select(CapabilitySet.Parse)]);
}
