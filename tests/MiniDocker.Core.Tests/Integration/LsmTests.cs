using MiniDocker.Security.Landlock;
using MiniDocker.Security.Lsm;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

public sealed class LsmTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static void RequireLandlock()
    {
        if (LinuxSecurityModules.LandlockAbi > 0) return;
        if (Require.InCi) Assert.Fail("Landlock is not enabled in this kernel.");
        Assert.Skip("Landlock is not enabled in this kernel.");
    }

    [Fact]
    public async Task Landlock_allows_writes_only_where_the_policy_says()
    {
        RequireLandlock();
        await using var test = env.CreateEngine();
        var policy = LandlockPolicy.Create()
            .AllowReadExecute("/bin", "/etc", "/proc")
            .AllowReadWrite("/tmp", "/dev");
        var output = await test.Busybox(env.Rootfs).WithTmpfs("/tmp").WithLandlock(policy).ShellAsync(
            "echo ok > /tmp/allowed && echo tmp-write-ok; (echo no > /root/denied) 2>/dev/null && echo root-write-ok || echo root-write-refused; "
            + "cat /etc/passwd >/dev/null && echo etc-read-ok; (ls /work) >/dev/null 2>&1 && echo work-list-ok || echo work-list-refused; "
            + "grep -c Landlock /proc/self/status >/dev/null; true");
        Assert.Contains("tmp-write-ok", output);
        Assert.Contains("root-write-refused", output);
        Assert.Contains("etc-read-ok", output);
        Assert.Contains("work-list-refused", output);
    }

    [Fact]
    public async Task A_container_created_for_a_later_start_keeps_its_Landlock_policy()
    {
        RequireLandlock();
        await using var test = env.CreateEngine();
        var policy = LandlockPolicy.Create().AllowReadExecute("/bin", "/etc", "/proc").AllowReadWrite("/tmp", "/dev");
        var created = await test.Engine.CreateAsync(test.Busybox(env.Rootfs).WithTmpfs("/tmp").WithLandlock(policy)
            .WithCommand("/bin/sh", "-c", "(echo no > /root/denied) 2>/dev/null && echo root-write-ok || echo root-write-refused; echo ok > /tmp/a && echo tmp-write-ok").Build(), Cancel);
        await using var other = new MiniDocker.Containers.ContainerEngine(new MiniDockerOptions { RootDirectory = test.Root, CgroupParent = env.CgroupParent });
        await using var container = await other.Containers.StartAsync(created.Id, Cancel);
        await container.WaitAsync(Cancel);
        var output = (await container.GetLogsAsync(Cancel)).Stdout;
        Assert.Equal("root-write-refused\ntmp-write-ok\n", output);
    }

    [Fact]
    public async Task Landlock_refuses_to_execute_outside_the_allowed_paths()
    {
        RequireLandlock();
        using var rootfs = env.CreateRootfs();
        File.Copy(Path.Combine(rootfs.Path, "bin", "busybox"), Path.Combine(rootfs.Path, "root", "bb"));
        File.SetUnixFileMode(Path.Combine(rootfs.Path, "root", "bb"), (UnixFileMode)Convert.ToInt32("755", 8));
        await using var test = env.CreateEngine();
        var policy = LandlockPolicy.Create().AllowReadExecute("/bin").AllowRead("/root", "/etc", "/proc").AllowReadWrite("/dev");
        var output = await test.Busybox(rootfs.Path).WithLandlock(policy)
            .ShellAsync("/bin/busybox true && echo bin-exec-ok; (/root/bb true) 2>/dev/null && echo root-exec-ok || echo root-exec-refused");
        Assert.Contains("bin-exec-ok", output);
        Assert.Contains("root-exec-refused", output);
    }

    [Fact]
    public void AppArmor_is_applied_where_active_and_refused_clearly_where_not()
    {
        var builder = new Containers.ContainerBuilder().WithRootfs("/").WithCommand("/bin/true").WithAppArmorProfile("docker-default");
        if (LinuxSecurityModules.AppArmorEnabled)
        {
            Assert.Contains("write(\"/proc/self/attr/apparmor/exec\", \"exec docker-default\")", builder.Explain());
            return;
        }
        var e = Assert.Throws<ContainerConfigurationException>(() => builder.Build());
        Assert.Contains("AppArmor is not active on this host", e.Message);
    }

    [Fact]
    public void SELinux_is_applied_where_active_and_refused_clearly_where_not()
    {
        var builder = new Containers.ContainerBuilder().WithRootfs("/").WithCommand("/bin/true").WithSelinuxLabel("system_u:system_r:container_t:s0");
        if (LinuxSecurityModules.SelinuxEnabled)
        {
            Assert.Contains("write(\"/proc/self/attr/exec\", \"system_u:system_r:container_t:s0\")", builder.Explain());
            return;
        }
        var e = Assert.Throws<ContainerConfigurationException>(() => builder.Build());
        Assert.Contains("SELinux is not active on this host", e.Message);
    }
}
