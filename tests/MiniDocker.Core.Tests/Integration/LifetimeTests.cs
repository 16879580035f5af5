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

    /// <param name="mode">
    /// "tied": the container's first process is watched (a parent-death signal ends it, and its
    /// PID namespace with it); "tied-host-pid": a process it started in the background, in the
    /// host's PID namespace, which only the lifeline's cgroup kill reaches.
    /// </param>
    [Theory]
    [InlineData("tied")]
    [InlineData("tied-host-pid")]
    public async Task A_tied_container_dies_within_a_second_of_its_host_being_killed_and_the_next_engine_leaves_nothing_of_it(string mode)
    {
        var (host, containerPid, stateDirectory, root) = await StartHostAsync(mode);
        Assert.True(Directory.Exists($"/proc/{containerPid}"));
        var id = Path.GetFileName(stateDirectory);

        host.Kill(); // SIGKILL
        var killed = System.Diagnostics.Stopwatch.StartNew();
        // Dead once it is a zombie: reaping it is init's business, and takes init's time.
        while (!IsDeadOrZombie(containerPid) && killed.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(10, Cancel);
        var died = killed.Elapsed;
        await host.WaitForExitAsync(Cancel);
        await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{containerPid}"));

        await using (var next = new MiniDocker.Containers.ContainerEngine(new MiniDockerOptions { RootDirectory = root, CgroupParent = env.CgroupParent }))
        {
            Assert.Empty(await next.Containers.ListAsync(all: true, Cancel));
        }
        Assert.True(died < TimeSpan.FromSeconds(1), $"The container outlived its host by {died}.");
        Assert.False(Directory.Exists(stateDirectory));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root, "names")));
        Assert.Empty(Directory.EnumerateDirectories("/sys/fs/cgroup", id, SearchOption.AllDirectories));
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task A_detached_container_outlives_its_killed_host_and_another_process_lists_reads_execs_and_stops_it()
    {
        var (host, containerPid, stateDirectory, root) = await StartHostAsync("detached");
        var id = Path.GetFileName(stateDirectory);
        try
        {
            host.Kill(); // SIGKILL
            await host.WaitForExitAsync(Cancel);
            // Give a parent-death signal, were there one, time to arrive.
            await Task.Delay(300, Cancel);
            Assert.True(Directory.Exists($"/proc/{containerPid}"), "The detached container died with its host.");

            await using var next = new MiniDocker.Containers.ContainerEngine(new MiniDockerOptions { RootDirectory = root, CgroupParent = env.CgroupParent, StopTimeout = TimeSpan.FromSeconds(2) });
            var listed = Assert.Single(await next.Containers.ListAsync(cancellationToken: Cancel));
            var logs = await next.Containers.GetLogsAsync(id[..12], cancellationToken: Cancel);
            var container = await next.Containers.GetAsync(listed.Name, Cancel);
            var exec = await container.ExecAsync(["/bin/sh", "-c", "echo exec in $(hostname)"], cancellationToken: Cancel);
            var stopped = await container.StopAsync(cancellationToken: Cancel);
            var after = await next.Containers.InspectAsync(id, Cancel);
            await next.Containers.RemoveAsync(id, cancellationToken: Cancel);

            Assert.Equal((id, MiniDocker.Containers.ContainerStatus.Running, (int?)containerPid, true), (listed.Id, listed.Status, listed.Pid, listed.Detached));
            Assert.Equal("started by the first host\n", Assert.Single(logs).Text);
            Assert.Equal(0, exec.ExitCode);
            Assert.Equal($"exec in {id[..12]}\n", exec.Stdout);
            // Not this engine's child: its monitor (the first host's stage-0) recorded how it ended.
            // sleep as PID 1 ignores SIGTERM, so the stop ends in SIGKILL.
            Assert.Equal(137, stopped.ExitCode);
            Assert.Equal((MiniDocker.Containers.ContainerStatus.Exited, (int?)137), (after.Status, after.ExitCode));
            Assert.False(Directory.Exists(stateDirectory));
            Assert.Empty(Directory.EnumerateDirectories("/sys/fs/cgroup", id, SearchOption.AllDirectories));
        }
        finally
        {
            _ = Tmds.Linux.LibC.kill(containerPid, 9);
            await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{containerPid}"));
            await new MiniDocker.Containers.ContainerEngine(new MiniDockerOptions { RootDirectory = root, CgroupParent = env.CgroupParent }).DisposeAsync();
            if (Directory.Exists(Path.Combine(root, "containers", id)))
            {
                await using var cleaner = new MiniDocker.Containers.ContainerEngine(new MiniDockerOptions { RootDirectory = root, CgroupParent = env.CgroupParent });
                await cleaner.Containers.RemoveAsync(id, force: true, CancellationToken.None);
            }
            Directory.Delete(root, recursive: true);
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
        // The next engine removed the tied container the killed one left.
        Assert.False(Directory.Exists(containerDirectory));
        Directory.Delete(root, recursive: true);
    }

    private static bool IsDeadOrZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return true;
        }
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
