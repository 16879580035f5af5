namespace MiniDocker.Tests.Infrastructure;

/// <summary>What the host process has open and mounted, to compare before and after.</summary>
public sealed record HostSnapshot(IReadOnlyList<string> Fds, IReadOnlyList<string> Mounts, IReadOnlyList<int> Children)
{
    public int OpenFds => Fds.Count;

    /// <summary>The fds of the kinds the engine opens: pidfds, sync sockets, plans, namespace and cgroup files, logs.</summary>
    public IReadOnlyList<string> EngineFds(string engineRoot) =>
        [.. Fds.Where(f => f.Contains("pidfd", StringComparison.Ordinal) || f.StartsWith("socket:", StringComparison.Ordinal)
            || f.Contains("minidocker", StringComparison.Ordinal) || f.StartsWith(engineRoot, StringComparison.Ordinal)
            || f.StartsWith("/proc/", StringComparison.Ordinal) || f.StartsWith("/sys/fs/cgroup", StringComparison.Ordinal))];

    public static HostSnapshot Take() => new(
        [.. Directory.GetFiles("/proc/self/fd").Select(f => { try { return new FileInfo(f).LinkTarget ?? "?"; } catch (IOException) { return "?"; } }).Order(StringComparer.Ordinal)],
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
