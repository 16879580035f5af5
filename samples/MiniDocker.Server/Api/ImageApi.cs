using MiniDocker.Containers;

namespace MiniDocker.Server.Api;

/// <summary>The <c>/images</c> endpoints.</summary>
internal static class ImageApi
{
    public static void MapImages(this IEndpointRouteBuilder app)
    {
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
}
