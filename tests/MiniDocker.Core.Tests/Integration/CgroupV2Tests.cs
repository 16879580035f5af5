using MiniDocker.Cgroups;
using MiniDocker.Containers;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>
/// The v2 driver on a real kernel. This hybrid host has a cgroup2 hierarchy with no controllers
/// (they are all bound to v1), which still runs cgroup.procs, clone3(CLONE_INTO_CGROUP),
/// cgroup.freeze, cgroup.events and cgroup.kill for real. Limits cannot be, and say so.
/// </summary>
public sealed class CgroupV2Tests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private (ContainerEngine Engine, string Root) CreateV2Engine()
    {
        Require.Root();
        var mounts = CgroupMounts.Read();
        if (mounts.V2Mount is null)
        {
            if (Require.InCi) Assert.Fail("No cgroup2 hierarchy is mounted on this host.");
            Assert.Skip("No cgroup2 hierarchy is mounted on this host.");
        }
        var driver = new CgroupV2Driver(CgroupFileSystem.Instance, Path.Join(mounts.V2Mount, mounts.V2Path));
        var root = Path.Combine(env.Scratch, "v2-" + Guid.NewGuid().ToString("N")[..8]);
        return (new ContainerEngine(new MiniDockerOptions { RootDirectory = root, CgroupParent = env.CgroupParent }, null, driver), root);
    }

    [Fact]
    public async Task The_container_is_cloned_straight_into_its_v2_cgroup()
    {
        var (engine, root) = CreateV2Engine();
        await using (engine)
        {
            var builder = engine.CreateContainer().WithRootfs(env.Rootfs).WithCommand("/bin/sleep", "100");
            Assert.Contains("clone3({flags: CLONE_PARENT|CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET|CLONE_INTO_CGROUP", builder.Explain());
            await using var container = await builder.StartAsync(Cancel);

            var cgroupLine = (await File.ReadAllLinesAsync($"/proc/{container.Pid}/cgroup", Cancel)).Single(l => l.StartsWith("0::", StringComparison.Ordinal));
            Assert.EndsWith($"/{env.CgroupParent}/{container.Id}", cgroupLine);
            Assert.Equal([container.Pid], container.Cgroup.GetProcesses());

            var exec = await container.ExecAsync(["/bin/sh", "-c", "cat /proc/self/cgroup | grep '^0::'"], cancellationToken: Cancel);
            Assert.EndsWith($"/{env.CgroupParent}/{container.Id}\n", exec.Stdout);
        }
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task Freeze_and_kill_work_through_cgroup_freeze_and_cgroup_kill()
    {
        var (engine, root) = CreateV2Engine();
        await using (engine)
        {
            await using var container = await engine.CreateContainer().WithRootfs(env.Rootfs)
                .WithCommand("/bin/sh", "-c", "sleep 100 & sleep 100").StartAsync(Cancel);
            await container.PauseAsync(Cancel);
            Assert.Contains("frozen 1", await File.ReadAllTextAsync(Path.Combine(container.Cgroup.Location, "cgroup.events"), Cancel));
            await container.ResumeAsync(Cancel);

            var location = container.Cgroup.Location;
            await container.Cgroup.KillAsync(Cancel);
            var exit = await container.WaitAsync(Cancel);
            Assert.Equal(Signal.SIGKILL, exit.Signal);
            await Eventually.TrueAsync(() => !Directory.Exists(location));
        }
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task The_device_access_list_is_an_eBPF_program_on_the_v2_cgroup()
    {
        if (!File.Exists("/dev/fuse")) Assert.Skip("/dev/fuse is missing.");
        var (engine, root) = CreateV2Engine();
        await using (engine)
        {
            const string Script = "mknod /root/f-$$ c 10 229; (exec 3<>/root/f-$$) 2>/dev/null && echo open-ok || echo open-refused; rm /root/f-$$; echo x > /dev/null && echo null-ok";
            var confined = await engine.CreateContainer().WithRootfs(env.Rootfs).ShellAsync(Script);
            Assert.Contains("open-refused", confined);
            Assert.Contains("null-ok", confined);

            var given = await engine.CreateContainer().WithRootfs(env.Rootfs).WithDevice("/dev/fuse", "/dev/fuse", "rw")
                .ShellAsync("(exec 3<>/dev/fuse) 2>/dev/null && echo open-ok || echo open-refused");
            Assert.Contains("open-ok", given);
        }
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task A_limit_whose_controller_v2_lacks_here_gets_a_clear_error_and_leaves_nothing()
    {
        var (engine, root) = CreateV2Engine();
        await using (engine)
        {
            var e = await Assert.ThrowsAsync<CgroupException>(() =>
                engine.CreateContainer().WithRootfs(env.Rootfs).WithMemoryLimit(64 << 20).WithCommand("/bin/true").StartAsync(Cancel));
            Assert.Contains("The memory controller is not enabled", e.Message);
            Assert.Empty(Directory.EnumerateDirectories(Path.Combine(CgroupMounts.Read().V2Mount!, env.CgroupParent)));
        }
        Directory.Delete(root, recursive: true);
    }
}
