using System.Diagnostics;
using System.Net;
using MiniDocker.Networking.Netlink;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>The rtnetlink client against the real kernel: a veth between the host and a container's network namespace.</summary>
public sealed class NetlinkTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_veth_connects_the_host_and_a_container_both_ways()
    {
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(env.Rootfs).WithCommand("/bin/sleep", "100").StartAsync(Cancel);
        string host = UniqueName("mdth"), peer = UniqueName("mdtc");
        var subnet = Random.Shared.Next(1, 250);
        var hostAddress = IPAddress.Parse($"10.199.{subnet}.1");
        var containerAddress = IPAddress.Parse($"10.199.{subnet}.2");
        using var socket = RouteSocket.Open();
        socket.CreateVeth(host, peer);
        try
        {
            socket.MoveToNamespaceOf(peer, container.Pid);
            Assert.False(socket.LinkExists(peer));
            socket.AddAddress(host, hostAddress, 24);
            socket.SetUp(host);
            using (var inside = RouteSocket.OpenIn($"/proc/{container.Pid}/ns/net"))
            {
                inside.Rename(peer, "eth0");
                inside.AddAddress("eth0", containerAddress, 24);
                inside.SetUp("eth0");
                inside.AddDefaultRoute("eth0", hostAddress);
            }

            var result = await container.ExecAsync(["/bin/sh", "-c", $"ip -o addr show eth0; ip route; ping -c 1 -W 2 {hostAddress} >/dev/null && echo ping-host-ok"], cancellationToken: Cancel);
            Assert.Contains($"inet {containerAddress}/24", result.Stdout);
            Assert.Contains($"default via {hostAddress} dev eth0", result.Stdout);
            Assert.Contains("ping-host-ok", result.Stdout);

            using var ping = Process.Start(new ProcessStartInfo(Testing.BusyboxRootfs.FindBusybox()!, ["ping", "-c", "1", "-W", "2", containerAddress.ToString()]) { RedirectStandardOutput = true })!;
            await ping.WaitForExitAsync(Cancel);
            Assert.Equal(0, ping.ExitCode);
        }
        finally
        {
            socket.DeleteLink(host);
        }
        Assert.False(socket.LinkExists(host));
    }

    [Fact]
    public void A_bridge_takes_a_veth_as_a_port_and_goes_away_when_deleted()
    {
        Require.Root();
        string bridge = UniqueName("mdtb"), end = UniqueName("mdte"), other = UniqueName("mdto");
        using var socket = RouteSocket.Open();
        socket.CreateBridge(bridge);
        try
        {
            socket.CreateVeth(end, other);
            socket.SetMaster(end, bridge);
            socket.SetUp(bridge);
            Assert.Equal(bridge, Path.GetFileName(new FileInfo($"/sys/class/net/{end}/master").LinkTarget));
            socket.DeleteLink(end);
            Assert.False(socket.LinkExists(other));
        }
        finally
        {
            socket.DeleteLink(bridge);
        }
        Assert.False(socket.LinkExists(bridge));
    }

    [Fact]
    public async Task The_link_components_build_a_host_in_a_namespace_of_its_own()
    {
        Require.Root();
        var nsName = UniqueName("mdtns");
        int subnet = Random.Shared.Next(1, 250);
        using (var ns = MiniDocker.Networking.Links.NetworkNamespace.Create(nsName))
        using (var bridge = MiniDocker.Networking.Links.Bridge.Create(UniqueName("mdtb"), IPAddress.Parse($"10.198.{subnet}.1"), 24))
        using (var veth = MiniDocker.Networking.Links.VethPair.Create(UniqueName("mdth"), UniqueName("mdtp")))
        {
            Assert.True(File.Exists($"/run/netns/{nsName}"));
            bridge.Attach(veth.Name);
            veth.MovePeerTo(ns);
            using (var inside = ns.OpenRouteSocket())
            {
                inside.SetMacAddress(veth.PeerName, System.Net.NetworkInformation.PhysicalAddress.Parse("02-42-AC-11-00-02"));
                inside.AddAddress(veth.PeerName, IPAddress.Parse($"10.198.{subnet}.2"), 24);
                inside.SetUp(veth.PeerName);
            }
            using var ping = Process.Start(new ProcessStartInfo(Testing.BusyboxRootfs.FindBusybox()!, ["ping", "-c", "1", "-W", "2", $"10.198.{subnet}.2"]) { RedirectStandardOutput = true })!;
            await ping.WaitForExitAsync(Cancel);
            Assert.Equal(0, ping.ExitCode);
            using (var socket = RouteSocket.Open())
                socket.FlushNeighbours(bridge.Name);
            Assert.DoesNotContain($"10.198.{subnet}.2 ", File.ReadAllText("/proc/net/arp"));
        }
        Assert.False(File.Exists($"/run/netns/{nsName}"));
        Assert.DoesNotContain(Directory.GetDirectories("/sys/class/net"), d => Path.GetFileName(d).StartsWith("mdt", StringComparison.Ordinal));
    }

    [Fact]
    public void Refusals_name_the_request_and_the_reason()
    {
        Require.Root();
        string name = UniqueName("mdtx"), peer = UniqueName("mdty");
        using var socket = RouteSocket.Open();
        socket.CreateVeth(name, peer);
        try
        {
            var e = Assert.Throws<NetlinkException>(() => socket.CreateVeth(name, UniqueName("mdtz")));
            Assert.StartsWith($"create veth {name} (peer ", e.Message);
            Assert.Contains("EEXIST", e.Message);
            Assert.Equal(17, e.Errno);
        }
        finally
        {
            socket.DeleteLink(name);
        }
        var missing = Assert.Throws<NetlinkException>(() => socket.SetUp("mdt-none"));
        Assert.Contains("no network link named mdt-none", missing.Message);
        var tooLong = Assert.Throws<ArgumentException>(() => socket.CreateBridge("a-name-much-too-long"));
        Assert.Contains("1 to 15 characters", tooLong.Message);
    }
}
