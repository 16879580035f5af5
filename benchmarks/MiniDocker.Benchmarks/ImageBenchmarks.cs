using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using MiniDocker.Images;
using MiniDocker.Layers;
using MiniDocker.Testing;

namespace MiniDocker.Benchmarks;

/// <summary>
/// Pulling an image from a registry on 127.0.0.1 (docker-registry), against <c>skopeo copy</c> of
/// the same image to an OCI layout in the same run (skopeo only downloads and verifies; the
/// engine's pull also unpacks every layer), and unpacking a layer (throughput in MB/s of
/// uncompressed tar). The image: busybox plus 48 MiB of files, in one gzip layer.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 15)]
[Config(typeof(ThroughputColumn.Config))]
public class ImageBenchmarks
{
    private const string Repository = "bench/layered:1";
    private string _scratch = "";
    private LocalRegistry? _registry;
    private ImageStore? _seed;
    private Image? _image;
    private string _target = "";

    // The benchmarks run in a child process; the column, in the parent, reads the size from here.
    private static readonly string LayerBytesFile = Path.Combine(Path.GetTempPath(), "minidocker-imagebench-layer-bytes");

    [GlobalSetup]
    public void Setup()
    {
        if (Tmds.Linux.LibC.geteuid() != 0)
            throw new InvalidOperationException("The image benchmarks unpack layers with their owners: run them as root.");
        _scratch = Path.Combine(Path.GetTempPath(), $"minidocker-imagebench-{Environment.ProcessId}");
        Directory.CreateDirectory(_scratch);
        _registry = new LocalRegistry(_scratch);
        using var rootfs = BusyboxRootfs.Create(_scratch);
        var data = Path.Combine(rootfs.Path, "data");
        Directory.CreateDirectory(data);
        var random = new Random(42);
        for (int i = 0; i < 48; i++)
        {
            // Half random, half text: a layer that compresses about as real ones do.
            var bytes = new byte[1 << 20];
            random.NextBytes(bytes.AsSpan(0, bytes.Length / 2));
            for (int j = bytes.Length / 2; j < bytes.Length; j++) bytes[j] = (byte)('a' + j % 26);
            File.WriteAllBytes(Path.Combine(data, $"file{i}"), bytes);
        }
        _seed = new ImageStore(Path.Combine(_scratch, "seed"));
        _image = _seed.ImportFilesystemAsync(rootfs.Path, $"{_registry.Host}/{Repository}").GetAwaiter().GetResult();
        _seed.PushAsync($"{_registry.Host}/{Repository}").GetAwaiter().GetResult();
        using var blob = _seed.Blobs.OpenRead(_image.Manifest.Layers[0].Digest);
        using var tar = LayerCompression.OpenTar(blob);
        File.WriteAllText(LayerBytesFile, Drain(tar).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [IterationSetup]
    public void FreshTarget()
    {
        _target = Path.Combine(_scratch, "target-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_target);
    }

    [IterationCleanup]
    public void RemoveTarget() => Directory.Delete(_target, recursive: true);

    /// <summary>skopeo copy docker://… oci:… — download and verify, nothing unpacked.</summary>
    [Benchmark(Baseline = true)]
    public void SkopeoCopy()
    {
        using var skopeo = Process.Start(new ProcessStartInfo("skopeo", ["copy", "--quiet", "--src-tls-verify=false", $"docker://{_registry!.Host}/{Repository}", $"oci:{_target}/layout:1"])
        { RedirectStandardError = true })!;
        skopeo.WaitForExit();
        if (skopeo.ExitCode != 0) throw new InvalidOperationException($"skopeo failed: {skopeo.StandardError.ReadToEnd()}");
    }

    /// <summary>engine.Images.PullAsync into an empty store: download, verify, unpack.</summary>
    [Benchmark]
    public Image Pull()
    {
        using var store = new ImageStore(_target);
        return store.PullAsync($"{_registry!.Host}/{Repository}").GetAwaiter().GetResult();
    }

    /// <summary>Unpacking the image's gzip layer into an empty directory (the MB/s column counts uncompressed bytes).</summary>
    [Benchmark]
    public long Unpack()
    {
        using var blob = _seed!.Blobs.OpenRead(_image!.Manifest.Layers[0].Digest);
        using var tar = LayerCompression.OpenTar(blob);
        return new LayerUnpacker(new LayerUnpackOptions()).Unpack(tar, _target).Bytes;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _registry?.Dispose();
        _seed?.Dispose();
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }

    private static long Drain(Stream stream)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0) total += read;
        return total;
    }

    /// <summary>Uncompressed MB/s of the layer, from the median.</summary>
    private sealed class ThroughputColumn : IColumn
    {
        public sealed class Config : ManualConfig
        {
            public Config() => AddColumn(new ThroughputColumn());
        }

        public string Id => nameof(ThroughputColumn);
        public string ColumnName => "Layer MB/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Uncompressed layer bytes per second of the median (for Pull and SkopeoCopy: of the whole operation)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var median = summary[benchmarkCase]?.ResultStatistics?.Median;
            if (!File.Exists(LayerBytesFile)) return "-";
            var bytes = long.Parse(File.ReadAllText(LayerBytesFile), System.Globalization.CultureInfo.InvariantCulture);
            return median is > 0 ? (bytes / 1e6 / (median.Value / 1e9)).ToString("F0", System.Globalization.CultureInfo.InvariantCulture) : "-";
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }
}
