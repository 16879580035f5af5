using MiniDocker.Containers;

namespace MiniDocker.Server.Api;

/// <summary>The running (or paused) container an endpoint acts on; 409 in Docker's words otherwise.</summary>
internal static class RunningContainers
{
    public static async Task<Container> RunningAsync(this ContainerEngine engine, string id, CancellationToken cancellationToken)
    {
        var info = await engine.Containers.InspectAsync(id, cancellationToken);
        if (info.Status is not (ContainerStatus.Running or ContainerStatus.Paused))
            throw ApiException.Conflict($"Container {info.Id} is not running");
        return await engine.Containers.GetAsync(info.Id, cancellationToken);
    }
}
