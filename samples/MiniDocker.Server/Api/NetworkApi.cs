using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MiniDocker.Containers;

namespace MiniDocker.Server.Api;

/// <summary>
/// <c>/networks</c>: bridge networks that outlive the server (persistent), as Docker's do. An id
/// is derived from the name, so either finds a network.
/// </summary>
internal static class NetworkApi
{
    /// <summary>The network containers join unless told otherwise (<c>docker run</c> without <c>--network</c>), as dockerd's.</summary>
    public const string DefaultNetwork = "bridge";

    /// <summary>Makes the default network when the root has none yet; it persists, like the containers on it.</summary>
    public static async Task EnsureDefaultNetworkAsync(ContainerEngine engine, CancellationToken cancellationToken)
    {
        if (engine.Networks.Find(DefaultNetwork) is null) await CreateWithFreeSubnetAsync(engine, DefaultNetwork, cancellationToken);
    }

    public static void MapNetworks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/networks", async (ContainerEngine engine, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var filters = DockerFilters.Parse(request, "name", "id", "driver", "type");
            bool Matches(Networks.NetworkInfo n) =>
                (!filters.TryGetValue("name", out var names) || names.Any(name => n.Name.Contains(name, StringComparison.Ordinal)))
                && (!filters.TryGetValue("id", out var ids) || ids.Any(id => Id(n.Name).StartsWith(id, StringComparison.Ordinal)))
                && (!filters.TryGetValue("driver", out var drivers) || drivers.Contains("bridge"))
                && (!filters.TryGetValue("type", out var types) || types.Contains(n.Name == DefaultNetwork ? "builtin" : "custom"));
            return Results.Json((await engine.Networks.ListAsync(cancellationToken)).Where(Matches).Select(Describe));
        });
        app.MapGet("/networks/{id}", async (string id, ContainerEngine engine, CancellationToken cancellationToken) =>
            Results.Json(Describe(await FindAsync(engine, id, cancellationToken))));
        app.MapPost("/networks/create", async (ContainerEngine engine, HttpRequest request, CancellationToken cancellationToken) =>
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            var body = document.RootElement;
            var name = body.TryGetProperty("Name", out var n) && n.GetString() is { Length: > 0 } given ? given : throw ApiException.BadRequest("Name is required.");
            if (body.TryGetProperty("Driver", out var driver) && driver.GetString() is { Length: > 0 } kind && kind != "bridge")
                throw ApiException.NotSupported($"The network driver \"{kind}\"");
            string? subnet = null;
            if (body.TryGetProperty("IPAM", out var ipam) && ipam.TryGetProperty("Config", out var config) && config.ValueKind == JsonValueKind.Array)
                subnet = config.EnumerateArray().Select(c => c.TryGetProperty("Subnet", out var s) ? s.GetString() : null).FirstOrDefault(s => !string.IsNullOrEmpty(s));
            if (engine.Networks.Find(name) is not null) throw ApiException.Conflict($"network with name {name} already exists");
            var network = subnet is not null
                ? await engine.Networks.CreateAsync(name, subnet, persistent: true, cancellationToken)
                : await CreateWithFreeSubnetAsync(engine, name, cancellationToken);
            return Results.Json(new { Id = Id(network.Name), Warning = "" }, statusCode: StatusCodes.Status201Created);
        });
        app.MapPost("/networks/{id}/connect", async (string id, ContainerEngine engine, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var (network, container, body) = await MembershipRequestAsync(engine, id, request, cancellationToken);
            IReadOnlyList<string> aliases = [];
            if (body.TryGetProperty("EndpointConfig", out var endpoint) && endpoint.ValueKind == JsonValueKind.Object)
            {
                if (endpoint.TryGetProperty("IPAMConfig", out var ipam) && ipam.ValueKind == JsonValueKind.Object && ipam.EnumerateObject().Any(p => p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() is { Length: > 0 }))
                    throw ApiException.NotSupported("A fixed address for a container (EndpointConfig.IPAMConfig)");
                if (endpoint.TryGetProperty("Aliases", out var given) && given.ValueKind == JsonValueKind.Array)
                    aliases = [.. given.EnumerateArray().Select(a => a.GetString() ?? throw ApiException.BadRequest("Aliases must be strings."))];
            }
            var info = await engine.Containers.InspectAsync(container, cancellationToken);
            if (info.Networks.Contains(network.Name))
                throw new ApiException(StatusCodes.Status403Forbidden, $"endpoint with name {info.Name} already exists in network {network.Name}");
            await engine.Containers.ConnectAsync(info.Id, network, aliases, cancellationToken); // at once, or when a created one starts
            return Results.Ok();
        });
        app.MapPost("/networks/{id}/disconnect", async (string id, ContainerEngine engine, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var (network, container, _) = await MembershipRequestAsync(engine, id, request, cancellationToken);
            var info = await engine.Containers.InspectAsync(container, cancellationToken);
            if (!info.Networks.Contains(network.Name))
                throw ApiException.Conflict($"container {info.Id} is not connected to network {network.Name}");
            await engine.Containers.DisconnectAsync(info.Id, network.Name, cancellationToken);
            return Results.Ok();
        });
        app.MapDelete("/networks/{id}", async (string id, ContainerEngine engine, CancellationToken cancellationToken) =>
        {
            var network = await FindAsync(engine, id, cancellationToken);
            if (network.Name == DefaultNetwork)
                throw new ApiException(StatusCodes.Status403Forbidden, $"{DefaultNetwork} is a pre-defined network and cannot be removed");
            try
            {
                await engine.Networks.RemoveAsync(network.Name, cancellationToken);
            }
            catch (ContainerConfigurationException e)
            {
                throw ApiException.Conflict(e.Message); // containers are still on it
            }
            return Results.NoContent();
        });
    }

    // Docker picks a free private range when none is given; so does this, from 10.90.0.0/24 up.
    private static async Task<Networks.ContainerNetwork> CreateWithFreeSubnetAsync(ContainerEngine engine, string name, CancellationToken cancellationToken)
    {
        // From a random start: servers starting at once would otherwise race for the same first range.
        int start = Random.Shared.Next(256);
        for (int i = 0; i < 256; i++)
        {
            try
            {
                return await engine.Networks.CreateAsync(name, $"10.90.{(start + i) % 256}.0/24", persistent: true, cancellationToken);
            }
            catch (ContainerConfigurationException e) when (e.Message.Contains("overlaps", StringComparison.Ordinal))
            {
            }
        }
        throw ApiException.Conflict("No free subnet is left in 10.90.0.0/16; give one with --subnet.");
    }

    /// <summary>The network, the container named in the body and the body of a connect or disconnect request.</summary>
    private static async Task<(Networks.ContainerNetwork Network, string Container, JsonElement Body)> MembershipRequestAsync(
        ContainerEngine engine, string id, HttpRequest request, CancellationToken cancellationToken)
    {
        var info = await FindAsync(engine, id, cancellationToken);
        var network = engine.Networks.Find(info.Name) ?? throw ApiException.NotFound($"network {id} not found");
        using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        var body = document.RootElement.Clone();
        var container = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("Container", out var c) && c.GetString() is { Length: > 0 } given
            ? given : throw ApiException.BadRequest("Container is required.");
        return (network, container, body);
    }

    private static async Task<Networks.NetworkInfo> FindAsync(ContainerEngine engine, string idOrName, CancellationToken cancellationToken) =>
        (await engine.Networks.ListAsync(cancellationToken)).FirstOrDefault(n => n.Name == idOrName || Id(n.Name).StartsWith(idOrName, StringComparison.Ordinal))
        ?? throw ApiException.NotFound($"network {idOrName} not found");

    /// <summary>A network's id in the API: derived from its name, so the same network keeps it across servers.</summary>
    internal static string Id(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("minidocker-network:" + name)));

    private static object Describe(Networks.NetworkInfo n) => new
    {
        n.Name,
        Id = Id(n.Name),
        Driver = "bridge",
        Scope = "local",
        IPAM = new { Driver = "default", Config = new[] { new { Subnet = n.Subnet.ToString(), Gateway = n.Subnet.Gateway.ToString() } } },
        Options = new Dictionary<string, string> { ["com.docker.network.bridge.name"] = n.Bridge },
        Labels = new Dictionary<string, string>(),
    };
}
