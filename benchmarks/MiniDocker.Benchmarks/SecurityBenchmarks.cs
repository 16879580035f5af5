using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using MiniDocker.Security.Seccomp;

namespace MiniDocker.Benchmarks;

/// <summary>
/// Compiling Docker's default seccomp profile to BPF, with the filter's length and the BPF
/// instructions executed for common syscalls (the hot path every syscall of a container pays).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(FilterColumns))]
public class SecurityBenchmarks
{
    private static readonly SeccompCompileOptions X64 = new() { Architecture = SeccompArchitecture.X86_64 };

    /// <summary>Parse and compile, as a container with a new profile pays once.</summary>
    [Benchmark]
    public SeccompFilter CompileDockerDefault() => SeccompProfile.DockerDefault.Compile(X64);

    private sealed class FilterColumns : ManualConfig
    {
        public FilterColumns() => AddColumn(new FilterColumn("Filter length", f => f.Length), new FilterColumn("read: instructions", f => f.Evaluate("read").InstructionsExecuted),
            new FilterColumn("futex: instructions", f => f.Evaluate("futex").InstructionsExecuted), new FilterColumn("worst: instructions", f => Enumerable.Range(0, 470).Max(n => f.Evaluate(n).InstructionsExecuted)));
    }

    private sealed class FilterColumn(string name, Func<SeccompFilter, int> measure) : IColumn
    {
        private static readonly Lazy<SeccompFilter> Filter = new(() => SeccompProfile.DockerDefault.Compile(X64));

        public string Id => name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => $"{name} of Docker's default profile compiled for x86-64";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => measure(Filter.Value).ToString(System.Globalization.CultureInfo.InvariantCulture);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
