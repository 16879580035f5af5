// Run as root:  dotnet run -c Release --project benchmarks/MiniDocker.Benchmarks -- --filter '*'
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(MiniDocker.Benchmarks.StartupBenchmarks).Assembly).Run(args);
