namespace MiniDocker.Security.Landlock;

/// <summary>
/// A Landlock filesystem sandbox: every right in <see cref="Handled"/> is denied everywhere except
/// where a rule grants it. An unprivileged, stackable LSM: an extra layer on top of namespaces,
/// capabilities and seccomp, which Docker, Podman and LXC do not use by default.
/// </summary>
public sealed record LandlockPolicy
{
    /// <summary>The rights the policy restricts; rights not handled stay unrestricted.</summary>
    public LandlockAccess Handled { get; init; } = LandlockAccess.ReadExecute | LandlockAccess.Write;

    /// <summary>Where rights are granted.</summary>
    public IReadOnlyList<LandlockRule> Rules { get; init; } = [];

    /// <summary>An empty policy that handles read, execute and write rights: nothing is allowed until granted.</summary>
    public static LandlockPolicy Create() => new();

    /// <summary>Allows reading (files and listings) beneath the paths.</summary>
    public LandlockPolicy AllowRead(params string[] paths) => Allow(LandlockAccess.Read, paths);

    /// <summary>Allows reading and executing beneath the paths.</summary>
    public LandlockPolicy AllowReadExecute(params string[] paths) => Allow(LandlockAccess.ReadExecute, paths);

    /// <summary>Allows reading and every kind of change beneath the paths.</summary>
    public LandlockPolicy AllowReadWrite(params string[] paths) => Allow(LandlockAccess.Read | LandlockAccess.Write, paths);

    /// <summary>Allows <paramref name="access"/> beneath the paths.</summary>
    public LandlockPolicy Allow(LandlockAccess access, params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        foreach (var path in paths)
        {
            if (!path.StartsWith('/'))
                throw new ArgumentException($"Landlock paths must be absolute; \"{path}\" is not.", nameof(paths));
        }
        return this with { Rules = [.. Rules, .. paths.Select(p => new LandlockRule(p, access))] };
    }
}
