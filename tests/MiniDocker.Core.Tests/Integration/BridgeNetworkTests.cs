using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

[Collection(nameof(HostCountingCollection))]
public sealed class BridgeNetworkTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string UniqueSubnet() => $"10.{Random.Shared.Next(150, 250)}.{Random.Shared.Next(0, 250)}.0/24";

    // Fetched with nc: Debian's static busybox wget crashes in its service lookup (even on the host).
    [Fact]
    public async Task Two_containers_on_one_network_reach_each_other_by_address_and_by_name()
    {
        await using var test = env.CreateEngine();
        var network = await test.Engine.Networks.CreateAsync("mdt-" + Guid.NewGuid().ToString("N")[..6], UniqueSubnet(), Cancel);
        await using var server = await test.Busybox(env.Rootfs).WithName("web-" + Guid.NewGuid().ToString("N")[..6]).WithNetwork(network, "web").WithTmpfs("/www")
            .WithCommand("/bin/sh", "-c", "echo served-by-web > /www/index.html && exec httpd -f -p 80 -h /www")
            .StartAsync(Cancel);
        await using var client = await test.Busybox(env.Rootfs).WithNetwork(network).WithCommand("/bin/sleep", "100").StartAsync(Cancel);

        var serverAddress = server.Networks.Single().Address;
        Assert.NotEqual(serverAddress, client.Networks.Single().Address);
        var result = await client.ExecAsync(["/bin/sh", "-c",
            $"ping -c 1 -W 2 {serverAddress} >/dev/null && echo ping-ip-ok; ping -c 1 -W 2 web >/dev/null && echo ping-alias-ok; "
            + $"ping -c 1 -W 2 {server.Name} >/dev/null && echo ping-name-ok; for i in $(seq 1 50); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc web 80 2>/dev/null | grep served && break; sleep 0.1; done; cat /etc/hosts"],
            cancellationToken: Cancel);
        Assert.Contains("ping-ip-ok", result.Stdout);
        Assert.Contains("ping-alias-ok", result.Stdout);
        Assert.Contains("ping-name-ok", result.Stdout);
        Assert.Contains("served-by-web", result.Stdout);
    }

    [Fact]
    public async Task The_host_reaches_a_container_on_the_bridge_and_everything_goes_with_the_containers()
    {
        await using var test = env.CreateEngine();
        var network = await test.Engine.Networks.CreateAsync("mdt-" + Guid.NewGuid().ToString("N")[..6], UniqueSubnet(), Cancel);
        var container = await test.Busybox(env.Rootfs).WithNetwork(network).WithCommand("/bin/sleep", "100").StartAsync(Cancel);
        var address = container.Networks.Single().Address;
        using (var ping = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Testing.BusyboxRootfs.FindBusybox()!, ["ping", "-c", "1", "-W", "2", address.ToString()]) { RedirectStandardOutput = true })!)
        {
            await ping.WaitForExitAsync(Cancel);
            Assert.Equal(0, ping.ExitCode);
        }
        var hostEnd = $"mdv{container.Id[..10]}0";
        Assert.True(Directory.Exists($"/sys/class/net/{hostEnd}"));

        await container.DisposeAsync();

        Assert.False(Directory.Exists($"/sys/class/net/{hostEnd}"));
        Assert.Empty(network.Pool.Leases());
        await test.Engine.Networks.RemoveAsync(network.Name, Cancel);
        Assert.False(Directory.Exists($"/sys/class/net/{network.Bridge}"));
    }

    [Fact]
    public async Task Twenty_containers_started_at_once_get_distinct_addresses()
    {
        await using var test = env.CreateEngine();
        var network = await test.Engine.Networks.CreateAsync("mdt-" + Guid.NewGuid().ToString("N")[..6], UniqueSubnet(), Cancel);
        var containers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            test.Busybox(env.Rootfs).WithNetwork(network).WithCommand("/bin/sleep", "100").StartAsync(Cancel)));
        try
        {
            Assert.Equal(20, containers.Select(c => c.Networks.Single().Address).Distinct().Count());
        }
        finally
        {
            foreach (var c in containers) await c.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("overlap", "overlaps")]
    [InlineData("too-small", "is not an IPv4 subnet from /8 to /30")]
    [InlineData("name-in-use", "exists already")]
    [InlineData("bad-name", "is invalid")]
    public async Task Bad_networks_are_refused_and_change_nothing(string which, string expected)
    {
        await using var test = env.CreateEngine();
        var subnet = UniqueSubnet();
        var name = "mdt-" + Guid.NewGuid().ToString("N")[..6];
        var first = await test.Engine.Networks.CreateAsync(name, subnet, Cancel);
        var links = Directory.GetDirectories("/sys/class/net").Length;
        var e = await Assert.ThrowsAsync<ContainerConfigurationException>(() => which switch
        {
            "overlap" => test.Engine.Networks.CreateAsync(name + "x", subnet.Replace(".0/24", ".128/25", StringComparison.Ordinal), Cancel),
            "too-small" => test.Engine.Networks.CreateAsync(name + "x", "10.1.2.0/31", Cancel),
            "name-in-use" => test.Engine.Networks.CreateAsync(name, "10.149.1.0/24", Cancel),
            _ => test.Engine.Networks.CreateAsync("bad name", "10.149.2.0/24", Cancel),
        });
        Assert.Contains(expected, e.Message);
        Assert.Equal(links, Directory.GetDirectories("/sys/class/net").Length);
        Assert.Single(test.Engine.Networks.All);
        _ = first;
    }
}
