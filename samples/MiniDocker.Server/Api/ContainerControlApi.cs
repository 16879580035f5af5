using System.Globalization;
using MiniDocker.Containers;

namespace MiniDocker.Server.Api;

/// <summary><c>pause</c>, <c>unpause</c>, <c>restart</c>, <c>resize</c> and <c>top</c> on a running container.</summary>
internal static class ContainerControlApi
{
    public static void MapContainerControl(this IEndpointRouteBuilder app)
    {
        app.MapPost("/containers/{id}/pause", async (string id, ContainerEngine engine, CancellationToken cancellationToken) =>
        {
            var container = await engine.RunningAsync(id, cancellationToken);
            if (container.Status == ContainerStatus.Paused) throw ApiException.Conflict($"Container {container.Id} is already paused");
            await container.PauseAsync(cancellationToken);
            return Results.NoContent();
        });
        app.MapPost("/containers/{id}/unpause", async (string id, ContainerEngine engine, CancellationToken cancellationToken) =>
        {
            var container = await engine.RunningAsync(id, cancellationToken);
            if (container.Status != ContainerStatus.Paused) throw ApiException.Conflict($"Container {container.Id} is not paused");
            await container.ResumeAsync(cancellationToken);
            return Results.NoContent();
        });
        app.MapPost("/containers/{id}/restart", async (string id, ContainerEngine engine, ServerContainers server, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var info = await engine.Containers.InspectAsync(id, cancellationToken);
            TimeSpan? timeout = int.TryParse(request.Query["t"], CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null;
            switch (info.Status)
            {
                case ContainerStatus.Running or ContainerStatus.Paused:
                    await (await engine.Containers.GetAsync(info.Id, cancellationToken)).RestartAsync(timeout, cancellationToken);
                    break;
                default:
                    await server.StartAsync(info.Id, cancellationToken); // created, or exited: it starts (again)
                    break;
            }
            return Results.NoContent();
        });
        app.MapPost("/containers/{id}/resize", async (string id, ContainerEngine engine, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var (columns, rows) = TerminalSizeQuery.Parse(request);
            (await engine.RunningAsync(id, cancellationToken)).ResizeTerminal(columns, rows);
            return Results.Ok();
        });
        app.MapGet("/containers/{id}/top", async (string id, ContainerEngine engine, HttpRequest request, CancellationToken cancellationToken) =>
        {
            if (request.Query["ps_args"].FirstOrDefault() is { Length: > 0 } args && args != "-ef")
                throw ApiException.NotSupported($"ps_args \"{args}\"");
            var container = await engine.RunningAsync(id, cancellationToken);
            return Results.Json(new
            {
                Titles = ProcessTable.Titles,
                Processes = container.Cgroup.GetProcesses().Order().Select(ProcessTable.Row).OfType<string[]>(),
            });
        });
    }
}
