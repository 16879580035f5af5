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

    public void Dispose()
    {
        var children = HostSnapshot.ChildPids()
            .Select(pid => $"{pid} ({(File.Exists($"/proc/{pid}/comm") ? File.ReadAllText($"/proc/{pid}/comm").Trim() : "?")})")
            .ToList();
        if (children.Count > 0)
            throw new InvalidOperationException($"Processes started by the tests remain: {string.Join(", ", children)}");
        var links = NetworkLinks().Where(l => !_linksBefore.Contains(l)).ToList();
        if (links.Count > 0)
            throw new InvalidOperationException($"Network links made by the tests remain: {string.Join(", ", links)}");
        var tables = Tmds.Linux.LibC.geteuid() == 0
            ? MiniDocker.Networking.Firewall.NetworkFirewall.Tables().Where(t => !_tablesBefore.Contains(t)).ToList()
            : [];
        if (tables.Count > 0)
            throw new InvalidOperationException($"nftables tables made by the tests remain: {string.Join(", ", tables)}");
        var leftover = File.ReadAllLines("/proc/self/mountinfo").Where(l => l.Contains(Scratch, StringComparison.Ordinal)).ToList();
        if (leftover.Count > 0)
            throw new InvalidOperationException($"Mounts below the test directory remain:\n{string.Join('\n', leftover)}");
        var cgroups = Directory.EnumerateDirectories("/sys/fs/cgroup", CgroupParent, SearchOption.AllDirectories).ToList();
        var containerCgroups = cgroups.SelectMany(Directory.EnumerateDirectories).ToList();
        foreach (var parent in cgroups) Directory.Delete(parent);
        if (containerCgroups.Count > 0)
            throw new InvalidOperationException($"Container cgroups made by the tests remain: {string.Join(", ", containerCgroups)}");
        if (_rootfs.IsValueCreated) _rootfs.Value.Dispose();
        Directory.Delete(Scratch, recursive: true);
    }
}
