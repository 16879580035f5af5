using MiniDocker.Containers;
using MiniDocker.Images;

namespace MiniDocker.Cli;

/// <summary>The image commands: pull, push, images, rmi, tag, load, save, prune.</summary>
internal sealed class ImageCommands(ContainerEngine engine)
{
    public async Task<int> PullAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("pull", args, ["-q", "--quiet"], ["--platform"]);
        if (a.Positional.Count != 1) throw new CliException("\"pull\" requires exactly 1 argument (see 'minidocker pull --help')");
        var image = await engine.Images.PullAsync(a.Positional[0], a.Has("-q", "--quiet") ? null : new PullDisplay(Console.Out), cancellationToken);
        if (!a.Has("-q", "--quiet")) Console.WriteLine($"Digest: {image.ManifestDigest}");
        Console.WriteLine(image.Tags.Count > 0 ? image.Tags[0] : image.Id.ToString());
        return 0;
    }

    public async Task<int> PushAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("push", args, ["-q", "--quiet"], []);
        if (a.Positional.Count != 1) throw new CliException("\"push\" requires exactly 1 argument (see 'minidocker push --help')");
        var digest = await engine.Images.PushAsync(a.Positional[0], cancellationToken: cancellationToken);
        Console.WriteLine($"{a.Positional[0]}: digest: {digest}");
        return 0;
    }

    public async Task<int> ListAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("images", args, ["-q", "--quiet", "-a", "--all", "--digests"], []);
        var images = await engine.Images.ListAsync(cancellationToken);
        if (a.Has("-q", "--quiet"))
        {
            foreach (var image in images) Console.WriteLine(image.Id.Hex[..12]);
            return 0;
        }
        var rows = new List<IReadOnlyList<string>>();
        foreach (var image in images)
        {
            var created = image.Config.Created is { } c ? Display.Ago(c) : "N/A";
            if (image.Tags.Count == 0) rows.Add(["<none>", "<none>", image.Id.Hex[..12], created, Display.Size(image.Size)]);
            foreach (var tag in image.Tags)
            {
                var reference = ImageReference.Parse(tag);
                var repository = reference.Registry == ImageReference.DefaultRegistry ? reference.Repository.Replace("library/", "", StringComparison.Ordinal) : reference.Name;
                rows.Add([repository, reference.Tag ?? "<none>", image.Id.Hex[..12], created, Display.Size(image.Size)]);
            }
        }
        Display.Table(["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"], rows);
        return 0;
    }

    public async Task<int> RemoveAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("rmi", args, ["-f", "--force"], []);
        if (a.Positional.Count == 0) throw new CliException("\"rmi\" requires at least 1 argument (see 'minidocker rmi --help')");
        int code = 0;
        foreach (var name in a.Positional)
        {
            try
            {
                var removal = await engine.Images.RemoveAsync(name, a.Has("-f", "--force"), cancellationToken);
                foreach (var tag in removal.Untagged) Console.WriteLine($"Untagged: {tag}");
                foreach (var digest in removal.Deleted) Console.WriteLine($"Deleted: {digest}");
            }
            catch (Exception e) when (e is ImageNotFoundException or ImageInUseException)
            {
                Console.Error.WriteLine($"Error response from daemon: {e.Message.Split('\n')[0]}");
                code = ExitCodes.Failure;
            }
        }
        return code;
    }

    public async Task<int> TagAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("tag", args, [], []);
        if (a.Positional.Count != 2) throw new CliException("\"tag\" requires exactly 2 arguments (see 'minidocker tag --help')");
        await engine.Images.TagAsync(a.Positional[0], a.Positional[1], cancellationToken);
        return 0;
    }

    public async Task<int> LoadAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("load", args, ["-q", "--quiet"], ["-i", "--input"]);
        var input = a.Value("-i", "--input") ?? throw new CliException("give the archive with -i FILE (reading stdin is not supported).");
        foreach (var image in await engine.Images.ImportAsync(input, cancellationToken: cancellationToken))
            Console.WriteLine(image.Tags.Count > 0 ? $"Loaded image: {image.Tags[0]}" : $"Loaded image ID: {image.Id}");
        return 0;
    }

    public async Task<int> SaveAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("save", args, [], ["-o", "--output"]);
        var output = a.Value("-o", "--output") ?? throw new CliException("give the archive with -o FILE (writing to stdout is not supported).");
        if (a.Positional.Count == 0) throw new CliException("\"save\" requires at least 1 argument (see 'minidocker save --help')");
        await using var file = File.Create(output);
        await engine.Images.ExportAsync(a.Positional, file, cancellationToken);
        return 0;
    }

    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var collected = await engine.Images.CollectGarbageAsync(cancellationToken);
        Console.WriteLine($"Total reclaimed space: {Display.Size(collected.BytesReclaimed)} ({collected.BlobsRemoved} blobs, {collected.LayersRemoved} layers)");
        return 0;
    }
}
