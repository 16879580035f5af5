// Pulls an image from a registry with per-layer progress, runs it, and prints its output.
// Run as root:
//   dotnet run --project samples/PullAndRun -- [reference] [command...]
// The reference defaults to 127.0.0.1:5000/busybox:latest, a registry on this machine. To have
// one with an image in it (Debian/Ubuntu):
//   apt-get install docker-registry busybox-static && docker-registry serve /etc/docker/registry/config.yml &
//   dotnet run --project samples/PullAndRun -- --seed      (pushes a busybox image built from the host's busybox)
// Credentials come from ~/.docker/config.json, as docker login writes them.
using Microsoft.Extensions.Logging;
using MiniDocker;
using MiniDocker.Containers;
using MiniDocker.Registry;
using MiniDocker.Testing;

const string DefaultReference = "127.0.0.1:5000/busybox:latest";

if (Environment.UserName != "root")
{
    Console.Error.WriteLine("PullAndRun unpacks layers and creates namespaces and mounts: run it as root.");
    return 1;
}

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
var root = Path.Combine(Path.GetTempPath(), "minidocker-pullandrun");
await using var engine = new ContainerEngine(new MiniDockerOptions { RootDirectory = root }, loggerFactory);

if (args is ["--seed", ..])
{
    var target = args.Length > 1 ? args[1] : DefaultReference;
    using var rootfs = BusyboxRootfs.Create(Path.GetTempPath());
    var seeded = await engine.Images.ImportFilesystemAsync(rootfs.Path, target);
    await engine.Images.PushAsync(target);
    await engine.Images.RemoveAsync(target);
    Console.WriteLine($"pushed {target} ({seeded.ManifestDigest})");
    return 0;
}

var reference = args.Length > 0 ? args[0] : DefaultReference;
var command = args.Skip(1).ToArray();
var progress = new LayerProgress();
try
{
    Console.WriteLine($"pulling {reference}");
    var image = await engine.Images.PullAsync(reference, progress);
    // The image stays in the sample's store (as docker pull keeps it): pulling again downloads no layer.
    Console.WriteLine($"pulled {(image.Tags.Count > 0 ? image.Tags[0] : reference)}: id {image.Id.Hex[..12]}, {image.Manifest.Layers.Count} layers, {image.Size / 1024.0:F0} KiB");

    var builder = engine.CreateContainer().WithImage(image);
    if (command.Length > 0) builder = builder.WithCommand(command);
    else if (image.Config.Config?.Cmd is null or [] || image.Config.Config.Cmd is ["/bin/sh"] or ["sh"])
        builder = builder.WithCommand("/bin/sh", "-c", "echo hello from $(hostname), running $(cat /etc/os-release 2>/dev/null | head -1 || echo an image); ls /");

    await using var container = await builder.StartAsync();
    var exit = await container.WaitAsync();
    var logs = await container.GetLogsAsync();
    Console.Write(logs.Stdout);
    Console.Error.Write(logs.Stderr);
    Console.WriteLine($"container {container.Name} ended: {exit}");
    return exit.ExitCode;
}
catch (RegistryException e) when (e.StatusCode is null && reference == DefaultReference)
{
    Console.Error.WriteLine($"{e.Message}\nNo registry answers at 127.0.0.1:5000. Start one (apt-get install docker-registry; docker-registry serve /etc/docker/registry/config.yml &) and seed it with --seed.");
    return 125;
}
catch (MiniDockerException e)
{
    Console.Error.WriteLine(e.Message);
    return 125;
}

/// <summary>Prints a line per layer when its status changes, and every quarter of its download.</summary>
internal sealed class LayerProgress : IProgress<PullProgress>
{
    private readonly Dictionary<MiniDocker.Storage.Digest, (PullStatus Status, long Quarter)> _last = [];
    private readonly Lock _lock = new();

    public void Report(PullProgress value)
    {
        lock (_lock)
        {
            long quarter = value.Total > 0 ? value.Current * 4 / value.Total : 0;
            if (_last.TryGetValue(value.Layer, out var last) && last.Status == value.Status && (value.Status != PullStatus.Downloading || last.Quarter == quarter)) return;
            _last[value.Layer] = (value.Status, quarter);
            var amount = value.Status == PullStatus.Downloading ? $" {value.Current * 100 / Math.Max(1, value.Total),3}% of {value.Total / 1024.0:F0} KiB" : "";
            Console.WriteLine($"  {value.Layer.Hex[..12]}: {value.Status}{amount}");
        }
    }
}
