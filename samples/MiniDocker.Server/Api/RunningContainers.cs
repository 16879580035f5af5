using MiniDocker.Containers;

namespace MiniDocker.Server.Api;

/// <summary>The running (or paused) container an endpoint acts on; 409 in Docker's words otherwise.</summary>
internal static class RunningContainers
{
    public static Task<Container> RunningAsync(this ContainerEngine engine, string id, CancellationToken cancellationToken) =>
        engine.RunningAsync(id, hint: null, cancellationToken);

    /// <param name="engine">The engine.</param>
    /// <param name="id">The container's id or name.</param>
    /// <param name="hint">What to do instead, added to the 409's message.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public static async Task<Container> RunningAsync(this ContainerEngine engine, string id, string? hint, CancellationToken cancellationToken)
    {
        var info = await engine.Containers.InspectAsync(id, cancellationToken);
        if (info.Status is not (ContainerStatus.Running or ContainerStatus.Paused))
            throw ApiException.Conflict($"Container {info.Id} is not running{(hint is null ? "" : "; " + hint)}");
        return await engine.Containers.GetAsync(info.Id, cancellationToken);
    }
}
