using System.Net;
using System.Text.Json;

namespace MiniDocker.Networking.Ipam;

/// <summary>
/// Hands out the addresses of one subnet. Leases live in a JSON file guarded by an exclusive
/// file lock, so two engines (in one process or several) never give out the same address.
/// </summary>
public sealed class IpamPool
{
    private readonly string _leaseFile;

    /// <summary>A pool over <paramref name="subnet"/> keeping its leases in <paramref name="leaseFile"/>.</summary>
    public IpamPool(Subnet subnet, string leaseFile)
    {
        Subnet = subnet ?? throw new ArgumentNullException(nameof(subnet));
        _leaseFile = leaseFile ?? throw new ArgumentNullException(nameof(leaseFile));
    }

    /// <summary>The subnet.</summary>
    public Subnet Subnet { get; }

    /// <summary>Leases the lowest free address to <paramref name="owner"/> (an existing lease of the owner is returned again).</summary>
    /// <exception cref="InvalidOperationException">Every address is leased.</exception>
    public IPAddress Allocate(string owner) => Update(leases =>
    {
        var existing = leases.FirstOrDefault(kv => kv.Value == owner);
        if (existing.Key is not null) return IPAddress.Parse(existing.Key);
        for (long n = 0; n < Subnet.Capacity; n++)
        {
            var address = Subnet.Host(n);
            if (leases.TryAdd(address.ToString(), owner)) return address;
        }
        throw new InvalidOperationException($"Every address of {Subnet} is leased ({Subnet.Capacity}); release some or use a larger subnet.");
    });

    /// <summary>Releases the leases of <paramref name="owner"/>.</summary>
    public void Release(string owner) => Update(leases =>
    {
        foreach (var address in leases.Where(kv => kv.Value == owner).Select(kv => kv.Key).ToList()) leases.Remove(address);
        return (IPAddress?)null;
    });

    /// <summary>Releases every lease whose owner <paramref name="isAlive"/> says is gone (reclaiming after a crash).</summary>
    public int Reclaim(Func<string, bool> isAlive) => Update(leases =>
    {
        ArgumentNullException.ThrowIfNull(isAlive);
        var dead = leases.Where(kv => !isAlive(kv.Value)).Select(kv => kv.Key).ToList();
        foreach (var address in dead) leases.Remove(address);
        return dead.Count;
    });

    /// <summary>The current leases, address → owner.</summary>
    public IReadOnlyDictionary<string, string> Leases() => Update(leases => new Dictionary<string, string>(leases));

    private T Update<T>(Func<Dictionary<string, string>, T> change)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_leaseFile)!);
        // FileShare.None is an exclusive lock on Unix; a second engine waits for it.
        using var file = OpenLocked();
        var leases = file.Length == 0
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : JsonSerializer.Deserialize(file, LeaseJsonContext.Default.DictionaryStringString) ?? new Dictionary<string, string>(StringComparer.Ordinal);
        var result = change(leases);
        file.SetLength(0);
        JsonSerializer.Serialize(file, leases, LeaseJsonContext.Default.DictionaryStringString);
        // No fsync: leases describe running containers, which do not survive a power loss either.
        file.Flush(flushToDisk: false);
        return result;
    }

    private FileStream OpenLocked()
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(_leaseFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 500)
            {
                Thread.Sleep(2);
            }
        }
    }
}
