using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

public sealed class UserNamespaceTests(TestEnvironment env)
{
    private const uint HostBase = 100000;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Root_in_the_container_is_an_unprivileged_uid_on_the_host()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithUserNamespace(HostBase)
            .WithCommand("/bin/sh", "-c", "id -u; cat /proc/self/uid_map; sleep 100").StartAsync(Cancel);
        await Eventually.OutputContainsAsync(container, HostBase.ToString());

        var output = (await container.GetLogsAsync(Cancel)).Stdout;
        Assert.StartsWith("0\n", output);
        Assert.Matches(@"\s+0\s+100000\s+65536", output);
        var hostStatus = await File.ReadAllTextAsync($"/proc/{container.Pid}/status", Cancel);
        Assert.Contains($"Uid:\t{HostBase}\t{HostBase}\t{HostBase}\t{HostBase}", hostStatus);
    }

    [Fact]
    public async Task A_file_root_creates_on_a_bind_mount_belongs_to_the_mapped_uid_on_the_host()
    {
        await using var test = env.CreateEngine();
        // The mount point must exist: the namespace's root may not create it in a rootfs owned by host root.
        using var rootfs = env.CreateRootfs();
        Directory.CreateDirectory(Path.Combine(rootfs.Path, "data"));
        var shared = Path.Combine(env.Scratch, "userns-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(shared);
        File.SetUnixFileMode(shared, (UnixFileMode)Convert.ToInt32("777", 8));
        try
        {
            await test.Busybox(rootfs.Path).WithUserNamespace(HostBase).WithBindMount(shared, "/data")
                .ShellAsync("echo hello > /data/made-by-root; ls -ln /data");

            var owner = new FileInfo(Path.Combine(shared, "made-by-root"));
            Assert.Equal(HostBase, Stat(owner.FullName).Uid);
            Assert.Equal(HostBase, Stat(owner.FullName).Gid);
        }
        finally
        {
            Directory.Delete(shared, recursive: true);
        }
    }

    [Fact]
    public async Task The_rootfs_is_idmapped_so_image_files_belong_to_the_containers_root()
    {
        await using var test = env.CreateEngine();
        using var rootfs = env.CreateRootfs();
        var output = await test.Busybox(rootfs.Path).WithUserNamespace(HostBase).WithTmpfs("/not-in-image")
            .ShellAsync("ls -ln /etc/passwd; echo made > /root/by-container-root && echo write-ok; test -d /not-in-image && echo mountpoint-made");
        Assert.Matches(@"-rw-r--r--\s+1\s+0\s+0\s", output);
        Assert.Contains("write-ok", output);
        Assert.Contains("mountpoint-made", output);
        // Through the idmapped mount, the container's root writes as the image's owner.
        Assert.Equal(0u, Stat(Path.Combine(rootfs.Path, "root", "by-container-root")).Uid);
    }

    [Fact]
    public async Task Without_idmapping_host_files_show_as_the_overflow_uid_and_stay_read_only()
    {
        await using var test = env.CreateEngine(o => o.IdmappedRootfs = false);
        var output = await test.Busybox(env.Rootfs).WithUserNamespace(HostBase)
            .ShellAsync("ls -ln /etc/passwd; (echo x >> /etc/passwd) 2>/dev/null && echo wrote || echo refused");
        Assert.Contains("65534", output);
        Assert.Contains("refused", output);
    }

    [Fact]
    public async Task Without_idmapping_a_missing_mount_point_says_to_create_it_in_the_image()
    {
        await using var test = env.CreateEngine(o => o.IdmappedRootfs = false);
        var e = await Assert.ThrowsAsync<Execution.ContainerStartException>(() =>
            test.Busybox(env.Rootfs).WithUserNamespace(HostBase).WithTmpfs("/not-in-image").WithCommand("/bin/true").StartAsync(Cancel));
        Assert.Contains("EACCES", e.Message);
        Assert.Contains("create it in the image", e.Message);
        Assert.Empty(test.StoreListing());
    }

    [Fact]
    public async Task Exec_joins_the_user_namespace()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithUserNamespace(HostBase).WithCommand("/bin/sleep", "100").StartAsync(Cancel);
        var result = await container.ExecAsync(["/bin/sh", "-c", "id -u; cat /proc/self/uid_map"], cancellationToken: Cancel);
        Assert.StartsWith("0\n", result.Stdout);
        Assert.Matches(@"0\s+100000\s+65536", result.Stdout);
    }

    private static (uint Uid, uint Gid) Stat(string path)
    {
        var info = File.GetUnixFileMode(path); // ensures the file exists
        _ = info;
        var status = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u %g", path]) { RedirectStandardOutput = true })!;
        var text = status.StandardOutput.ReadToEnd().Trim().Split(' ');
        status.WaitForExit();
        return (uint.Parse(text[0]), uint.Parse(text[1]));
    }
}
