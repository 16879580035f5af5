using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using MiniDocker.Containers;
using MiniDocker.Testing;

namespace MiniDocker.Benchmarks;

/// <summary>
/// Host memory per supervised idle container (a <c>sleep</c>, output captured, exit watched): the
/// growth of this process's PSS and its log monitors' with 1, 50 and 200 containers running, per
/// container (the "Host KiB/container" column); the timed operation reads one container's stats,
/// and [MemoryDiagnoser] gives the managed bytes that costs.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(HostMemoryColumn.Config))]
public class MemoryBenchmarks
{
    // Measured in the benchmark's process, shown by the column in the parent's.
    private static string ResultFile(object containers) => Path.Combine(Path.GetTempPath(), $"minidocker-memorybench-{containers}");
    private string _scratch = "";
    private BusyboxRootfs? _rootfs;
    private ContainerEngine? _engine;
    private readonly List<Container> _containers = [];

    /// <summary>How many idle containers run.</summary>
    [Params(1, 50, 200)]
    public int Containers { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        if (Tmds.Linux.LibC.geteuid() != 0) throw new InvalidOperationException("The memory benchmarks start real containers: run them as root.");
        _scratch = Path.Combine(Path.GetTempPath(), $"minidocker-memorybench-{Environment.ProcessId}");
        Directory.CreateDirectory(_scratch);
        _rootfs = BusyboxRootfs.Create(_scratch);
        _engine = new ContainerEngine(new MiniDockerOptions { RootDirectory = Path.Combine(_scratch, "engine") });
        var idle = _engine.CreateContainer().WithRootfs(_rootfs.Path).WithCommand("/bin/sleep", "100000");
        await using (await idle.StartAsync()) { }
        GC.Collect();
        long before = HostPss.Kib();
        for (int i = 0; i < Containers; i++) _containers.Add(await idle.StartAsync());
        await Task.Delay(500);
        GC.Collect();
        var perContainer = (HostPss.Kib() - before) / (double)Containers;
        File.WriteAllText(ResultFile(Containers), perContainer.ToString("F0", CultureInfo.InvariantCulture));
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        foreach (var container in _containers) await container.DisposeAsync();
        if (_engine is not null) await _engine.DisposeAsync();
        _rootfs?.Dispose();
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }

    /// <summary>Reads one container's cgroup counters while the others idle.</summary>
    [Benchmark]
    public Task<Cgroups.CgroupStats> StatsOfOne() => _containers[0].GetStatsAsync();

    private sealed class HostMemoryColumn : IColumn
    {
        public sealed class Config : ManualConfig
        {
            public Config() => AddColumn(new HostMemoryColumn());
        }

        public string Id => nameof(HostMemoryColumn);
        public string ColumnName => "Host KiB/container";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Growth of this process's PSS plus its log monitors', per running idle container";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var count = benchmarkCase.Parameters["Containers"];
            var file = ResultFile(count);
            return File.Exists(file) ? File.ReadAllText(file) : "-";
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }
}
