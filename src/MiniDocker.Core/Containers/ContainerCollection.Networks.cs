using MiniDocker.Containers.State;
using MiniDocker.Networks;

namespace MiniDocker.Containers;

public sealed partial class ContainerCollection
{
    /// <summary>
    /// Connects a container to a network by its id or name (<c>docker network connect</c>): a
    /// running one at once (<see cref="Container.ConnectAsync"/>), a created one when it starts.
    /// </summary>
    /// <exception cref="ContainerNotFoundException">No container goes by that.</exception>
    /// <exception cref="InvalidOperationException">It has exited, or is on that network already.</exception>
    /// <exception cref="ContainerConfigurationException">A created container and a network that ends with this engine (not persistent).</exception>
    public async Task ConnectAsync(string idOrName, ContainerNetwork network, IReadOnlyList<string>? aliases = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        var (id, directory, _, info) = Current(idOrName);
        if (info.Status is ContainerStatus.Running or ContainerStatus.Paused)
        {
            await (await GetAsync(id, cancellationToken).ConfigureAwait(false)).ConnectAsync(network, aliases, cancellationToken).ConfigureAwait(false);
            return;
        }
        EnsureCreated(info, "connect");
        if (!network.Persistent)
            throw new ContainerConfigurationException($"Network \"{network.Name}\" belongs to this engine and ends with it, so a created container cannot be set to join it; create the network with persistent: true.");
        if (info.Networks.Contains(network.Name)) throw new InvalidOperationException($"Container {info.Name} is already on network {network.Name}.");
        await ChangeCreatedNetworksAsync(directory, networks => networks[network.Name] = [.. aliases ?? []], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes a container off a network by its id or name (<c>docker network disconnect</c>): a running one at once, a created one before it starts.</summary>
    /// <exception cref="ContainerNotFoundException">No container goes by that.</exception>
    /// <exception cref="InvalidOperationException">It has exited, or is not on that network.</exception>
    public async Task DisconnectAsync(string idOrName, string networkName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(networkName);
        var (id, directory, _, info) = Current(idOrName);
        if (info.Status is ContainerStatus.Running or ContainerStatus.Paused)
        {
            await (await GetAsync(id, cancellationToken).ConfigureAwait(false)).DisconnectAsync(networkName, cancellationToken).ConfigureAwait(false);
            return;
        }
        EnsureCreated(info, "disconnect");
        if (!info.Networks.Contains(networkName)) throw new InvalidOperationException($"Container {info.Name} is not on network {networkName}.");
        await ChangeCreatedNetworksAsync(directory, networks => networks.Remove(networkName), cancellationToken).ConfigureAwait(false);
    }

    private static void EnsureCreated(ContainerInfo info, string action)
    {
        if (info.Status != ContainerStatus.Created)
            throw new InvalidOperationException($"Container {info.Name} is {info.Status.ToString().ToLowerInvariant()}; {action} it while it runs, or before its first start.");
    }

    /// <summary>The networks a created container joins when it starts, kept in created.json and shown in its state.</summary>
    private static async Task ChangeCreatedNetworksAsync(string directory, Action<Dictionary<string, List<string>>> change, CancellationToken cancellationToken)
    {
        var state = ContainerStateFile.Read(directory);
        var created = await CreatedDefinitionFile.ReadAsync(directory, state, cancellationToken).ConfigureAwait(false);
        var networks = new Dictionary<string, List<string>>(created.Networks, StringComparer.Ordinal);
        change(networks);
        await CreatedDefinitionFile.WriteAsync(directory, created with { Networks = networks }, cancellationToken).ConfigureAwait(false);
        ContainerStateFile.Write(directory, state with { Networks = [.. networks.Keys] });
    }
}
