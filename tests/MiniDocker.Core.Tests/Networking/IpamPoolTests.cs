using System.Net;
using MiniDocker.Networking.Ipam;

namespace MiniDocker.Tests.Networking;

public sealed class IpamPoolTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"md-ipam-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void Addresses_start_after_the_gateway_and_are_handed_out_once()
    {
        var pool = new IpamPool(Subnet.Parse("10.50.0.0/24"), _file);
        Assert.Equal(IPAddress.Parse("10.50.0.1"), pool.Subnet.Gateway);
        Assert.Equal(IPAddress.Parse("10.50.0.2"), pool.Allocate("a"));
        Assert.Equal(IPAddress.Parse("10.50.0.3"), pool.Allocate("b"));
        Assert.Equal(IPAddress.Parse("10.50.0.2"), pool.Allocate("a"));
        pool.Release("a");
        Assert.Equal(IPAddress.Parse("10.50.0.2"), pool.Allocate("c"));
    }

    [Fact]
    public void Two_pools_on_one_lease_file_never_hand_out_the_same_address()
    {
        var one = new IpamPool(Subnet.Parse("10.51.0.0/24"), _file);
        var two = new IpamPool(Subnet.Parse("10.51.0.0/24"), _file);
        var addresses = Enumerable.Range(0, 40).AsParallel().Select(i => (i % 2 == 0 ? one : two).Allocate($"c{i}")).ToList();
        Assert.Equal(40, addresses.Distinct().Count());
    }

    [Fact]
    public void A_full_subnet_says_so_and_dead_owners_are_reclaimed()
    {
        var pool = new IpamPool(Subnet.Parse("10.52.0.0/30"), _file);
        Assert.Equal(1, pool.Subnet.Capacity);
        pool.Allocate("a");
        var e = Assert.Throws<InvalidOperationException>(() => pool.Allocate("b"));
        Assert.Contains("Every address of 10.52.0.0/30 is leased", e.Message);
        Assert.Equal(1, pool.Reclaim(owner => owner != "a"));
        Assert.Equal(IPAddress.Parse("10.52.0.2"), pool.Allocate("b"));
    }

    [Theory]
    [InlineData("10.0.0.0/31")]
    [InlineData("10.0.0.0")]
    [InlineData("fe80::/64")]
    [InlineData("10.0.0.300/24")]
    public void Malformed_subnets_are_refused(string text) => Assert.Throws<FormatException>(() => Subnet.Parse(text));

    [Fact]
    public void Overlap_is_decided_by_the_shorter_prefix()
    {
        Assert.True(Subnet.Parse("10.60.0.0/16").Overlaps(Subnet.Parse("10.60.5.0/24")));
        Assert.False(Subnet.Parse("10.60.0.0/24").Overlaps(Subnet.Parse("10.60.1.0/24")));
    }
}
