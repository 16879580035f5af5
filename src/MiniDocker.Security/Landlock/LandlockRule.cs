namespace MiniDocker.Security.Landlock;

/// <summary>Grants <paramref name="Access"/> beneath <paramref name="Path"/> (a directory and everything under it, or one file).</summary>
/// <param name="Path">An absolute path, inside the container when the policy confines a container.</param>
/// <param name="Access">The rights granted there.</param>
public sealed record LandlockRule(string Path, LandlockAccess Access);
