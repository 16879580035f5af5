namespace MiniDocker.Tests.Infrastructure;

/// <summary>What the host process has open and mounted, to compare before and after.</summary>
public sealed record HostSnapshot(int OpenFds, IReadOnlyList<string> Mounts, IReadOnlyList<int> Children)
{
    public static HostSnapshot Take() => new(
        Directory.GetFiles("/proc/self/fd").Length,
        [.. File.ReadAllLines("/proc/self/mountinfo").Select(l => string.Join(' ', l.Split(' ').Skip(3).Take(2))).Order(StringComparer.Ordinal)],
        ChildPids());

    /// <summary>The pids of this process's children, over all its threads.</summary>
    public static IReadOnlyList<int> ChildPids() =>
        [.. Directory.EnumerateDirectories("/proc/self/task")
            .Select(t => Path.Combine(t, "children"))
            .Where(File.Exists)
            .SelectMany(f => File.ReadAllText(f).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(int.Parse)
            .Order()];
}
