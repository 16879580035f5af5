using MiniDocker.Containers;

namespace MiniDocker.Server.Api;

/// <summary>The <c>/images</c> endpoints.</summary>
internal static class ImageApi
{
    public static void MapImages(this IEndpointRouteBuilder app)
    {
        app.MapPost("/images/create", async (ContainerEngine engine, HttpContext context) =>
        {
            var request = context.Request;
            if (request.Query["fromSrc"].Count > 0) throw ApiException.NotSupported("Importing an image with fromSrc");
            var image = request.Query["fromImage"].FirstOrDefault() is { Length: > 0 } from ? from : throw ApiException.BadRequest("fromImage is required.");
            var tag = request.Query["tag"].FirstOrDefault();
            // A tag may come separately; a digest or a tag already in fromImage stays as it is.
            var reference = tag is { Length: > 0 } && !image.Contains('@') && !image[(image.LastIndexOf('/') + 1)..].Contains(':')
                ? $"{image}{(tag.StartsWith("sha256:", StringComparison.Ordinal) ? "@" : ":")}{tag}" : image;
            await ProgressStream.RespondAsync(context, $"Pulling from {reference}", async stream =>
            {
                var pulled = await engine.Images.PullAsync(reference, stream, context.RequestAborted);
                stream.Status($"Digest: {pulled.ManifestDigest}");
                stream.Status($"Status: Image is up to date for {reference}");
            });
        });
        app.MapGet("/images/{*name}", async (string name, ContainerEngine engine, CancellationToken cancellationToken) =>
        {
            if (!name.EndsWith("/json", StringComparison.Ordinal)) throw ApiException.NotSupported($"GET /images/{name}");
            var image = await engine.Images.TryGetAsync(name[..^"/json".Length], cancellationToken)
                ?? throw ApiException.NotFound($"No such image: {name[..^"/json".Length]}");
            return Results.Json(new
            {
                Id = image.Id.ToString(),
                RepoTags = image.Tags,
                image.RepoDigests,
                Created = image.Config.Created?.UtcDateTime.ToString("o", System.Globalization.CultureInfo.InvariantCulture) ?? "",
                image.Size,
                image.Config.Architecture,
                image.Config.Os,
                Config = image.Config.Config,
                RootFS = new { Type = "layers", Layers = image.Config.RootFs.DiffIds.Select(d => d.ToString()) },
            });
        });
        app.MapPost("/images/{*name}", async (string name, ContainerEngine engine, HttpContext context) =>
        {
            if (name.EndsWith("/push", StringComparison.Ordinal))
            {
                await PushAsync(name[..^"/push".Length], engine, context);
                return Results.Empty;
            }
            var request = context.Request;
            var cancellationToken = context.RequestAborted;
            if (!name.EndsWith("/tag", StringComparison.Ordinal)) throw ApiException.NotSupported($"POST /images/{name}");
            var repo = request.Query["repo"].FirstOrDefault() is { Length: > 0 } r ? r : throw ApiException.BadRequest("repo is required.");
            var tag = request.Query["tag"].FirstOrDefault() is { Length: > 0 } t ? t : "latest";
            await engine.Images.TagAsync(name[..^"/tag".Length], $"{repo}:{tag}", cancellationToken);
            return Results.StatusCode(StatusCodes.Status201Created);
        });
        app.MapDelete("/images/{*name}", async (string name, ContainerEngine engine, HttpRequest request, CancellationToken cancellationToken) =>
        {
            bool force = request.Query["force"].FirstOrDefault() is "1" or "true";
            MiniDocker.Images.ImageRemoval removal;
            try
            {
                removal = await engine.Images.RemoveAsync(name, force, cancellationToken);
            }
            catch (MiniDocker.Images.ImageInUseException e)
            {
                throw ApiException.Conflict(e.Message);
            }
            return Results.Json(removal.Untagged.Select(t => (object)new { Untagged = t })
                .Concat(removal.Deleted.Select(d => (object)new { Deleted = d.ToString() })));
        });
        app.MapGet("/images/json", async (ContainerEngine engine, CancellationToken cancellationToken) =>
        {
            var images = await engine.Images.ListAsync(cancellationToken);
            return Results.Json(images.Select(i => new
            {
                Id = i.Id.ToString(),
                ParentId = "",
                RepoTags = i.Tags,
                RepoDigests = i.RepoDigests,
                Created = i.Config.Created?.ToUnixTimeSeconds() ?? 0,
                i.Size,
                SharedSize = -1,
                VirtualSize = i.Size,
                Labels = i.Config.Config?.Labels ?? new Dictionary<string, string>(),
                Containers = -1,
            }));
        });
    }

    /// <summary>
    /// <c>docker push</c>: the image goes to the registry its name says, under the tag given
    /// (<c>latest</c> when none is).
    /// </summary>
    private static async Task PushAsync(string name, ContainerEngine engine, HttpContext context)
    {
        var tag = context.Request.Query["tag"].FirstOrDefault() is { Length: > 0 } t ? t : "latest";
        var reference = $"{name}:{tag}";
        _ = await engine.Images.TryGetAsync(reference, context.RequestAborted) ?? throw ApiException.NotFound($"No such image: {reference}");
        await ProgressStream.RespondAsync(context, $"The push refers to repository [{name}]", async stream =>
        {
            var digest = await engine.Images.PushAsync(reference, reference, stream, context.RequestAborted);
            stream.Pushed(tag, digest.ToString());
        });
    }
}
