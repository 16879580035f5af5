using System.Text.Json;
using MiniDocker.Containers;

namespace MiniDocker.Cli;

/// <summary><c>inspect</c>: a container's record, else an image's config and manifest, as JSON.</summary>
internal static class Inspect
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(ContainerEngine engine, string[] args, CancellationToken cancellationToken)
    {
        var parsed = Arguments.Parse("inspect", args, [], []);
        if (parsed.Positional.Count == 0) throw new CliException("\"inspect\" requires at least 1 argument (see 'minidocker inspect --help')");
        var documents = new List<object>();
        foreach (var name in parsed.Positional)
        {
            try
            {
                documents.Add(await engine.Containers.InspectAsync(name, cancellationToken));
            }
            catch (ContainerNotFoundException)
            {
                var image = await engine.Images.TryGetAsync(name, cancellationToken)
                    ?? throw new CliException($"Error: No such object: {name}", ExitCodes.Failure);
                documents.Add(new { image.Id, image.ManifestDigest, image.Tags, image.RepoDigests, image.Size, image.Config, image.Manifest });
            }
        }
        Console.WriteLine(JsonSerializer.Serialize(documents, Indented));
        return 0;
    }
}
