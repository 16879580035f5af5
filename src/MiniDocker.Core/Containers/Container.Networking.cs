using MiniDocker.Networks;

namespace MiniDocker.Containers;

public sealed partial class Container
{
    private volatile NetworkAttachment[] _networks;
    private readonly SemaphoreSlim _networksLock = new(1, 1);

    /// <summary>
    /// Connects the running container to another network (<c>docker network connect</c>): a new
    /// interface inside (<c>eth1</c>, …) with an address of that network, and its name and
    /// aliases in every member's /etc/hosts. The first network keeps the default route.
    /// </summary>
    /// <param name="network">A network from <c>engine.Networks</c>.</param>
    /// <param name="aliases">More names the others reach it by on that network.</param>
    /// <param name="cancellationToken">Cancels before the connection is made.</param>
    /// <returns>Its place on the network.</returns>
    /// <exception cref="InvalidOperationException">It has ended, is on that network already, or shares another namespace's network.</exception>
    public async Task<NetworkAttachment> ConnectAsync(ContainerNetwork network, IReadOnlyList<string>? aliases = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        await _networksLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureRunning("connect it to a network");
            if (_networks.Any(n => n.Network.Name == network.Name))
                throw new InvalidOperationException($"Container {Name} is already on network {network.Name}.");
            var netns = Spec.Linux?.Namespaces.FirstOrDefault(n => n.Type == "network");
            if (netns is null || !string.IsNullOrEmpty(netns.Path))
                throw new InvalidOperationException($"Container {Name} has no network namespace of its own (it uses the host's or another's), so it cannot join a network.");
            int index = _networks.Length == 0 ? 0 : _networks.Max(n => n.Index) + 1;
            var attachment = ContainerNetworks.Reserve(network, Id, Name, Spec.Hostname ?? Id[..12], aliases ?? [], index);
            try
            {
                ContainerNetworks.Connect(attachment, Id, Pid, defaultRoute: _networks.Length == 0);
            }
            catch
            {
                network.Pool.Release(Id);
                throw;
            }
            _networks = [.. _networks, attachment];
            _engine.Networks.Joined([attachment], Id, HostsFile);
            SaveNetworks();
            return attachment;
        }
        finally
        {
            _networksLock.Release();
        }
    }

    /// <summary>
    /// Takes the running container off a network (<c>docker network disconnect</c>): its interface
    /// there goes, its address is released, the others no longer find it by name.
    /// </summary>
    /// <exception cref="InvalidOperationException">It has ended, or is not on that network.</exception>
    public async Task DisconnectAsync(string networkName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(networkName);
        await _networksLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureRunning("disconnect it from a network");
            var attachment = _networks.FirstOrDefault(n => n.Network.Name == networkName)
                ?? throw new InvalidOperationException($"Container {Name} is not on network {networkName}.");
            _networks = [.. _networks.Where(n => !ReferenceEquals(n, attachment))];
            // Deleting the host end takes the inner end with it.
            await _engine.Networks.Left(attachment, Id).ConfigureAwait(false);
            SaveNetworks();
        }
        finally
        {
            _networksLock.Release();
        }
    }

    private string HostsFile => Path.Combine(StateDirectory, "hosts");

    private void SaveNetworks()
    {
        var networks = _networks;
        SaveState(st => st with
        {
            Networks = [.. networks.Select(n => n.Network.Name)],
            Addresses = networks.ToDictionary(n => n.Network.Name, n => n.Address.ToString()),
        });
    }
}
