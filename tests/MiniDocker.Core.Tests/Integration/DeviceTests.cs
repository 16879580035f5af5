using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>
/// The device access list (cgroup v1 devices controller here), shown with /dev/fuse (10:229):
/// a character device root can open without any capability, and not on the default list.
/// (This VM blocks raw disk access from any child devices cgroup by other means, so disks
/// cannot show the difference.)
/// </summary>
public sealed class DeviceTests(TestEnvironment env)
{
    private const string Fuse = "/dev/fuse";

    private static void RequireFuse()
    {
        if (File.Exists(Fuse)) return;
        if (Require.InCi) Assert.Fail($"{Fuse} is missing; the device tests need it (modprobe fuse).");
        Assert.Skip($"{Fuse} is missing.");
    }

    [Fact]
    public async Task A_default_container_may_create_a_device_node_but_not_open_a_device_off_the_list()
    {
        RequireFuse();
        await using var test = env.CreateEngine();
        var node = $"/root/fuse-{Guid.NewGuid():N}";
        var output = await test.Busybox(env.Rootfs).ShellAsync(
            $"mknod {node} c 10 229 && echo mknod-ok; (exec 3<>{node}) 2>/dev/null && echo open-ok || echo open-refused; rm {node}; echo x > /dev/null && echo null-ok");
        Assert.Contains("mknod-ok", output);
        Assert.Contains("open-refused", output);
        Assert.Contains("null-ok", output);
    }

    [Fact]
    public async Task WithDevice_gives_the_container_a_host_device_with_the_permissions_asked()
    {
        RequireFuse();
        await using var test = env.CreateEngine();
        var output = await test.Busybox(env.Rootfs).WithDevice(Fuse, "/dev/myfuse", "r")
            .ShellAsync("test -c /dev/myfuse && echo char; (exec 3</dev/myfuse) 2>/dev/null && echo read-ok; (exec 4>/dev/myfuse) 2>/dev/null && echo write-ok || echo write-refused");
        Assert.Contains("char\nread-ok\nwrite-refused\n", output);
    }

    [Fact]
    public async Task A_privileged_container_has_no_device_list()
    {
        RequireFuse();
        await using var test = env.CreateEngine();
        var node = $"/root/pfuse-{Guid.NewGuid():N}";
        var output = await test.Busybox(env.Rootfs).WithPrivileged()
            .ShellAsync($"mknod {node} c 10 229; (exec 3<>{node}) 2>/dev/null && echo open-ok; rm {node}");
        Assert.Contains("open-ok", output);
    }

    [Fact]
    public void A_device_that_does_not_exist_is_refused()
    {
        var e = Assert.Throws<ContainerConfigurationException>(() => new Containers.ContainerBuilder().WithDevice("/dev/no-such-device"));
        Assert.Contains("/dev/no-such-device does not exist on the host", e.Message);
    }
}
