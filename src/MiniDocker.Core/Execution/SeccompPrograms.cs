using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MiniDocker.Security.Seccomp;
using MiniDocker.Spec;

namespace MiniDocker.Execution;

/// <summary>
/// Compiled filters, kept per profile: compiling Docker's default takes milliseconds, loading
/// the bytes takes microseconds, and most containers share one profile.
/// </summary>
internal static class SeccompPrograms
{
    private sealed record Compiled(byte[] Program, int Instructions);

    private const int MaximumCached = 64;

    private static readonly ConcurrentDictionary<string, (byte[] Program, int Instructions)> Cache = new(StringComparer.Ordinal);

    // The builder hands out one LinuxSeccompSpec per profile and capability set, so most
    // containers are found by reference without serializing the profile again.
    private static readonly ConditionalWeakTable<LinuxSeccompSpec, Compiled> ByReference = [];

    private static readonly ConditionalWeakTable<SeccompProfile, ConcurrentDictionary<ulong, LinuxSeccompSpec>> Resolved = [];

    /// <summary>The specification form of <paramref name="profile"/> for a container holding <paramref name="capabilities"/>, built once per pair.</summary>
    public static LinuxSeccompSpec Resolve(SeccompProfile profile, Security.Capabilities.CapabilitySet capabilities) =>
        Resolved.GetOrCreateValue(profile).GetOrAdd(capabilities.Mask,
            _ => LinuxSeccompSpec.From(profile.Resolve(new SeccompCompileOptions { Capabilities = capabilities })));

    public static SeccompStep Get(LinuxSeccompSpec spec, bool beforeCapabilities)
    {
        if (ByReference.TryGetValue(spec, out var known))
            return new SeccompStep(known.Program, known.Instructions, AfterNoNewPrivileges: !beforeCapabilities);
        var key = JsonSerializer.Serialize(spec, RuntimeSpecJsonContext.Default.LinuxSeccompSpec);
        if (!Cache.TryGetValue(key, out var compiled))
        {
            SeccompFilter filter;
            try
            {
                filter = spec.ToProfile().Compile();
            }
            catch (SeccompProfileException e)
            {
                throw new ContainerConfigurationException($"linux.seccomp: {e.Message}", e);
            }
            compiled = (filter.ToBytes(), filter.Length);
            if (Cache.Count < MaximumCached) Cache[key] = compiled;
        }
        ByReference.AddOrUpdate(spec, new Compiled(compiled.Program, compiled.Instructions));
        return new SeccompStep(compiled.Program, compiled.Instructions, AfterNoNewPrivileges: !beforeCapabilities);
    }
}
