// The engine's side of benchmarks/compare.sh: one long-lived process, as a program that embeds
// MiniDocker is.
//   MiniDocker.StartBench serve <rootfs>        a line on stdin starts one default container running
//                                               /bin/true and waits for its exit; the latency (ms) is printed
//   MiniDocker.StartBench memory <rootfs> <n>   starts n idle containers and prints the host memory
//                                               (PSS of this process and the log monitors) they cost each
using System.Diagnostics;
using System.Globalization;
using MiniDocker;
using MiniDocker.Containers;

if (args.Length < 2) return Usage();
var root = Path.Combine(Path.GetTempPath(), $"minidocker-startbench-{Environment.ProcessId}");
await using var engine = new ContainerEngine(new MiniDockerOptions { RootDirectory = root, CgroupParent = "minidocker-startbench" });
try
{
    // The default container: pid, mount, uts, ipc and net namespaces, a cgroup, Docker's seccomp
    // profile and capabilities, masked paths; output captured by its log monitor.
    var container = engine.CreateContainer().WithRootfs(args[1]).WithCommand("/bin/true");
    switch (args[0])
    {
        case "serve":
            await using (var warmup = await container.StartAsync()) await warmup.WaitAsync();
            Console.WriteLine("ready");
            while (Console.ReadLine() is not null)
            {
                var clock = Stopwatch.StartNew();
                await using (var run = await container.StartAsync()) await run.WaitAsync();
                Console.WriteLine(clock.Elapsed.TotalMilliseconds.ToString("F3", CultureInfo.InvariantCulture));
            }
            return 0;
        case "memory" when args.Length > 2:
            int count = int.Parse(args[2], CultureInfo.InvariantCulture);
            var idle = container.WithCommand("/bin/sleep", "1000");
            await using (var warmup = await idle.StartAsync()) { }
            GC.Collect();
            long before = MiniDocker.Benchmarks.HostPss.Kib();
            var running = new List<Container>();
            for (int i = 0; i < count; i++) running.Add(await idle.StartAsync());
            await Task.Delay(500);
            GC.Collect();
            long after = MiniDocker.Benchmarks.HostPss.Kib();
            Console.WriteLine(((after - before) / (double)count).ToString("F1", CultureInfo.InvariantCulture));
            foreach (var c in running) await c.DisposeAsync();
            return 0;
        default:
            return Usage();
    }
}
catch (MiniDockerException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
finally
{
    await engine.DisposeAsync();
    if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
}

static int Usage()
{
    Console.Error.WriteLine("usage: MiniDocker.StartBench serve <rootfs> | memory <rootfs> <count>");
    return 2;
}
