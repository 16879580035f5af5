using System.Collections.Concurrent;
using System.Text;
using MiniDocker.Networking.Firewall;
using MiniDocker.Networking.Ipam;
using MiniDocker.Networking.Netlink;

namespace MiniDocker.Networks;

/// <summary>
/// The bridge networks of an engine: create, find, remove. A network lives while its engine does;
/// its leases are kept under the engine root so that two engines never hand out one address.
/// </summary>
public sealed class ContainerNetworks
{
    private readonly string _directory;
    private readonly ConcurrentDictionary<string, ContainerNetwork> _networks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, NetworkAttachment>> _members = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly List<Task> _pendingDeletions = [];

    internal ContainerNetworks(string rootDirectory) => _directory = Path.Combine(rootDirectory, "networks");

    /// <summary>
    /// Removes what an engine that died left of its networks on this root: the bridge, the
    /// nftables table, the leases. A network whose definition file is still locked has a live owner.
    /// </summary>
    /// <returns>The names of the networks cleaned up.</returns>
    internal IReadOnlyList<string> RemoveStale()
    {
        if (!Directory.Exists(_directory)) return [];
        var removed = new List<string>();
        foreach (var file in Directory.EnumerateFiles(_directory, "*.network"))
        {
            string bridge;
            try
            {
                using var unowned = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                var reader = new StreamReader(unowned);
                bridge = reader.ReadLine() ?? "";
                reader.ReadLine();
                if (reader.ReadLine() == PersistentMarker) continue; // no owner to outlive
            }
            catch (IOException)
            {
                continue; // another engine holds it
            }
            var name = Path.GetFileNameWithoutExtension(file);
            using (var socket = RouteSocket.Open())
            {
                if (bridge.StartsWith("md-", StringComparison.Ordinal) && socket.LinkExists(bridge)) socket.DeleteLink(bridge);
            }
            if (bridge.Length > 0) NetworkFirewall.Remove(bridge);
            File.Delete(Path.Combine(_directory, name + ".leases.json"));
            File.Delete(file);
            removed.Add(name);
        }
        return removed;
    }

    /// <summary>The networks of this engine.</summary>
    public IReadOnlyCollection<ContainerNetwork> All => [.. _networks.Values];

    /// <summary>Creates a bridge network.</summary>
    /// <param name="name">A name of letters, digits, '_', '.' and '-'.</param>
    /// <param name="subnet">An IPv4 subnet such as "10.89.0.0/24".</param>
    /// <param name="cancellationToken">Cancels the wait for the engine's network lock.</param>
    /// <exception cref="ContainerConfigurationException">The name is taken or invalid, the subnet malformed or overlapping another network's or a host route.</exception>
    public Task<ContainerNetwork> CreateAsync(string name, string subnet, CancellationToken cancellationToken = default) =>
        CreateAsync(name, subnet, persistent: false, cancellationToken);

    /// <summary>
    /// Creates a bridge network; a <paramref name="persistent"/> one outlives this engine, as Docker's
    /// networks do: any engine on the root finds it (<see cref="Find"/>) and puts containers on it,
    /// whichever process they run in, until <see cref="RemoveAsync"/>.
    /// </summary>
    /// <exception cref="ContainerConfigurationException">The name is taken or invalid, the subnet malformed or overlapping another network's or a host route.</exception>
    public Task<ContainerNetwork> CreateAsync(string name, string subnet, bool persistent, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            throw new ContainerConfigurationException($"The network name \"{name}\" is invalid; use 1 to 64 letters, digits, '_', '.' and '-'.");
        Subnet parsed;
        try
        {
            parsed = Subnet.Parse(subnet);
        }
        catch (FormatException e)
        {
            throw new ContainerConfigurationException(e.Message, e);
        }
        // Bridge and address creation are single netlink round trips; one lock keeps name and subnet checks honest.
        lock (_gate)
        {
            if (_networks.ContainsKey(name) || File.Exists(DefinitionPath(name)))
                throw new ContainerConfigurationException($"A network named \"{name}\" exists already; remove it or choose another name.");
            if (_networks.Values.Select(n => (n.Name, n.Subnet)).Concat(ListDefinitions().Select(d => (d.Name, d.Subnet)))
                    .FirstOrDefault(n => n.Subnet.Overlaps(parsed)) is { Name: not null } clash)
                throw new ContainerConfigurationException($"The subnet {parsed} overlaps {clash.Subnet} of network \"{clash.Name}\"; choose a subnet of its own.");
            if (HostRoutes().FirstOrDefault(r => r.Overlaps(parsed)) is { } route)
                throw new ContainerConfigurationException($"The subnet {parsed} overlaps the host's route to {route}; choose a subnet the host does not use.");

            var bridge = BridgeName(name);
            using var socket = RouteSocket.Open();
            socket.CreateBridge(bridge);
            try
            {
                socket.AddAddress(bridge, parsed.Gateway, parsed.PrefixLength);
                socket.SetUp(bridge);
                NetworkFirewall.Add(bridge, parsed);
            }
            catch (FirewallException e)
            {
                socket.DeleteLink(bridge);
                throw new ContainerConfigurationException($"Network \"{name}\" could not be given its firewall rules: {e.Message}", e);
            }
            catch
            {
                socket.DeleteLink(bridge);
                throw;
            }
            Directory.CreateDirectory(_directory);
            FileStream? ownership = null;
            if (persistent)
            {
                File.WriteAllText(DefinitionPath(name), $"{bridge}\n{parsed}\n{PersistentMarker}\n");
            }
            else
            {
                ownership = new FileStream(DefinitionPath(name), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
                ownership.Write(Encoding.UTF8.GetBytes($"{bridge}\n{parsed}\n"));
                ownership.Flush();
            }
            var network = new ContainerNetwork(name, parsed, bridge, new IpamPool(parsed, Path.Combine(_directory, name + ".leases.json")), ownership);
            _networks[name] = network;
            _members[name] = new ConcurrentDictionary<string, NetworkAttachment>(StringComparer.Ordinal);
            return Task.FromResult(network);
        }
    }

    /// <summary>The name of the network <see cref="GetDefaultAsync"/> creates.</summary>
    public const string DefaultName = "minidocker";

    /// <summary>The subnet of the default network (Podman's default range, not Docker's 172.17/16, so both can run side by side).</summary>
    public const string DefaultSubnet = "10.88.0.0/16";

    /// <summary>The engine's default bridge network, created on first use.</summary>
    public async Task<ContainerNetwork> GetDefaultAsync(CancellationToken cancellationToken = default)
    {
        if (_networks.TryGetValue(DefaultName, out var existing)) return existing;
        try
        {
            return await CreateAsync(DefaultName, DefaultSubnet, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerConfigurationException) when (_networks.TryGetValue(DefaultName, out var raced))
        {
            return raced; // another caller created it first
        }
    }

    /// <summary>The network of that name, or null.</summary>
    public ContainerNetwork? Find(string name)
    {
        if (_networks.TryGetValue(name, out var known)) return known;
        if (LoadDefinition(name) is not { Persistent: true } loaded) return null;
        _members.TryAdd(name, new ConcurrentDictionary<string, NetworkAttachment>(StringComparer.Ordinal));
        return _networks.GetOrAdd(name, loaded);
    }

    /// <summary>Every network of the root: this engine's, other live engines', and the persistent ones.</summary>
    public Task<IReadOnlyList<NetworkInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<NetworkInfo> list = [.. ListDefinitions().OrderBy(d => d.Name, StringComparer.Ordinal)];
        return Task.FromResult(list);
    }

    private const string PersistentMarker = "persistent";

    private string DefinitionPath(string name) => Path.Combine(_directory, name + ".network");

    private IEnumerable<NetworkInfo> ListDefinitions()
    {
        if (!Directory.Exists(_directory)) yield break;
        foreach (var file in Directory.EnumerateFiles(_directory, "*.network"))
        {
            string[] lines;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                lines = new StreamReader(stream).ReadToEnd().Split('\n');
            }
            catch (IOException)
            {
                continue;
            }
            Subnet subnet;
            try
            {
                subnet = Subnet.Parse(lines.Length > 1 ? lines[1] : "");
            }
            catch (FormatException)
            {
                continue;
            }
            yield return new NetworkInfo(Path.GetFileNameWithoutExtension(file), subnet, lines[0], lines.Length > 2 && lines[2] == PersistentMarker);
        }
    }

    /// <summary>A persistent network's definition; null for one that another engine owns (or none).</summary>
    private ContainerNetwork? LoadDefinition(string name) =>
        File.Exists(DefinitionPath(name)) && ListDefinitions().FirstOrDefault(d => d.Name == name) is { Persistent: true } info
            ? new ContainerNetwork(info.Name, info.Subnet, info.Bridge, new IpamPool(info.Subnet, LeasesPath(name)), null)
            : null;

    private string MembersPath(string name) => Path.Combine(_directory, name + ".members");

    /// <summary>
    /// The members of a persistent network that engines in other processes put there, from its
    /// registry: one file per container with its address, names and hosts file.
    /// </summary>
    private IEnumerable<(string Id, NetworkAttachment Member, string HostsFile)> RegisteredMembers(ContainerNetwork network)
    {
        if (!network.Persistent || !Directory.Exists(MembersPath(network.Name))) yield break;
        foreach (var file in Directory.EnumerateFiles(MembersPath(network.Name)))
        {
            string[] fields;
            try
            {
                fields = File.ReadAllText(file).TrimEnd('\n').Split('\t');
            }
            catch (IOException)
            {
                continue;
            }
            if (fields.Length != 3 || !System.Net.IPAddress.TryParse(fields[0], out var address)) continue;
            yield return (Path.GetFileName(file), new NetworkAttachment(network, address, fields[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)), fields[2]);
        }
    }

    private string LeasesPath(string name) => Path.Combine(_directory, name + ".leases.json");

    /// <summary>Removes a network that no container uses any more: its bridge and its leases.</summary>
    /// <exception cref="InvalidOperationException">Containers are still on it.</exception>
    public Task RemoveAsync(string name, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var network = Find(name);
            if (network is null) return Task.CompletedTask;
            if (_members.TryGetValue(name, out var members) && !members.IsEmpty)
                throw new InvalidOperationException($"Network \"{name}\" is in use by {members.Count} container(s); dispose them first.");
            if (network.Persistent && network.Pool.Leases().Count is > 0 and var leased)
                throw new InvalidOperationException($"Network \"{name}\" is in use by {leased} container(s); remove them first.");
            using (var socket = RouteSocket.Open())
            {
                if (socket.LinkExists(network.Bridge)) socket.DeleteLink(network.Bridge);
            }
            NetworkFirewall.Remove(network.Bridge);
            var leases = Path.Combine(_directory, name + ".leases.json");
            if (File.Exists(leases)) File.Delete(leases);
            network.Ownership?.Dispose();
            File.Delete(DefinitionPath(name));
            if (Directory.Exists(MembersPath(name))) Directory.Delete(MembersPath(name), recursive: true);
            _networks.TryRemove(name, out _);
            _members.TryRemove(name, out _);
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Leases an address and returns the attachment (the veth is made once the container's process
    /// exists): others find it by its name, its hostname and its aliases.
    /// </summary>
    internal static NetworkAttachment Reserve(ContainerNetwork network, string containerId, string name, string hostname, IEnumerable<string> aliases, int index)
    {
        var address = network.Pool.Allocate(containerId);
        var names = new[] { name, hostname }.Concat(aliases).Distinct(StringComparer.Ordinal).ToList();
        return new NetworkAttachment(network, address, names) { Index = index };
    }

    /// <summary>
    /// Connects a container (waiting for "go", or running): a veth with one end on the bridge and
    /// the other as eth<i>N</i> inside, the address, and on its first network the default route.
    /// </summary>
    internal static void Connect(NetworkAttachment attachment, string containerId, int pid, bool defaultRoute)
    {
        string hostEnd = HostEnd(containerId, attachment.Index), inner = $"eth{attachment.Index}";
        using var socket = RouteSocket.Open();
        // The inner end is born in the container's namespace, under its final name.
        socket.CreateVeth(hostEnd, inner, pid);
        try
        {
            socket.SetMaster(hostEnd, attachment.Network.Bridge);
            if (attachment.Hairpin) File.WriteAllText($"/sys/class/net/{hostEnd}/brport/hairpin_mode", "1");
            socket.SetUp(hostEnd);
            using var inside = RouteSocket.OpenIn($"/proc/{pid}/ns/net");
            inside.AddAddress(inner, attachment.Address, attachment.Network.Subnet.PrefixLength);
            inside.SetUp(inner);
            if (defaultRoute) inside.AddDefaultRoute(inner, attachment.Network.Gateway);
        }
        catch
        {
            if (socket.LinkExists(hostEnd)) socket.DeleteLink(hostEnd);
            throw;
        }
    }

    /// <summary>
    /// Records a running member of each network of <paramref name="attachments"/>, then rewrites
    /// every member's hosts file: all at once, so the container's own file never lists only some
    /// of its networks while it runs.
    /// </summary>
    internal void Joined(IReadOnlyList<NetworkAttachment> attachments, string containerId, string hostsFile)
    {
        _hostsFiles[containerId] = hostsFile;
        foreach (var attachment in attachments)
        {
            _members[attachment.Network.Name][containerId] = attachment with { };
            if (attachment.Network.Persistent)
            {
                Directory.CreateDirectory(MembersPath(attachment.Network.Name));
                File.WriteAllText(Path.Combine(MembersPath(attachment.Network.Name), containerId), $"{attachment.Address}\t{string.Join(' ', attachment.Names)}\t{hostsFile}\n");
            }
        }
        foreach (var attachment in attachments) RewriteHosts(attachment.Network);
    }

    /// <summary>
    /// Removes a member's host-side veth (the kernel destroys a dead namespace's devices
    /// asynchronously; this makes it immediate), releases its address, updates the others' hosts files.
    /// </summary>
    /// <returns>The deletion of the host end, for the container's disposal to await.</returns>
    internal Task Left(NetworkAttachment attachment, string containerId)
    {
        // Deleting a veth waits for RCU (tens of milliseconds): done in the background, so the
        // container's exit does not wait for it; its disposal and the engine's do.
        var deletion = Task.Run(() => RemoveHostEnd(containerId, attachment.Index));
        lock (_pendingDeletions)
        {
            _pendingDeletions.RemoveAll(t => t.IsCompleted);
            _pendingDeletions.Add(deletion);
        }
        if (_members.TryGetValue(attachment.Network.Name, out var members)) members.TryRemove(containerId, out _);
        attachment.Network.Pool.Release(containerId);
        if (attachment.Network.Persistent) File.Delete(Path.Combine(MembersPath(attachment.Network.Name), containerId));
        RewriteHosts(attachment.Network);
        // Still on another network (it was disconnected from this one): its own file loses this one's names.
        if (_members.Values.Any(m => m.ContainsKey(containerId))) WriteHosts(containerId, _hostsFiles.GetValueOrDefault(containerId));
        else _hostsFiles.TryRemove(containerId, out _);
        return deletion;
    }

    /// <summary>Deletes a container's host-side veth end, if the kernel has not yet (it does so with the namespace, eventually).</summary>
    internal static void RemoveHostEnd(string containerId, int index)
    {
        var hostEnd = HostEnd(containerId, index);
        using var socket = RouteSocket.Open();
        try
        {
            if (socket.LinkExists(hostEnd)) socket.DeleteLink(hostEnd);
        }
        catch (NetlinkException e) when (e.Errno is 2 or 19)
        {
            // Gone already with the namespace.
        }
    }

    /// <summary>
    /// Gives back what a container that ended unwatched (its engine gone) held on a persistent
    /// network: its address and its entry in the others' hosts files.
    /// </summary>
    internal void Release(string networkName, string containerId)
    {
        if (Find(networkName) is not { Persistent: true } network) return;
        network.Pool.Release(containerId);
        File.Delete(Path.Combine(MembersPath(networkName), containerId));
        RewriteHosts(network);
    }

    /// <summary>A running member of a persistent network, as another engine registered it, for re-attaching.</summary>
    internal NetworkAttachment? Registered(string networkName, string containerId) =>
        Find(networkName) is { Persistent: true } network ? RegisteredMembers(network).FirstOrDefault(m => m.Id == containerId).Member : null;

    /// <summary>
    /// The /etc/hosts of a container on the networks of <paramref name="own"/>: itself on each, and
    /// every other member of each, by name and alias. Written before it starts, and again whenever
    /// a member of one of its networks comes or goes.
    /// </summary>
    internal string HostsFor(string containerId, IReadOnlyList<NetworkAttachment> own)
    {
        var text = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        foreach (var self in own) text.Append(self.Address).Append('\t').AppendJoin(' ', self.Names).Append('\n');
        var others = own.SelectMany(a => AllMembers(a.Network)).Where(m => m.Id != containerId).Select(m => m.Member)
            .Where(m => !own.Any(self => self.Address.Equals(m.Address))).DistinctBy(m => m.Address);
        foreach (var other in others) text.Append(other.Address).Append('\t').AppendJoin(' ', other.Names).Append('\n');
        return text.ToString();
    }

    private readonly ConcurrentDictionary<string, string> _hostsFiles = new(StringComparer.Ordinal);

    // Rewritten in place (not replaced): the containers see these files through bind mounts.
    private IEnumerable<(string Id, NetworkAttachment Member, string? HostsFile)> AllMembers(ContainerNetwork network) =>
        (_members.GetValueOrDefault(network.Name) ?? []).Select(m => (m.Key, m.Value, _hostsFiles.GetValueOrDefault(m.Key)))
            .Concat(RegisteredMembers(network).Select(m => (m.Id, m.Member, (string?)m.HostsFile)))
            .DistinctBy(m => m.Item1);

    private string HostsFor(string containerId) =>
        HostsFor(containerId, [.. _networks.Values.SelectMany(n => AllMembers(n).Where(m => m.Id == containerId).Select(m => m.Member))]);

    private void RewriteHosts(ContainerNetwork network)
    {
        foreach (var (id, _, path) in AllMembers(network)) WriteHosts(id, path);
    }

    /// <summary>
    /// Rewrites a member's hosts file in place (it is bind-mounted: a rename would not reach the
    /// container). Left alone when unchanged, and written before it is cut to length, so a
    /// program resolving a name at that moment never finds the file empty.
    /// </summary>
    private void WriteHosts(string containerId, string? path)
    {
        if (path is null || !File.Exists(path)) return;
        var bytes = Encoding.UTF8.GetBytes(HostsFor(containerId));
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        var current = new byte[file.Length];
        file.ReadExactly(current);
        if (current.AsSpan().SequenceEqual(bytes)) return;
        file.Position = 0;
        file.Write(bytes);
        file.SetLength(bytes.Length);
    }

    private static string HostEnd(string containerId, int index) => $"mdv{containerId[..10]}{index}";

    /// <summary>Removes every network of this engine when it is disposed, after all its containers.</summary>
    internal async Task RemoveAllAsync()
    {
        Task[] pending;
        lock (_pendingDeletions) pending = [.. _pendingDeletions];
        await Task.WhenAll(pending).ConfigureAwait(false);
        foreach (var members in _members.Values) members.Clear();
        foreach (var (name, network) in _networks.ToList())
        {
            if (network.Persistent) _networks.TryRemove(name, out _); // it outlives this engine
            else await RemoveAsync(name).ConfigureAwait(false);
        }
    }

    // Bridge names are at most 15 characters: "md-" and a stable hash of the engine root and the
    // network name, so that engines on different roots may each have a network of the same name.
    private string BridgeName(string name) =>
        "md-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(_directory + "\0" + name)))[..10];

    private static IEnumerable<Subnet> HostRoutes()
    {
        // /proc/net/route: destination and mask in host byte order (hex), for IPv4 routes of this namespace.
        foreach (var line in File.ReadAllLines("/proc/net/route").Skip(1))
        {
            var fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length < 8) continue;
            uint destination = Convert.ToUInt32(fields[1], 16), mask = Convert.ToUInt32(fields[7], 16);
            if (mask == 0) continue; // the default route covers everything and is no conflict
            int prefix = System.Numerics.BitOperations.PopCount(mask);
            var address = new System.Net.IPAddress(BitConverter.GetBytes(destination));
            yield return new Subnet(address, prefix);
        }
    }
}
