using System.Globalization;
using MiniDocker.Security.Capabilities;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

public sealed class CapabilityTests(TestEnvironment env)
{
    private static ulong Mask(string status, string field) =>
        ulong.Parse(status.Split('\n').Single(l => l.StartsWith(field + ":", StringComparison.Ordinal)).Split('\t')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_default_container_holds_exactly_dockers_capabilities()
    {
        await using var test = env.CreateEngine();
        var status = await test.Busybox(env.Rootfs).ShellAsync("grep ^Cap /proc/self/status");
        Assert.Equal(CapabilitySet.DockerDefault.Mask, Mask(status, "CapEff"));
        Assert.Equal(CapabilitySet.DockerDefault.Mask, Mask(status, "CapPrm"));
        Assert.Equal(CapabilitySet.DockerDefault.Mask, Mask(status, "CapBnd"));
        Assert.Equal(0UL, Mask(status, "CapInh"));
        Assert.Equal(0UL, Mask(status, "CapAmb"));
    }

    [Fact]
    public async Task Chown_works_by_default_and_fails_without_CAP_CHOWN()
    {
        await using var test = env.CreateEngine();
        const string Script = "touch /tmp/f && chown 1000:1000 /tmp/f && echo chown-ok || echo chown-refused";
        Assert.Contains("chown-ok", await test.Busybox(env.Rootfs).WithTmpfs("/tmp").ShellAsync(Script));
        Assert.Contains("chown-refused", await test.Busybox(env.Rootfs).WithTmpfs("/tmp")
            .WithCapabilities(CapabilitySet.DockerDefault.Without(Capability.Chown)).ShellAsync(Script));
    }

    [Fact]
    public async Task Without_NET_RAW_ping_cannot_open_its_socket()
    {
        await using var test = env.CreateEngine();
        const string Script = "ping -c 1 -W 1 127.0.0.1 >/dev/null 2>/tmp/err && echo ping-ok || cat /tmp/err";
        Assert.Contains("ping-ok", await test.Busybox(env.Rootfs).WithTmpfs("/tmp").ShellAsync(Script));
        var refused = await test.Busybox(env.Rootfs).WithTmpfs("/tmp")
            .WithCapabilities(CapabilitySet.DockerDefault.Without(Capability.NetRaw)).ShellAsync(Script);
        Assert.Contains("ermission denied", refused, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_non_root_user_has_no_effective_capabilities_but_the_same_bounding_set()
    {
        await using var test = env.CreateEngine();
        var status = await test.Busybox(env.Rootfs).WithUser(1000, 1000).ShellAsync("grep ^Cap /proc/self/status");
        Assert.Equal(0UL, Mask(status, "CapEff"));
        Assert.Equal(CapabilitySet.DockerDefault.Mask, Mask(status, "CapBnd"));
    }

    [Fact]
    public async Task A_non_root_user_can_be_given_an_ambient_capability()
    {
        await using var test = env.CreateEngine();
        var net = CapabilitySet.Of(Capability.NetBindService);
        var status = await test.Busybox(env.Rootfs).WithUser(1000, 1000)
            .WithCapabilities(new ProcessCapabilities(CapabilitySet.DockerDefault, net, net, net, net))
            .ShellAsync("grep ^Cap /proc/self/status");
        Assert.Equal(net.Mask, Mask(status, "CapAmb"));
        Assert.Equal(net.Mask, Mask(status, "CapEff"));
    }

    [Fact]
    public async Task A_privileged_container_keeps_every_capability_and_unmasked_proc()
    {
        await using var test = env.CreateEngine();
        var status = await test.Busybox(env.Rootfs).WithPrivileged().ShellAsync("grep ^CapEff /proc/self/status; grep -c ' /proc/sys proc ro' /proc/self/mounts || true");
        // Everything the engine itself holds (this host withholds CAP_SYS_RESOURCE from it).
        Assert.Equal(Mask(File.ReadAllText("/proc/self/status"), "CapEff"), Mask(status, "CapEff"));
        Assert.EndsWith("0\n", status);
    }

    [Fact]
    public async Task With_no_new_privileges_a_setuid_root_program_does_not_gain_root()
    {
        using var rootfs = env.CreateRootfs();
        var euid = Path.Combine(rootfs.Path, "bin", "euid");
        NativeProgram.Compile(euid, "#include <stdio.h>\n#include <unistd.h>\nint main(void){printf(\"euid=%d\\n\", (int)geteuid());return 0;}\n");
        File.SetUnixFileMode(euid, (UnixFileMode)Convert.ToInt32("4755", 8));
        await using var test = env.CreateEngine();

        var plain = await test.Busybox(rootfs.Path).WithUser(1000, 1000).ShellAsync("/bin/euid");
        var confined = await test.Busybox(rootfs.Path).WithUser(1000, 1000).WithNoNewPrivileges().ShellAsync("/bin/euid; grep ^NoNewPrivs /proc/self/status");

        Assert.Equal("euid=0\n", plain);
        Assert.Contains("euid=1000\n", confined);
        Assert.Contains("NoNewPrivs:\t1", confined);
    }
}
