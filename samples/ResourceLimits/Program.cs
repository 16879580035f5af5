// Runs a memory hog, a fork bomb and a CPU spinner under cgroup limits, on the host's own
// root filesystem, and prints what the kernel did. Run as root:
//   dotnet run --project samples/ResourceLimits
using MiniDocker.Cgroups;
using MiniDocker.Containers;

if (Environment.UserName != "root")
{
    Console.Error.WriteLine("This sample creates cgroups and containers: run it as root.");
    return 1;
}

await using var engine = new ContainerEngine();
Console.WriteLine($"cgroup driver: {Cgroup.HostVersion}");

// 1. A process that allocates without end, in 32 MiB.
await using (var hog = await engine.CreateContainer()
    .WithMemoryLimit(32 * 1024 * 1024)
    .WithCommand("tail", "/dev/zero")      // tail keeps the (endless) last line in memory
    .StartAsync())
{
    var exit = await hog.WaitAsync();
    Console.WriteLine($"memory hog, 32 MiB limit:  {exit}; OOM-killed: {exit.OomKilled}");
}

// 2. A fork bomb, with at most 32 processes.
await using (var bomb = await engine.CreateContainer()
    .WithPidsLimit(32)
    .WithCommand("/bin/sh", "-c", "bomb() { bomb & bomb & sleep 30; }; bomb")
    .StartAsync())
{
    await Task.Delay(TimeSpan.FromSeconds(1));
    var stats = await bomb.GetStatsAsync();
    await bomb.StopAsync(TimeSpan.Zero);
    var refused = (await bomb.GetLogsAsync()).Stderr.Split('\n').Count(l => l.Contains("fork", StringComparison.OrdinalIgnoreCase));
    Console.WriteLine($"fork bomb, 32 pids limit:  {stats.PidsCurrent} processes running, {refused} forks refused");
}

// 3. A CPU spinner held to a quarter of a core for two seconds.
await using (var spinner = await engine.CreateContainer()
    .WithCpuLimit(0.25)
    .WithCommand("/bin/sh", "-c", "while :; do :; done")
    .StartAsync())
{
    var before = await spinner.GetStatsAsync();
    await Task.Delay(TimeSpan.FromSeconds(2));
    var after = (await spinner.GetStatsAsync()).Since(before);
    await spinner.StopAsync(TimeSpan.Zero);
    Console.WriteLine(
        $"CPU spinner, 0.25 CPU:     {(after.CpuUsageNanoseconds - before.CpuUsageNanoseconds) / 1e9:F2} s of CPU in {(after.Timestamp - before.Timestamp).TotalSeconds:F2} s " +
        $"({after.CpuPercent:F0}% of a core), throttled {after.CpuThrottledPeriods - before.CpuThrottledPeriods} times " +
        $"for {(after.CpuThrottledNanoseconds - before.CpuThrottledNanoseconds) / 1e9:F2} s");
}
return 0;
