using MiniDocker.Namespaces;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

public sealed class IsolationTests(TestEnvironment env)
{
    [Fact]
    public async Task Busybox_container_is_pid_1_with_its_own_hostname_processes_network_and_ipc()
    {
        await using var test = env.CreateEngine();
        var mountsBefore = HostSnapshot.Take().Mounts;
        var hostIpc = Namespace.OfCurrentProcess(NamespaceType.Ipc);

        var output = await test.Busybox(env.Rootfs)
            .WithHostname("box")
            .ShellAsync("echo pid=$$; echo host=$(hostname); echo procs=$(ls /proc | grep -c '^[0-9]'); echo links=$(ls /sys/class/net); readlink /proc/self/ns/ipc");

        Assert.Contains("pid=1\n", output);
        Assert.Contains("host=box\n", output);
        // sh, the subshell and its ls and grep at most: no host process is visible.
        Assert.Matches(@"procs=[1-4]\n", output);
        Assert.Contains("links=lo\n", output);
        Assert.DoesNotContain($"ipc:[{hostIpc.Inode}]", output);
        Assert.Contains("ipc:[", output);
        Assert.Equal(mountsBefore, HostSnapshot.Take().Mounts);
    }

    [Fact]
    public async Task Loopback_is_up_in_the_new_network_namespace()
    {
        await using var test = env.CreateEngine();
        var output = await test.Busybox(env.Rootfs).ShellAsync("ip -o link show lo; ping -c 1 -W 2 127.0.0.1 >/dev/null && echo ping-ok");
        Assert.Contains("UP", output);
        Assert.Contains("ping-ok", output);
    }

    [Fact]
    public async Task Namespaces_left_out_are_shared_with_the_host()
    {
        await using var test = env.CreateEngine();
        var hostNet = Namespace.OfCurrentProcess(NamespaceType.Network);
        var output = await test.Busybox(env.Rootfs)
            .WithNamespaces(NamespaceType.Mount, NamespaceType.Pid)
            .ShellAsync("readlink /proc/self/ns/net");
        Assert.Contains($"net:[{hostNet.Inode}]", output);
    }

    [Fact]
    public async Task Host_rootfs_is_read_only_with_private_tmp_proc_and_dev()
    {
        await using var test = env.CreateEngine();
        Require.Busybox();
        var marker = Path.Combine("/tmp", "minidocker-marker-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(marker, "host", TestContext.Current.CancellationToken);
        try
        {
            var output = await test.Engine.CreateContainer()
                .WithHostRootfs()
                .ShellAsync($"touch /etc/x 2>/dev/null && echo etc-writable; test -e {marker} && echo host-tmp-visible; echo tmp-ok > /tmp/f && cat /tmp/f; ls /dev | tr '\\n' ' '; echo; echo pid=$$");
            Assert.DoesNotContain("etc-writable", output);
            Assert.DoesNotContain("host-tmp-visible", output);
            Assert.Contains("tmp-ok", output);
            Assert.Contains("null", output);
            Assert.DoesNotContain("sda", output);
            Assert.DoesNotContain("vda", output);
            Assert.Contains("pid=1", output);
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task Kernel_data_is_masked_and_kernel_settings_are_read_only()
    {
        await using var test = env.CreateEngine();
        var output = await test.Busybox(env.Rootfs).ShellAsync(
            "echo keys=$(wc -c < /proc/keys); echo firmware=$(ls -A /sys/firmware | wc -l); "
            + "(echo 1 > /proc/sys/vm/drop_caches) 2>/dev/null && echo sys-writable; (echo x > /proc/sysrq-trigger) 2>/dev/null && echo sysrq-writable; "
            + "grep -c ' /proc/sys proc ro,' /proc/self/mounts");
        Assert.Contains("keys=0\n", output);
        Assert.Contains("firmware=0\n", output);
        Assert.DoesNotContain("writable", output);
        Assert.EndsWith("1\n", output);
    }

    [Fact]
    public async Task Time_namespace_is_made_when_asked()
    {
        await using var test = env.CreateEngine();
        var host = Namespace.OfCurrentProcess(NamespaceType.Time);
        var output = await test.Busybox(env.Rootfs)
            .WithNamespaces(NamespaceType.Mount, NamespaceType.Pid, NamespaceType.Time)
            .ShellAsync("readlink /proc/self/ns/time");
        Assert.Contains("time:[", output);
        Assert.DoesNotContain($"time:[{host.Inode}]", output);
    }

    [Fact]
    public async Task Dev_has_the_standard_devices_and_links()
    {
        await using var test = env.CreateEngine();
        var output = await test.Busybox(env.Rootfs).ShellAsync(
            "for d in null zero full random urandom tty; do test -c /dev/$d && echo char-$d; done; "
            + "readlink /dev/fd; readlink /dev/ptmx; test -d /dev/pts && echo pts; test -d /dev/shm && echo shm; test -d /dev/mqueue && echo mqueue; "
            + "head -c 4 /dev/zero | wc -c; echo x > /dev/null && echo null-ok");
        foreach (var device in new[] { "null", "zero", "full", "random", "urandom", "tty" })
            Assert.Contains($"char-{device}\n", output);
        Assert.Contains("/proc/self/fd\n", output);
        Assert.Contains("pts/ptmx\n", output);
        Assert.Contains("pts\nshm\nmqueue\n", output);
        Assert.Contains("4\nnull-ok", output);
    }

    [Fact]
    public async Task Sysfs_is_read_only_and_proc_has_no_suid_dev_or_exec()
    {
        await using var test = env.CreateEngine();
        var output = await test.Busybox(env.Rootfs).ShellAsync("grep -E ' /sys | /proc ' /proc/self/mounts");
        Assert.Matches(@"sysfs /sys sysfs ro,", output);
        Assert.Matches(@"proc /proc proc rw,nosuid,nodev,noexec", output);
    }
}
