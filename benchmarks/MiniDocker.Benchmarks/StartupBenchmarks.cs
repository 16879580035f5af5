using BenchmarkDotNet.Attributes;
using MiniDocker.Containers;
using MiniDocker.Namespaces;
using MiniDocker.Testing;

namespace MiniDocker.Benchmarks;

/// <summary>
/// Start-to-exit of <c>/bin/true</c> in a busybox container: spawn stage-0, clone, mount,
/// pivot_root, exec, wait for the exit, remove the container. Compare with
/// <c>benchmarks/compare.sh</c>, which times runc and crun on the same kind of bundle.
/// </summary>
[MemoryDiagnoser]
public class StartupBenchmarks
{
    private string _scratch = "";
    private BusyboxRootfs? _rootfs;
    private ContainerEngine? _engine;
    private ContainerBuilder? _default;
    private ContainerBuilder? _withoutNetwork;
    private ContainerBuilder? _bare;
    private ContainerBuilder? _withInit;
    private ContainerBuilder? _onBridge;
    private ContainerBuilder? _fromImage;
    private Container? _running;

    [GlobalSetup]
    public void Setup()
    {
        if (Tmds.Linux.LibC.geteuid() != 0)
            throw new InvalidOperationException("The startup benchmarks start real containers: run them as root.");
        _scratch = Path.Combine(Path.GetTempPath(), $"minidocker-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(_scratch);
        _rootfs = BusyboxRootfs.Create(_scratch);
        _engine = new ContainerEngine(new MiniDockerOptions { RootDirectory = Path.Combine(_scratch, "engine") });
        _default = _engine.CreateContainer().WithRootfs(_rootfs.Path).WithCommand("/bin/true");
        _withoutNetwork = _default.WithNamespaces(NamespaceType.Pid, NamespaceType.Mount, NamespaceType.Uts, NamespaceType.Ipc);
        _withInit = _default.WithInit();
        _bare = _default.WithPrivileged();
        var network = _engine.Networks.CreateAsync("bench", "10.188.0.0/16").GetAwaiter().GetResult();
        _onBridge = _default.WithNetwork(network);
        var image = _engine.Images.ImportFilesystemAsync(_rootfs.Path, "localhost/bench/busybox:1").GetAwaiter().GetResult();
        _fromImage = _engine.CreateContainer().WithImage(image).WithCommand("/bin/true");
        _running = _engine.CreateContainer().WithRootfs(_rootfs.Path).WithCommand("/bin/sleep", "100000").StartAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        if (_running is not null) await _running.DisposeAsync();
        if (_engine is not null) await _engine.DisposeAsync();
        _rootfs?.Dispose();
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }

    /// <summary>pid, mount, uts, ipc and net namespaces (Docker's set).</summary>
    [Benchmark(Baseline = true)]
    public Task<int> DefaultNamespaces() => RunAsync(_default!);

    /// <summary>As above without the network namespace, the dearest one to create.</summary>
    [Benchmark]
    public Task<int> WithoutNetworkNamespace() => RunAsync(_withoutNetwork!);

    /// <summary>Namespaces and a cgroup only: privileged, so no seccomp filter, capability bounds or masked paths.</summary>
    [Benchmark]
    public Task<int> BareNamespaces() => RunAsync(_bare!);

    /// <summary>With stage-0 staying as PID 1 (docker run --init).</summary>
    [Benchmark]
    public Task<int> WithInit() => RunAsync(_withInit!);

    /// <summary>With a veth on a bridge network, an address, a route, hosts and resolv.conf.</summary>
    [Benchmark]
    public Task<int> OnBridgeNetwork() => RunAsync(_onBridge!);

    /// <summary>From an image: an overlay of its layers made with fsopen/fsmount, moved into the container.</summary>
    [Benchmark]
    public Task<int> FromImageOnOverlay() => RunAsync(_fromImage!);

    /// <summary><c>docker exec</c>: /bin/true in a running container's namespaces and cgroup.</summary>
    [Benchmark]
    public async Task<int> Exec() => (await _running!.ExecAsync(["/bin/true"])).ExitCode;

    private static async Task<int> RunAsync(ContainerBuilder builder)
    {
        await using var container = await builder.StartAsync();
        return (await container.WaitAsync()).ExitCode;
    }
}
