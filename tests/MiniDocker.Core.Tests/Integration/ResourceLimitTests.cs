using MiniDocker.Cgroups;
using MiniDocker.Containers;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>Limits enforced by the real kernel through this host's cgroup driver (v1 here).</summary>
public sealed class ResourceLimitTests(TestEnvironment env)
{
    private const long MiB = 1024 * 1024;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_container_over_its_memory_limit_is_oom_killed()
    {
        await using var test = env.CreateEngine();
        // The shell holds the 100 MiB string in memory; 32 MiB cannot hold it.
        var (exit, stdout, _) = await test.Busybox(env.Rootfs).WithMemoryLimit(32 * MiB)
            .WithCommand("/bin/sh", "-c", "x=$(head -c 104857600 /dev/zero | tr '\\0' a); echo survived ${#x}")
            .RunAsync();
        Assert.True(exit.OomKilled, $"Expected an OOM kill, got {exit} and output {stdout}");
        Assert.DoesNotContain("survived", stdout);
    }

    [Fact]
    public async Task A_container_within_its_memory_limit_is_not_oom_killed()
    {
        await using var test = env.CreateEngine();
        var (exit, stdout, _) = await test.Busybox(env.Rootfs).WithMemoryLimit(64 * MiB)
            .WithCommand("/bin/sh", "-c", "x=$(head -c 1048576 /dev/zero | tr '\\0' a); echo survived ${#x}")
            .RunAsync();
        Assert.False(exit.OomKilled);
        Assert.Equal("survived 1048576\n", stdout);
    }

    [Fact]
    public async Task A_pids_limit_of_20_refuses_the_21st_process()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithPidsLimit(20).WithCommand("/bin/sleep", "100").StartAsync(Cancel);

        // The shell that forks is process 2; the shell gives up at the first refused fork.
        var result = await container.ExecAsync(["/bin/sh", "-c", "for i in $(seq 1 30); do sleep 100 & done; echo all-forked"], cancellationToken: Cancel);

        Assert.DoesNotContain("all-forked", result.Stdout);
        Assert.Contains("fork", result.Stderr);
        var stats = await container.GetStatsAsync(Cancel);
        Assert.Equal(20UL, stats.PidsLimit);
        Assert.Equal(19UL, stats.PidsCurrent); // sleep 100 as PID 1 and 18 background sleeps; the shell has exited
    }

    [Fact]
    public async Task A_fifth_of_a_cpu_spinning_for_two_seconds_uses_about_four_tenths_of_a_second()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithCpuLimit(0.2)
            .WithCommand("/bin/sh", "-c", "while :; do :; done")
            .StartAsync(Cancel);
        var start = await container.GetStatsAsync(Cancel);
        await Task.Delay(TimeSpan.FromSeconds(2), Cancel);
        var end = await container.GetStatsAsync(Cancel);

        var used = TimeSpan.FromMicroseconds((end.CpuUsageNanoseconds - start.CpuUsageNanoseconds) / 1000.0);
        var wall = end.Timestamp - start.Timestamp;
        // 0.2 CPU over the wall time read from the same clock; wide margins, since the machine is shared.
        Assert.InRange(used.TotalSeconds, 0.1 * wall.TotalSeconds, 0.35 * wall.TotalSeconds);
        Assert.True(end.CpuThrottledPeriods > start.CpuThrottledPeriods, "The quota should have throttled the spinner.");
    }

    [Fact]
    public async Task A_paused_container_makes_no_cpu_progress_until_resumed()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithCommand("/bin/sh", "-c", "while :; do :; done").StartAsync(Cancel);

        await container.PauseAsync(Cancel);
        Assert.Equal(ContainerStatus.Paused, container.Status);
        var frozen = (await container.GetStatsAsync(Cancel)).CpuUsageNanoseconds;
        await Task.Delay(300, Cancel);
        Assert.Equal(frozen, (await container.GetStatsAsync(Cancel)).CpuUsageNanoseconds);

        await container.ResumeAsync(Cancel);
        Assert.Equal(ContainerStatus.Running, container.Status);
        await Task.Delay(300, Cancel);
        Assert.True((await container.GetStatsAsync(Cancel)).CpuUsageNanoseconds > frozen + 50_000_000, "The spinner should run again after resume.");
    }

    [Fact]
    public async Task Killing_a_paused_container_ends_it()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithCommand("/bin/sleep", "100").StartAsync(Cancel);
        await container.PauseAsync(Cancel);
        await container.KillAsync(Signal.SIGKILL, Cancel);
        var exit = await container.WaitAsync(Cancel).WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        Assert.Equal(Signal.SIGKILL, exit.Signal);
    }

    [Fact]
    public async Task Stats_while_running_are_non_zero_and_consistent()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithMemoryLimit(64 * MiB).WithPidsLimit(50)
            .WithCommand("/bin/sh", "-c", "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; sleep 30")
            .StartAsync(Cancel);
        var readings = new List<CgroupStats>();
        await foreach (var stats in container.StreamStatsAsync(TimeSpan.FromMilliseconds(200), Cancel))
        {
            readings.Add(stats);
            if (readings.Count == 3) break;
        }
        var last = readings[^1];
        Assert.True(last.MemoryUsageBytes > 0);
        Assert.Equal(64UL * 1024 * 1024, last.MemoryLimitBytes);
        Assert.True(last.MemoryPeakBytes >= last.MemoryUsageBytes);
        Assert.True(last.CpuUsageNanoseconds > 0);
        Assert.True(last.PidsCurrent >= 1);
        Assert.Equal(50UL, last.PidsLimit);
        Assert.Null(readings[0].CpuPercent);
        Assert.NotNull(last.CpuPercent);
        Assert.InRange(last.CpuPercent!.Value, 0, 250);
        Assert.True(readings.Zip(readings.Skip(1)).All(p => p.Second.CpuUsageNanoseconds >= p.First.CpuUsageNanoseconds));
    }

    [Fact]
    public async Task Limits_can_be_changed_on_a_running_container()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithMemoryLimit(64 * MiB).WithCommand("/bin/sleep", "100").StartAsync(Cancel);

        await container.UpdateResourcesAsync(new ResourceLimits { MemoryBytes = 128 * MiB, PidsLimit = 10 }, Cancel);

        var stats = await container.GetStatsAsync(Cancel);
        Assert.Equal(128UL * 1024 * 1024, stats.MemoryLimitBytes);
        Assert.Equal(10UL, stats.PidsLimit);
    }

    [Fact]
    public async Task A_memory_limit_below_current_usage_is_refused_on_update()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithMemoryLimit(64 * MiB)
            .WithCommand("/bin/sh", "-c", "x=$(head -c 20000000 /dev/zero | tr '\\0' a); echo held; sleep 100; echo ${#x}")
            .StartAsync(Cancel);
        await Eventually.OutputContainsAsync(container, "held");

        var usage = (await container.GetStatsAsync(Cancel)).MemoryUsageBytes;
        Assert.True(usage > 16 * MiB, $"The container should hold about 20 MB, but uses {usage} bytes.");
        var e = await Assert.ThrowsAsync<ContainerConfigurationException>(() =>
            container.UpdateResourcesAsync(new ResourceLimits { MemoryBytes = 8 * MiB }, Cancel));
        Assert.Contains("is below the", e.Message);
        Assert.Equal(64UL * 1024 * 1024, (await container.GetStatsAsync(Cancel)).MemoryLimitBytes);
    }

    [Theory]
    [InlineData("memory", "The memory limit 0 bytes is not positive")]
    [InlineData("cpus", "this host has")]
    [InlineData("cpuset", "which this host does not have")]
    [InlineData("device", "does not exist on the host")]
    public async Task Bad_limits_are_refused_before_anything_is_created(string which, string expected)
    {
        await using var test = env.CreateEngine();
        var builder = test.Busybox(env.Rootfs).WithCommand("/bin/true");
        builder = which switch
        {
            "memory" => builder.WithMemoryLimit(0),
            "cpus" => builder.WithCpuLimit(Environment.ProcessorCount + 1),
            "cpuset" => builder.WithCpuset("0,63"),
            _ => builder.WithBlockIoLimit(new BlockIoDeviceLimit("/dev/no-such-disk", ReadBytesPerSecond: 1024)),
        };
        var e = await Assert.ThrowsAsync<ContainerConfigurationException>(() => builder.StartAsync(Cancel));
        Assert.Contains(expected, e.Message);
        Assert.Empty(test.StoreListing());
    }

    [Fact]
    public async Task The_kernel_refusing_a_value_names_the_file_and_the_value()
    {
        Require.Root();
        await using var cgroup = Cgroup.Create($"{env.CgroupParent}/refusal-{Guid.NewGuid():N}");
        var mounts = CgroupMounts.Read();
        var pidsMax = cgroup.Version == CgroupVersion.V2
            ? Path.Join(cgroup.Location, "pids.max")
            : Path.Join(mounts.V1["pids"].Mount, mounts.V1["pids"].Path, cgroup.Path, "pids.max");

        var e = Assert.Throws<CgroupException>(() => CgroupFileSystem.Instance.WriteFile(pidsMax, "lots"));

        Assert.Contains($"Writing \"lots\" to {pidsMax} failed: EINVAL", e.Message);
    }

    [Fact]
    public async Task A_cgroup_can_be_used_directly_on_any_process()
    {
        Require.Root();
        Require.Busybox();
        await using var cgroup = Cgroup.Create($"{env.CgroupParent}/direct-{Guid.NewGuid():N}", new ResourceLimits { PidsLimit = 5, MemoryBytes = 32 * MiB });
        using var sleeper = System.Diagnostics.Process.Start(Testing.BusyboxRootfs.FindBusybox()!, "sleep 100");
        cgroup.AddProcess(sleeper.Id);

        Assert.Equal([sleeper.Id], cgroup.GetProcesses());
        var stats = cgroup.GetStats();
        Assert.Equal(5UL, stats.PidsLimit);
        Assert.Equal(1UL, stats.PidsCurrent);

        await cgroup.FreezeAsync(Cancel);
        await cgroup.ThawAsync(Cancel);
        await cgroup.KillAsync(Cancel);
        await sleeper.WaitForExitAsync(Cancel);
        Assert.Empty(cgroup.GetProcesses());
    }

    [Fact]
    public async Task A_cgroup_is_made_even_while_another_engine_removes_its_empty_parent()
    {
        // Engines sharing a parent remove it when they finish; one that is just making a child in
        // it must make the parent again, not fail (seen when CLI processes shared a parent).
        Require.Root();
        var parent = $"{env.CgroupParent}/shared-{Guid.NewGuid():N}";
        using var stop = new CancellationTokenSource();
        var remover = Task.Run(() =>
        {
            // Far more often than engines end, but not a tight loop that no creator could outrun.
            while (!stop.IsCancellationRequested)
            {
                CgroupDrivers.Host.Delete(parent);
                Thread.Sleep(1);
            }
        }, Cancel);
        try
        {
            for (int i = 0; i < 300; i++)
            {
                await using var child = Cgroup.Create($"{parent}/child-{i}", new ResourceLimits { PidsLimit = 10 });
                Assert.True(Directory.Exists(child.Location));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await remover;
            CgroupDrivers.Host.Delete(parent);
        }
    }
}
