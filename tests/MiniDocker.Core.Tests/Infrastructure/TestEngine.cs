using MiniDocker.Containers;

namespace MiniDocker.Tests.Infrastructure;

/// <summary>An engine on a private root directory; disposing it checks that nothing was left and deletes the root.</summary>
public sealed class TestEngine(string root, string cgroupParent, Action<MiniDockerOptions>? configure = null) : IAsyncDisposable
{
    public ContainerEngine Engine { get; } = new(Configure(new MiniDockerOptions { RootDirectory = root, CgroupParent = cgroupParent, StopTimeout = TimeSpan.FromSeconds(2) }, configure));

    private static MiniDockerOptions Configure(MiniDockerOptions options, Action<MiniDockerOptions>? configure)
    {
        configure?.Invoke(options);
        return options;
    }

    public string Root { get; } = root;

    public ContainerBuilder Busybox(string rootfs) => Engine.CreateContainer().WithRootfs(rootfs);

    /// <summary>The container directories and names in the store, to check that a failure left nothing.</summary>
    public IReadOnlyList<string> StoreListing() =>
        [.. new[] { "containers", "names" }
            .Select(d => Path.Combine(Root, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFileSystemEntries(d))
            .Order(StringComparer.Ordinal)];

    /// <summary>Every file of the image store (blobs, unpacked layers' tops, the reference index), to check that a failure changed nothing.</summary>
    public IReadOnlyList<string> ImageStoreListing()
    {
        var images = Path.Combine(Root, "images");
        if (!Directory.Exists(images)) return [];
        var files = Directory.EnumerateFiles(Path.Combine(images, "blobs"), "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateDirectories(Path.Combine(images, "layers", "sha256")))
            .Concat(Directory.EnumerateFileSystemEntries(Path.Combine(images, "layers", "ingest")))
            .Concat(Directory.EnumerateFileSystemEntries(Path.Combine(images, "ingest")))
            .Order(StringComparer.Ordinal).ToList();
        var index = Path.Combine(images, "references.json");
        if (File.Exists(index)) files.Add("references.json: " + File.ReadAllText(index));
        return files;
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        var left = StoreListing();
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        Assert.True(left.Count == 0, $"The engine left state behind: {string.Join(", ", left)}");
    }
}
