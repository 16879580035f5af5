using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

[Collection(nameof(HostCountingCollection))]
public sealed class BridgeNetworkTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string UniqueSubnet() => TestNet.UniqueSubnet();

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
        Assert.DoesNotContain(MiniDocker.Networking.Firewall.NetworkFirewall.TableName(network.Bridge), MiniDocker.Networking.Firewall.NetworkFirewall.Tables());
    }

    private const string UdpEcho = """
        #include <arpa/inet.h>
        #include <netinet/in.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/socket.h>
        int main(int argc, char **argv) {
            int s = socket(AF_INET, SOCK_DGRAM, 0);
            struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])) };
            if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) return 1;
            for (;;) {
                char buf[512]; struct sockaddr_in from; socklen_t len = sizeof from;
                if (recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len) < 0) return 2;
                sendto(s, "udp-hello", 9, 0, (struct sockaddr *)&from, len);
            }
        }
        """;

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("bridge")]
    public async Task The_host_reaches_published_tcp_and_udp_ports(string via)
    {
        using var rootfs = env.CreateRootfs();
        NativeProgram.Compile(Path.Combine(rootfs.Path, "bin", "udpecho"), UdpEcho);
        await using var test = env.CreateEngine();
        var network = await test.Engine.Networks.CreateAsync("mdt-" + Guid.NewGuid().ToString("N")[..6], UniqueSubnet(), Cancel);
        int tcpPort = TestNet.FreePort(), udpPort = TestNet.FreePort(System.Net.Sockets.SocketType.Dgram);
        await using var container = await test.Busybox(rootfs.Path).WithNetwork(network).WithTmpfs("/www")
            .WithPublishedPort(tcpPort, 7000).WithPublishedPort(udpPort, 7001, Networks.PortProtocol.Udp)
            .WithCommand("/bin/sh", "-c", "echo tcp-hello > /www/index.html; httpd -p 7000 -h /www; /bin/udpecho 7001 & echo listening; wait")
            .StartAsync(Cancel);
        await Eventually.OutputContainsAsync(container, "listening");
        var host = via == "bridge" ? network.Gateway : System.Net.IPAddress.Loopback;

        string? tcp = null;
        await Eventually.TrueAsync(() => (tcp = TestNet.TryGet(host, tcpPort))?.Contains("tcp-hello", StringComparison.Ordinal) == true);
        Assert.Contains("tcp-hello", tcp);

        using var udp = new System.Net.Sockets.UdpClient();
        udp.Connect(host, udpPort);
        string reply = "";
        await Eventually.TrueAsync(() =>
        {
            udp.Send("ping"u8.ToArray());
            var receive = udp.ReceiveAsync(Cancel).AsTask();
            if (!receive.Wait(TimeSpan.FromMilliseconds(300), Cancel)) return false;
            reply = System.Text.Encoding.ASCII.GetString(receive.Result.Buffer);
            return true;
        });
        Assert.Equal("udp-hello", reply);
    }

    [Fact]
    public async Task A_published_port_already_in_use_is_refused_before_the_container_starts()
    {
        await using var test = env.CreateEngine();
        var network = await test.Engine.Networks.CreateAsync("mdt-" + Guid.NewGuid().ToString("N")[..6], UniqueSubnet(), Cancel);
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        taken.Start();
        int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var e = await Assert.ThrowsAsync<ContainerConfigurationException>(() =>
            test.Busybox(env.Rootfs).WithNetwork(network).WithPublishedPort(port, 80).WithCommand("/bin/true").StartAsync(Cancel));
        Assert.Contains($"Host port {port}/tcp on 0.0.0.0 is already in use", e.Message);
        Assert.Empty(test.StoreListing());
        Assert.Empty(network.Pool.Leases());
    }

    [Fact]
    public async Task A_container_can_share_another_containers_network_namespace()
    {
        await using var test = env.CreateEngine();
        await using var first = await test.Busybox(env.Rootfs).WithTmpfs("/www")
            .WithCommand("/bin/sh", "-c", "echo shared-net > /www/index.html; httpd -p 127.0.0.1:7000 -h /www; echo listening; sleep 100")
            .StartAsync(Cancel);
        await Eventually.OutputContainsAsync(first, "listening");
        var output = await test.Busybox(env.Rootfs).WithNetworkOf(first).ShellAsync(
            "readlink /proc/self/ns/net; printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc 127.0.0.1 7000 | grep shared-net");
        Assert.Contains("shared-net", output);
        Assert.Contains((await first.ExecAsync(["readlink", "/proc/self/ns/net"], cancellationToken: Cancel)).Stdout.Trim(), output);
    }

    [Fact]
    public async Task A_container_reaches_a_server_on_an_outside_host_through_the_hosts_nat()
    {
        await using var test = env.CreateEngine();
        // The "outside" host: a network namespace of its own with its own range, joined to this
        // machine by a veth, serving HTTP. It has no route back to the container's subnet, so the
        // reply only arrives if the request was masqueraded.
        int range = Random.Shared.Next(1, 250);
        var outsideAddress = System.Net.IPAddress.Parse($"10.77.{range}.2");
        var hostSide = System.Net.IPAddress.Parse($"10.77.{range}.1");
        await using var outside = await test.Busybox(env.Rootfs).WithTmpfs("/www")
            .WithCommand("/bin/sh", "-c", "echo from-outside > /www/index.html; httpd -p 80 -h /www; echo listening; sleep 100").StartAsync(Cancel);
        string hostEnd = "mdto" + Guid.NewGuid().ToString("N")[..8], peer = "mdtp" + Guid.NewGuid().ToString("N")[..8];
        using var socket = MiniDocker.Networking.Netlink.RouteSocket.Open();
        socket.CreateVeth(hostEnd, peer);
        try
        {
            socket.MoveToNamespaceOf(peer, outside.Pid);
            socket.AddAddress(hostEnd, hostSide, 24);
            socket.SetUp(hostEnd);
            using (var inside = MiniDocker.Networking.Netlink.RouteSocket.OpenIn($"/proc/{outside.Pid}/ns/net"))
            {
                inside.AddAddress(peer, outsideAddress, 24);
                inside.SetUp(peer);
            }
            var network = await test.Engine.Networks.CreateAsync("mdt-" + Guid.NewGuid().ToString("N")[..6], UniqueSubnet(), Cancel);
            var output = await test.Busybox(env.Rootfs).WithNetwork(network).ShellAsync(
                $"for i in $(seq 1 30); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 {outsideAddress} 80 | grep from-outside && break; sleep 0.1; done; true");
            Assert.Contains("from-outside", output);
        }
        finally
        {
            socket.DeleteLink(hostEnd);
        }
    }

    [Fact]
    public async Task A_container_on_another_network_cannot_reach_them()
    {
        await using var test = env.CreateEngine();
        var one = await test.Engine.Networks.CreateAsync("mdt-" + Guid.NewGuid().ToString("N")[..6], UniqueSubnet(), Cancel);
        var two = await test.Engine.Networks.CreateAsync("mdt-" + Guid.NewGuid().ToString("N")[..6], UniqueSubnet(), Cancel);
        await using var target = await test.Busybox(env.Rootfs).WithNetwork(one).WithCommand("/bin/sleep", "100").StartAsync(Cancel);
        await using var neighbour = await test.Busybox(env.Rootfs).WithNetwork(one).WithCommand("/bin/sleep", "100").StartAsync(Cancel);
        var address = target.Networks.Single().Address;

        var sameNetwork = await neighbour.ExecAsync(["/bin/sh", "-c", $"ping -c 1 -W 2 {address} >/dev/null && echo reached || echo unreachable"], cancellationToken: Cancel);
        var otherNetwork = await test.Busybox(env.Rootfs).WithNetwork(two).ShellAsync($"ping -c 1 -W 1 {address} >/dev/null && echo reached || echo unreachable");

        Assert.Contains("reached", sameNetwork.Stdout);
        Assert.Contains("unreachable", otherNetwork);
    }

    [Fact]
    public async Task A_running_container_connected_to_a_second_network_reaches_its_members_by_name_until_disconnected()
    {
        await using var test = env.CreateEngine();
        var one = await test.Engine.Networks.CreateAsync("mdt-" + Guid.NewGuid().ToString("N")[..6], UniqueSubnet(), Cancel);
        var two = await test.Engine.Networks.CreateAsync("mdt-" + Guid.NewGuid().ToString("N")[..6], UniqueSubnet(), Cancel);
        var otherName = "other-" + Guid.NewGuid().ToString("N")[..6];
        await using var mover = await test.Busybox(env.Rootfs).WithNetwork(one).WithCommand("/bin/sleep", "100").StartAsync(Cancel);
        await using var other = await test.Busybox(env.Rootfs).WithName(otherName).WithNetwork(two).WithCommand("/bin/sleep", "100").StartAsync(Cancel);
        const string probe = "ping -c 1 -W 1 {0} >/dev/null && echo reached || echo unreachable";
        var before = await mover.ExecAsync(["/bin/sh", "-c", string.Format(null, probe, other.Networks[0].Address)], cancellationToken: Cancel);

        var attachment = await mover.ConnectAsync(two, ["mover-alias"], Cancel);
        var links = await mover.ExecAsync(["/bin/sh", "-c", "ip -4 -o addr show | grep -o 'eth[0-9] *inet [0-9.]*'; ip route | grep default"], cancellationToken: Cancel);
        var byName = await mover.ExecAsync(["/bin/sh", "-c", string.Format(null, probe, otherName)], cancellationToken: Cancel);
        var back = await other.ExecAsync(["/bin/sh", "-c", string.Format(null, probe, "mover-alias")], cancellationToken: Cancel);
        var again = await Assert.ThrowsAsync<InvalidOperationException>(() => mover.ConnectAsync(two, cancellationToken: Cancel));
        var state = await test.Engine.Containers.InspectAsync(mover.Id, Cancel);

        await mover.DisconnectAsync(two.Name, Cancel);
        var after = await mover.ExecAsync(["/bin/sh", "-c", string.Format(null, probe, other.Networks[0].Address) + "; ip -o link | grep -c eth"], cancellationToken: Cancel);
        var forgotten = await other.ExecAsync(["cat", "/etc/hosts"], cancellationToken: Cancel);

        Assert.Contains("unreachable", before.Stdout);
        Assert.Matches($@"eth1\s+inet {System.Text.RegularExpressions.Regex.Escape(attachment.Address.ToString())}\n", links.Stdout);
        Assert.Contains("dev eth0", links.Stdout); // the first network keeps the default route
        Assert.Contains("reached", byName.Stdout);
        Assert.DoesNotContain("unreachable", byName.Stdout);
        Assert.DoesNotContain("unreachable", back.Stdout);
        Assert.Contains("already on network", again.Message);
        Assert.Equal([one.Name, two.Name], state.Networks);
        Assert.Equal("unreachable\n1\n", after.Stdout);
        Assert.DoesNotContain("mover-alias", forgotten.Stdout);
        Assert.Equal([one.Name], (await test.Engine.Containers.InspectAsync(mover.Id, Cancel)).Networks);
        await Assert.ThrowsAsync<InvalidOperationException>(() => mover.DisconnectAsync(two.Name, Cancel));
    }

    [Fact]
    public async Task A_created_container_connected_by_name_joins_the_network_at_its_start()
    {
        await using var test = env.CreateEngine();
        var network = await test.Engine.Networks.CreateAsync("mdt-" + Guid.NewGuid().ToString("N")[..6], UniqueSubnet(), persistent: true, Cancel);
        var transient = await test.Engine.Networks.CreateAsync("mdt-" + Guid.NewGuid().ToString("N")[..6], UniqueSubnet(), Cancel);
        try
        {
            var created = await test.Engine.CreateAsync(test.Busybox(env.Rootfs).WithCommand("/bin/sh", "-c", "ip -4 -o addr show eth0 | grep -o 'inet [0-9.]*'").Build(), Cancel);

            await test.Engine.Containers.ConnectAsync(created.Id, network, ["later"], Cancel);
            var listed = (await test.Engine.Containers.InspectAsync(created.Id, Cancel)).Networks;
            var twice = await Assert.ThrowsAsync<InvalidOperationException>(() => test.Engine.Containers.ConnectAsync(created.Id, network, cancellationToken: Cancel));
            var notKept = await Assert.ThrowsAsync<ContainerConfigurationException>(() => test.Engine.Containers.ConnectAsync(created.Id, transient, cancellationToken: Cancel));
            await using var started = await test.Engine.Containers.StartAsync(created.Id, Cancel);
            await started.WaitAsync(Cancel);

            Assert.Equal([network.Name], listed);
            Assert.Contains("already on network", twice.Message);
            Assert.Contains("persistent: true", notKept.Message);
            Assert.Equal((network.Name, $"inet {started.Networks.Single().Address}\n"), (started.Networks.Single().Network.Name, (await started.GetLogsAsync(Cancel)).Stdout));
        }
        finally
        {
            foreach (var c in await test.Engine.Containers.ListAsync(all: true, Cancel)) await test.Engine.Containers.RemoveAsync(c.Id, force: true, Cancel);
            await test.Engine.Networks.RemoveAsync(network.Name, Cancel);
        }
    }

    [Fact]
    public async Task Resolv_conf_has_the_hosts_nameservers_or_the_given_ones()
    {
        await using var test = env.CreateEngine();
        var network = await test.Engine.Networks.CreateAsync("mdt-" + Guid.NewGuid().ToString("N")[..6], UniqueSubnet(), Cancel);
        var given = await test.Busybox(env.Rootfs).WithNetwork(network).WithDns("192.0.2.53").ShellAsync("cat /etc/resolv.conf");
        Assert.Contains("nameserver 192.0.2.53", given);
        var hostServers = File.ReadAllLines("/etc/resolv.conf").Where(l => l.StartsWith("nameserver", StringComparison.Ordinal) && !l.Contains(" 127.", StringComparison.Ordinal));
        var inherited = await test.Busybox(env.Rootfs).WithNetwork(network).ShellAsync("cat /etc/resolv.conf");
        foreach (var line in hostServers) Assert.Contains(line.Trim(), inherited);
    }

    [Fact]
    public async Task The_default_network_is_made_once()
    {
        await using var test = env.CreateEngine();
        var networks = await Task.WhenAll(test.Engine.Networks.GetDefaultAsync(Cancel), test.Engine.Networks.GetDefaultAsync(Cancel));
        Assert.Same(networks[0], networks[1]);
        Assert.Equal("10.88.0.1", networks[0].Gateway.ToString());
    }

    [Fact]
    public async Task A_hundred_networked_containers_leave_no_veth_lease_rule_or_hosts_entry_behind()
    {
        await using var test = env.CreateEngine();
        var network = await test.Engine.Networks.CreateAsync("mdt-" + Guid.NewGuid().ToString("N")[..6], UniqueSubnet(), Cancel);
        await using var witness = await test.Busybox(env.Rootfs).WithNetwork(network).WithCommand("/bin/sleep", "100").StartAsync(Cancel);
        var tables = MiniDocker.Networking.Firewall.NetworkFirewall.Tables();
        var ids = new List<string>();

        for (int i = 0; i < 100; i++)
        {
            await using var container = await test.Busybox(env.Rootfs).WithNetwork(network).WithCommand("/bin/true").StartAsync(Cancel);
            await container.WaitAsync(Cancel);
            ids.Add(container.Id);
        }

        // Their own veths only: tests running beside this one make and remove links of their own.
        Assert.DoesNotContain(ids, id => Directory.Exists($"/sys/class/net/mdv{id[..10]}0"));
        Assert.True(Directory.Exists($"/sys/class/net/mdv{witness.Id[..10]}0"));
        var tablesAfter = MiniDocker.Networking.Firewall.NetworkFirewall.Tables();
        Assert.Contains(MiniDocker.Networking.Firewall.NetworkFirewall.TableName(network.Bridge), tablesAfter);
        Assert.DoesNotContain(tablesAfter.Except(tables), t => ids.Any(id => t.Contains(id[..12], StringComparison.Ordinal)));
        Assert.Equal([witness.Id], network.Pool.Leases().Values);
        var hosts = (await witness.ExecAsync(["cat", "/etc/hosts"], cancellationToken: Cancel)).Stdout;
        Assert.Equal(3, hosts.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // localhost, ::1, itself
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
