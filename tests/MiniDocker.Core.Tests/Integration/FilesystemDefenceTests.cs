using MiniDocker.Execution;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>A hostile rootfs cannot make the engine mount or chdir outside the container (CVE-2021-30465, CVE-2024-21626).</summary>
public sealed class FilesystemDefenceTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("proc")]
    [InlineData("dev")]
    [InlineData("sys")]
    public async Task A_special_directory_that_is_a_symlink_to_a_host_path_is_not_followed_out_of_the_root(string directory)
    {
        using var rootfs = env.CreateRootfs();
        var hostTarget = Path.Combine(env.Scratch, "host-target-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(hostTarget);
        var link = Path.Combine(rootfs.Path, directory);
        Directory.Delete(link);
        File.CreateSymbolicLink(link, hostTarget);
        await using var test = env.CreateEngine();
        var mountsBefore = HostSnapshot.Take().Mounts;

        var e = await Assert.ThrowsAsync<ContainerStartException>(() => test.Busybox(rootfs.Path).WithCommand("/bin/true").StartAsync(Cancel));

        Assert.Contains($"/{directory}", e.Message);
        Assert.Contains("symbolic link", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(hostTarget));
        Assert.Equal(mountsBefore, HostSnapshot.Take().Mounts);
        Assert.Empty(test.StoreListing());
    }

    [Fact]
    public async Task A_symlink_whose_target_exists_inside_the_root_is_resolved_inside_the_root()
    {
        using var rootfs = env.CreateRootfs();
        // An absolute link to a host path that also exists in the rootfs: /proc -> /var/proc-here.
        Directory.Delete(Path.Combine(rootfs.Path, "proc"));
        Directory.CreateDirectory(Path.Combine(rootfs.Path, "var", "proc-here"));
        File.CreateSymbolicLink(Path.Combine(rootfs.Path, "proc"), "/var/proc-here");
        await using var test = env.CreateEngine();

        var output = await test.Busybox(rootfs.Path).ShellAsync("test -e /var/proc-here/self && echo proc-inside");

        Assert.Contains("proc-inside", output);
        Assert.False(Directory.Exists("/var/proc-here"));
    }

    [Fact]
    public async Task A_working_directory_that_is_a_symlink_out_of_the_root_stays_inside_the_root()
    {
        using var rootfs = env.CreateRootfs();
        File.CreateSymbolicLink(Path.Combine(rootfs.Path, "escape"), "../../../../../../../etc");
        await using var test = env.CreateEngine();

        var output = await test.Busybox(rootfs.Path).WithWorkingDirectory("/escape").ShellAsync("pwd -P; cat busybox-rootfs; test -e os-release && echo host-etc || true");

        Assert.Contains("/etc\n", output);
        Assert.Contains("this is the container's /etc", output);
        Assert.DoesNotContain("host-etc", output);
    }

    [Fact]
    public async Task A_bind_mount_target_that_is_a_symlink_to_a_host_path_lands_inside_the_root()
    {
        using var rootfs = env.CreateRootfs();
        var hostTarget = Path.Combine(env.Scratch, "bind-target-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(hostTarget);
        Directory.CreateDirectory(Path.Combine(rootfs.Path, hostTarget.TrimStart('/')));
        File.CreateSymbolicLink(Path.Combine(rootfs.Path, "data"), hostTarget);
        var source = Path.Combine(env.Scratch, "bind-source-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(source);
        await File.WriteAllTextAsync(Path.Combine(source, "payload"), "from-host", Cancel);
        await using var test = env.CreateEngine();

        var output = await test.Busybox(rootfs.Path).WithBindMount(source, "/data").ShellAsync("cat /data/payload");

        Assert.Contains("from-host", output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(hostTarget));
        Directory.Delete(source, recursive: true);
        Directory.Delete(hostTarget);
    }

    [Fact]
    public async Task The_container_sees_no_host_fd()
    {
        await using var test = env.CreateEngine();
        var output = await test.Busybox(env.Rootfs).ShellAsync("ls /proc/self/fd | tr '\\n' ' '");
        // 0-2 are stdio and 3 is the directory ls itself is reading.
        Assert.Equal("0 1 2 3 ", output);
    }

    [Fact]
    public async Task Stage0_run_as_init_cannot_be_overwritten_through_proc_exe()
    {
        await using var test = env.CreateEngine();
        var stage0 = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "minidocker-stage0");
        var before = await File.ReadAllBytesAsync(stage0, Cancel);

        var output = await test.Busybox(env.Rootfs).WithInit()
            .ShellAsync("readlink /proc/1/exe; (echo overwritten > /proc/1/exe) 2>&1 && echo WRITE-SUCCEEDED; exit 0");

        Assert.Contains("memfd:minidocker-stage0", output);
        Assert.DoesNotContain("WRITE-SUCCEEDED", output);
        Assert.Equal(before, await File.ReadAllBytesAsync(stage0, Cancel));
    }
}
