using System.Collections.Concurrent;
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
    private const int MaximumCached = 64;

    private static readonly ConcurrentDictionary<string, (byte[] Program, int Instructions)> Cache = new(StringComparer.Ordinal);

    public static SeccompStep Get(LinuxSeccompSpec spec, bool beforeCapabilities)
    {
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
        return new SeccompStep(compiled.Program, compiled.Instructions, AfterNoNewPrivileges: !beforeCapabilities);
    }
}
