using MiniDocker.Cgroups;
using MiniDocker.Containers;
using static MiniDocker.Tests.Cgroups.FakeCgroupV2FileSystem;

namespace MiniDocker.Tests.Cgroups;

public sealed class StaleCgroupTests
{
    [Fact]
    public void An_engine_removes_empty_container_cgroups_a_crashed_engine_left_and_nothing_else()
    {
        var fs = new FakeCgroupV2FileSystem();
        var driver = new CgroupV2Driver(fs, Root);
        string Id(char c) => new(c, 64);
        foreach (var id in new[] { Id('a'), Id('b'), Id('c') }) driver.Create("minidocker/" + id);
        driver.Create("minidocker/not-a-container");
        var old = DateTimeOffset.UtcNow.AddMinutes(-5);
        fs[$"{Root}/minidocker/{Id('a')}"].Created = old;                                   // stale and empty: removed
        fs[$"{Root}/minidocker/{Id('b')}"].Created = old;
        fs[$"{Root}/minidocker/{Id('b')}"].Processes.Add(77);                               // still running: kept
        fs[$"{Root}/minidocker/not-a-container"].Created = old;                             // not ours: kept
        // Id('c') is empty but new: another engine may be starting it right now; kept.

        var engine = new ContainerEngine(new MiniDockerOptions { RootDirectory = "/tmp/unused-engine-root" }, null, driver);
        _ = engine.CreateContainer().WithRootfs("/").WithCommand("/bin/true").Explain();

        Assert.False(fs.DirectoryExists($"{Root}/minidocker/{Id('a')}"));
        Assert.True(fs.DirectoryExists($"{Root}/minidocker/{Id('b')}"));
        Assert.True(fs.DirectoryExists($"{Root}/minidocker/{Id('c')}"));
        Assert.True(fs.DirectoryExists($"{Root}/minidocker/not-a-container"));
    }
}
