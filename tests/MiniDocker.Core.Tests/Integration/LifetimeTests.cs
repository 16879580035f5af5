using System.Diagnostics;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

[CollectionDefinition(nameof(HostCountingCollection), DisableParallelization = true)]
public sealed class HostCountingCollection;

/// <summary>Tests that count the host's fds and children, so nothing else may run beside them.</summary>
[Collection(nameof(HostCountingCollection))]
public sealed class LifetimeTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_hundred_containers_leave_no_fd_mount_process_or_state_behind()
    {
        await using var test = env.CreateEngine();
        var rootfs = env.Rootfs;
        // Warm up once: the reactor thread, the stage-0 memfd and the thread pool are made once per process.
        await test.Busybox(rootfs).WithCommand("/bin/true").RunAsync();
        var before = HostSnapshot.Take();

        for (int i = 0; i < 200; i++)
        {
            await using var container = await test.Busybox(rootfs).WithCommand("/bin/true").StartAsync(Cancel);
            Assert.Equal(0, (await container.WaitAsync(Cancel)).ExitCode);
        }

        var after = HostSnapshot.Take();
        // Fewer is fine (the runtime closes files of its own); more would be a leak.
        Assert.Equal(before.EngineFds(test.Root), after.EngineFds(test.Root));
        Assert.True(after.OpenFds <= before.OpenFds + 2,
            $"The host had {before.OpenFds} fds open before and {after.OpenFds} after; new: {string.Join(", ", after.Fds.Except(before.Fds))}");
        Assert.Equal(before.Mounts, after.Mounts);
        Assert.Equal(before.Children, after.Children);
        Assert.Empty(test.StoreListing());
    }

    [Fact]
    public async Task Disposing_a_running_container_kills_it_and_removes_its_state()
    {
        await using var test = env.CreateEngine();
        var container = await test.Busybox(env.Rootfs).WithInit().WithCommand("/bin/sh", "-c", "sleep 100 & sleep 100").StartAsync(Cancel);
        var pid = container.Pid;
        Assert.True(Directory.Exists(container.StateDirectory));

        await container.DisposeAsync();

        Assert.False(Directory.Exists($"/proc/{pid}"));
        Assert.False(Directory.Exists(container.StateDirectory));
        Assert.Empty(test.Engine.Containers);
        Assert.DoesNotContain(pid, HostSnapshot.ChildPids());
    }

    [Fact]
    public async Task A_tied_container_dies_with_its_host_process()
    {
        var (host, containerPid, stateDirectory, root) = await StartHostAsync("tied");
        Assert.True(Directory.Exists($"/proc/{containerPid}"));

        host.Kill();
        await host.WaitForExitAsync(Cancel);

        await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{containerPid}"));
        await RemoveLeftoversAsync(stateDirectory, root);
    }

    [Fact]
    public async Task A_detached_container_outlives_its_host_process()
    {
        var (host, containerPid, stateDirectory, root) = await StartHostAsync("detached");
        try
        {
            host.Kill();
            await host.WaitForExitAsync(Cancel);
            // Give a parent-death signal, were there one, time to arrive.
            await Task.Delay(300, Cancel);
            Assert.True(Directory.Exists($"/proc/{containerPid}"), "The detached container died with its host.");
            Assert.Contains("sleep", await File.ReadAllTextAsync($"/proc/{containerPid}/comm", Cancel));
        }
        finally
        {
            _ = Tmds.Linux.LibC.kill(containerPid, 9);
            // Gone entirely, not just a zombie: its cgroup can be removed only then.
            await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{containerPid}"));
            await RemoveLeftoversAsync(stateDirectory, root);
        }
    }

    [Fact]
    public async Task An_engine_removes_the_bridge_rules_and_leases_a_killed_engine_left()
    {
        var rootfs = env.Rootfs;
        var root = Path.Combine(env.Scratch, "crash-" + Guid.NewGuid().ToString("N")[..8]);
        var hostDll = Path.Combine(AppContext.BaseDirectory, "MiniDocker.TestHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { hostDll, "network", root, env.CgroupParent, rootfs, $"10.{Random.Shared.Next(150, 250)}.{Random.Shared.Next(0, 250)}.0/24" })
            start.ArgumentList.Add(arg);
        using var host = Process.Start(start)!;
        var bridge = await host.StandardOutput.ReadLineAsync(Cancel).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Cancel);
        if (bridge is null) Assert.Fail($"The test host printed nothing: {await host.StandardError.ReadToEndAsync(Cancel)}");
        Assert.True(Directory.Exists($"/sys/class/net/{bridge}"));

        host.Kill();
        await host.WaitForExitAsync(Cancel);
        // The tied container dies with its host; its cgroup stays for the test to remove.
        var containerDirectory = Directory.GetDirectories(Path.Combine(root, "containers")).Single();

        await using (var next = new MiniDocker.Containers.ContainerEngine(new MiniDockerOptions { RootDirectory = root, CgroupParent = env.CgroupParent }))
        {
            Assert.False(Directory.Exists($"/sys/class/net/{bridge}"));
            Assert.DoesNotContain(MiniDocker.Networking.Firewall.NetworkFirewall.TableName(bridge), MiniDocker.Networking.Firewall.NetworkFirewall.Tables());
            Assert.Empty(Directory.GetFiles(Path.Combine(root, "networks")));
        }
        await RemoveLeftoversAsync(containerDirectory, root);
    }

    /// <summary>A killed host cleans up nothing; the container's cgroup and state go here.</summary>
    private async Task RemoveLeftoversAsync(string stateDirectory, string root)
    {
        await MiniDocker.Cgroups.Cgroup.Create($"{env.CgroupParent}/{Path.GetFileName(stateDirectory)}").DeleteAsync(Cancel);
        Directory.Delete(root, recursive: true);
    }

    private async Task<(Process Host, int ContainerPid, string StateDirectory, string Root)> StartHostAsync(string mode)
    {
        var rootfs = env.Rootfs;
        var root = Path.Combine(env.Scratch, "host-" + Guid.NewGuid().ToString("N")[..8]);
        var hostDll = Path.Combine(AppContext.BaseDirectory, "MiniDocker.TestHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { hostDll, root, env.CgroupParent, rootfs, mode }) start.ArgumentList.Add(arg);
        var host = Process.Start(start)!;
        var line = await host.StandardOutput.ReadLineAsync(Cancel).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Cancel);
        if (line is null) Assert.Fail($"The test host printed nothing: {await host.StandardError.ReadToEndAsync(Cancel)}");
        var parts = line.Split(' ', 2);
        return (host, int.Parse(parts[0]), parts[1], root);
    }
}
