using MiniDocker.Testing;

[assembly: AssemblyFixture(typeof(MiniDocker.Tests.Infrastructure.TestEnvironment))]

namespace MiniDocker.Tests.Infrastructure;

/// <summary>
/// One scratch directory for the whole run (engine roots and the busybox rootfs live in it),
/// removed at the end after checking that no mount below it remains.
/// </summary>
public sealed class TestEnvironment : IDisposable
{
    private readonly Lazy<BusyboxRootfs> _rootfs;
    private readonly HashSet<string> _linksBefore;
    private readonly HashSet<string> _tablesBefore;

    private static IEnumerable<string> NetworkLinks() =>
        Directory.GetDirectories("/sys/class/net").Select(d => Path.GetFileName(d)!).Where(n => n.StartsWith("md", StringComparison.Ordinal));

    public TestEnvironment()
    {
        Scratch = Path.Combine(Path.GetTempPath(), $"minidocker-tests-{Environment.ProcessId}");
        CgroupParent = $"minidocker-tests-{Environment.ProcessId}";
        // What exists before the run is not the run's to answer for.
        _linksBefore = [.. NetworkLinks()];
        _tablesBefore = Tmds.Linux.LibC.geteuid() == 0 ? [.. MiniDocker.Networking.Firewall.NetworkFirewall.Tables()] : [];
        Directory.CreateDirectory(Scratch);
        _rootfs = new Lazy<BusyboxRootfs>(() => BusyboxRootfs.Create(Scratch));
    }

    public string Scratch { get; }

    /// <summary>The cgroup all test engines put their containers under; it must be empty at the end.</summary>
    public string CgroupParent { get; }

    /// <summary>The shared busybox rootfs; tests that change a rootfs build their own.</summary>
    public string Rootfs
    {
        get
        {
            Require.Root();
            Require.Busybox();
            return _rootfs.Value.Path;
        }
    }

    public BusyboxRootfs CreateRootfs()
    {
        Require.Root();
        Require.Busybox();
        return BusyboxRootfs.Create(Scratch);
    }

    public TestEngine CreateEngine(Action<MiniDockerOptions>? configure = null)
    {
        Require.Root();
        return new TestEngine(Path.Combine(Scratch, "engine-" + Guid.NewGuid().ToString("N")[..8]), CgroupParent, configure);
    }

    /// <summary>
    /// Checks that the run left nothing behind, and removes what it can either way, so one
    /// failing run does not leave its mess to the next; then reports what it found.
    /// </summary>
    public void Dispose()
    {
        var problems = new List<string>();
        var children = HostSnapshot.ChildPids()
            .Select(pid => $"{pid} ({(File.Exists($"/proc/{pid}/comm") ? File.ReadAllText($"/proc/{pid}/comm").Trim() : "?")})")
            .ToList();
        if (children.Count > 0) problems.Add($"Processes started by the tests remain: {string.Join(", ", children)}");
        var links = NetworkLinks().Where(l => !_linksBefore.Contains(l)).ToList();
        if (links.Count > 0) problems.Add($"Network links made by the tests remain: {string.Join(", ", links)}");
        var tables = Tmds.Linux.LibC.geteuid() == 0
            ? MiniDocker.Networking.Firewall.NetworkFirewall.Tables().Where(t => !_tablesBefore.Contains(t)).ToList()
            : [];
        if (tables.Count > 0) problems.Add($"nftables tables made by the tests remain: {string.Join(", ", tables)}");
        var mounts = File.ReadAllLines("/proc/self/mountinfo").Where(l => l.Contains(Scratch, StringComparison.Ordinal)).ToList();
        if (mounts.Count > 0) problems.Add($"Mounts below the test directory remain:\n{string.Join('\n', mounts)}");
        var cgroups = Directory.Exists("/sys/fs/cgroup")
            ? Directory.EnumerateDirectories("/sys/fs/cgroup", CgroupParent, SearchOption.AllDirectories).ToList()
            : [];
        var containerCgroups = cgroups.SelectMany(Directory.EnumerateDirectories).ToList();
        if (containerCgroups.Count > 0) problems.Add($"Container cgroups made by the tests remain: {string.Join(", ", containerCgroups)}");

        foreach (var cgroup in containerCgroups.Concat(cgroups)) TryDelete(cgroup);
        if (_rootfs.IsValueCreated) _rootfs.Value.Dispose();
        if (mounts.Count == 0 && Directory.Exists(Scratch)) Directory.Delete(Scratch, recursive: true);
        if (problems.Count > 0) throw new InvalidOperationException(string.Join("\n", problems));
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory);
        }
        catch (IOException)
        {
            // Still busy: reported above.
        }
    }
}
