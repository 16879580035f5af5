using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>The minidocker command line, driven as a user would type it, each command its own process.</summary>
public sealed class CliTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;


    /// <summary>
    /// An engine root for one test's commands, with the layered busybox image loaded when asked;
    /// disposing it removes every container and network the commands left, then the root.
    /// </summary>
    private sealed class CliRoot(TestEnvironment env, string path) : IAsyncDisposable
    {
        public string Path { get; } = path;

        public Task<CommandResult> RunAsync(params string[] args) =>
            Command.RunAsync("dotnet", [System.IO.Path.Combine(AppContext.BaseDirectory, "minidocker.dll"), .. args],
                new Dictionary<string, string> { ["MINIDOCKER_ROOT"] = Path, ["MINIDOCKER_CGROUP_PARENT"] = env.CgroupParent });

        public async ValueTask DisposeAsync()
        {
            if (Directory.Exists(Path))
            {
                await using (var cleaner = new MiniDocker.Containers.ContainerEngine(new MiniDockerOptions { RootDirectory = Path, CgroupParent = env.CgroupParent }))
                {
                    foreach (var c in await cleaner.Containers.ListAsync(all: true, CancellationToken.None))
                        await cleaner.Containers.RemoveAsync(c.Id, force: true, CancellationToken.None);
                    foreach (var network in await cleaner.Networks.ListAsync(CancellationToken.None))
                        await cleaner.Networks.RemoveAsync(network.Name, CancellationToken.None);
                }
                Directory.Delete(Path, recursive: true);
            }
        }
    }

    /// <summary>A fresh root; with <paramref name="load"/>, `minidocker load` has put localhost/layered:1 in it.</summary>
    private async Task<(CliRoot Cli, CommandResult Load)> NewRootAsync(bool load = true)
    {
        Require.Root();
        var cli = new CliRoot(env, Path.Combine(env.Scratch, "cli-" + Guid.NewGuid().ToString("N")[..8]));
        if (!load) return (cli, new CommandResult(0, "", ""));
        var layout = Path.Combine(env.Scratch, "cli-image-" + Guid.NewGuid().ToString("N")[..8]);
        TestImages.Busybox(env.Rootfs).Write(layout, "localhost/layered:1");
        try
        {
            return (cli, await cli.RunAsync("load", "-i", layout));
        }
        finally
        {
            Directory.Delete(layout, recursive: true);
        }
    }

    [Fact]
    public async Task Run_detached_ps_logs_follow_exec_stop_rm_images_and_rmi_work_as_with_docker()
    {
        var (cli, load) = await NewRootAsync();
        await using (cli)
        {
            var run = await cli.RunAsync("run", "-d", "--name", "web", "-e", "WHO=cli", "localhost/layered:1",
                "/bin/sh", "-c", "echo hello from $WHO; echo oops >&2; sleep 1; echo done; sleep 30");
            var ps = await cli.RunAsync("ps");
            var follow = cli.RunAsync("logs", "-f", "web");
            var exec = await cli.RunAsync("exec", "web", "cat", "/etc/motd");
            var stats = await cli.RunAsync("stats", "--no-stream", "web");
            await Task.Delay(1500, Cancel);
            var stop = await cli.RunAsync("stop", "-t", "1", "web");
            var followed = await follow;
            var tail = await cli.RunAsync("logs", "--tail", "1", "web");
            var psAll = await cli.RunAsync("ps", "-a");
            var rm = await cli.RunAsync("rm", "web");
            var images = await cli.RunAsync("images");
            var rmi = await cli.RunAsync("rmi", "localhost/layered:1");
            var imagesAfter = await cli.RunAsync("images", "-q");

            Assert.Equal((0, "Loaded image: localhost/layered:1\n"), (load.ExitCode, load.Stdout));
            Assert.Equal(0, run.ExitCode);
            Assert.Matches("^[0-9a-f]{64}\n$", run.Stdout);
            Assert.Contains("Up ", ps.Stdout);
            Assert.Contains(" web\n", ps.Stdout);
            Assert.StartsWith("CONTAINER ID   IMAGE", ps.Stdout);
            Assert.Equal(0, followed.ExitCode);
            Assert.Equal("hello from cli\ndone\n", followed.Stdout);
            Assert.Equal("oops\n", followed.Stderr);
            Assert.Equal((0, "hello from layer 2\n"), (exec.ExitCode, exec.Stdout));
            Assert.Equal(0, stats.ExitCode);
            Assert.Contains("MEM USAGE / LIMIT", stats.Stdout);
            Assert.Contains(" web ", stats.Stdout);
            Assert.Equal((0, "web\n"), (stop.ExitCode, stop.Stdout));
            Assert.Equal("done\n", tail.Stdout);
            Assert.Contains("Exited", psAll.Stdout);
            Assert.Equal((0, "web\n"), (rm.ExitCode, rm.Stdout));
            Assert.Contains("localhost/layered", images.Stdout);
            Assert.Contains("Untagged: localhost/layered:1", rmi.Stdout);
            Assert.Equal("", imagesAfter.Stdout);
        }
    }

    [Fact]
    public async Task Create_then_start_in_other_processes_runs_the_container_with_its_name_and_id()
    {
        var (cli, _) = await NewRootAsync();
        await using (cli)
        {
            var create = await cli.RunAsync("create", "--name", "later", "-e", "WHEN=later", "localhost/layered:1", "/bin/sh", "-c", "echo started $WHEN; sleep 30");
            var psCreated = await cli.RunAsync("ps", "-a");
            var start = await cli.RunAsync("start", "later");
            await Task.Delay(300, Cancel);
            var logs = await cli.RunAsync("logs", "later");
            var ps = await cli.RunAsync("ps");
            var rm = await cli.RunAsync("rm", "-f", "later");

            Assert.Equal(0, create.ExitCode);
            Assert.Contains("Created", psCreated.Stdout);
            Assert.Equal((0, "later\n"), (start.ExitCode, start.Stdout));
            Assert.Equal("started later\n", logs.Stdout);
            Assert.Contains(create.Stdout.Trim()[..12], ps.Stdout);
            Assert.Equal(0, rm.ExitCode);
        }
    }

    [Fact]
    public async Task Containers_run_by_separate_commands_on_a_network_reach_each_other_by_name()
    {
        var subnet = TestNet.UniqueSubnet();
        var (cli, _) = await NewRootAsync();
        await using (cli)
        {
            var create = await cli.RunAsync("network", "create", "--subnet", subnet, "appnet");
            var a = await cli.RunAsync("run", "-d", "--name", "alpha", "--network", "appnet", "localhost/layered:1", "sleep", "60");
            var b = await cli.RunAsync("run", "-d", "--name", "beta", "--network", "appnet", "localhost/layered:1", "sleep", "60");
            var ping = await cli.RunAsync("exec", "alpha", "ping", "-c", "1", "-W", "2", "beta");
            var hosts = await cli.RunAsync("exec", "beta", "cat", "/etc/hosts");
            var ls = await cli.RunAsync("network", "ls");
            var busy = await cli.RunAsync("network", "rm", "appnet");
            await cli.RunAsync("rm", "-f", "alpha", "beta");
            var hostsAfter = File.Exists(Path.Combine(cli.Path, "networks", "appnet.members")) ? Directory.GetFiles(Path.Combine(cli.Path, "networks", "appnet.members")) : [];
            var rm = await cli.RunAsync("network", "rm", "appnet");
            var lsAfter = await cli.RunAsync("network", "ls");

            Assert.Equal((0, "appnet\n"), (create.ExitCode, create.Stdout));
            Assert.Equal((0, 0), (a.ExitCode, b.ExitCode));
            Assert.True(ping.ExitCode == 0, $"alpha could not reach beta by name: {ping.Stdout}{ping.Stderr}");
            Assert.Contains("alpha", hosts.Stdout);
            Assert.Contains(subnet[..^4], ls.Stdout);
            Assert.Equal(1, busy.ExitCode);
            Assert.Contains("in use", busy.Stderr);
            Assert.Empty(hostsAfter);
            Assert.Equal((0, "appnet\n"), (rm.ExitCode, rm.Stdout));
            Assert.DoesNotContain("appnet", lsAfter.Stdout);
        }
    }

    [Fact]
    public async Task A_detached_containers_published_port_answers_after_the_command_that_ran_it_has_exited()
    {
        var (cli, _) = await NewRootAsync();
        await using (cli)
        {
            int port = TestNet.FreePort();
            var subnet = TestNet.UniqueSubnet();
            var create = await cli.RunAsync("network", "create", "--subnet", subnet, "webnet");
            var run = await cli.RunAsync("run", "-d", "--name", "web", "-p", $"{port}:80", "--network", "webnet", "localhost/layered:1",
                "sh", "-c", "mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 80 -h /www");
            Assert.True(run.ExitCode == 0, run.Stderr);
            // Neither the command's process nor an engine lives now: the kernel forwards the port.
            string? viaLoopback = null;
            await Eventually.TrueAsync(() => (viaLoopback = TestNet.TryGet(System.Net.IPAddress.Loopback, port))?.Contains("hello-from-web", StringComparison.Ordinal) == true);
            var hostAddress = System.Net.Dns.GetHostAddresses(System.Net.Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a));
            var viaHostAddress = hostAddress is null ? "no address" : TestNet.TryGet(hostAddress, port);
            // The container itself, through the host (hairpin).
            var gateway = subnet[..subnet.LastIndexOf('.')] + ".1";
            var hairpin = await cli.RunAsync("exec", "web", "sh", "-c", $"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 {gateway} {port}");
            var ps = await cli.RunAsync("ps");
            var filtered = await cli.RunAsync("ps", "-q", "--filter", "name=we", "-f", "status=running");
            var badFilter = await cli.RunAsync("ps", "-f", "colour=red");
            var clash = await cli.RunAsync("run", "-d", "--name", "web2", "-p", $"{port}:80", "--network", "webnet", "localhost/layered:1", "sleep", "60");
            var table = MiniDocker.Networking.Firewall.PortForwarding.TableName(run.Stdout.Trim()[..12]);
            var tablesWhileRunning = MiniDocker.Networking.Firewall.NetworkFirewall.Tables();
            var rm = await cli.RunAsync("rm", "-f", "web");
            var tablesAfter = MiniDocker.Networking.Firewall.NetworkFirewall.Tables();
            var again = await cli.RunAsync("run", "-d", "--name", "web3", "-p", $"{port}:80", "--network", "webnet", "localhost/layered:1", "sleep", "60");
            await cli.RunAsync("rm", "-f", "web3");

            Assert.Equal((0, 0), (create.ExitCode, run.ExitCode));
            Assert.Contains("hello-from-web", viaLoopback);
            Assert.Contains("hello-from-web", viaHostAddress);
            Assert.Contains("hello-from-web", hairpin.Stdout);
            Assert.Contains($"0.0.0.0:{port}->80/tcp", ps.Stdout);
            Assert.Equal(run.Stdout[..12] + "\n", filtered.Stdout);
            Assert.Equal((125, "minidocker: The filter \"colour\" is not supported; use name, id, status, ancestor or label.\n"), (badFilter.ExitCode, badFilter.Stderr));
            Assert.Equal(125, clash.ExitCode);
            Assert.Contains($"Host port {port}/tcp is already published by container {run.Stdout.Trim()[..12]}", clash.Stderr);
            Assert.DoesNotContain("web2", (await cli.RunAsync("ps", "-a")).Stdout);
            Assert.Contains(table, tablesWhileRunning);
            Assert.Equal(0, rm.ExitCode);
            Assert.DoesNotContain(table, tablesAfter);
            Assert.Equal(0, again.ExitCode); // the port was given back
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(cli.Path, "ports")));
        }
    }

    [Fact]
    public async Task A_detached_container_that_ends_with_no_engine_alive_is_listed_with_its_exit_code_and_gives_its_port_back()
    {
        var (cli, _) = await NewRootAsync();
        await using (cli)
        {
            int port = TestNet.FreePort();
            await cli.RunAsync("network", "create", "--subnet", TestNet.UniqueSubnet(), "shortnet");
            var run = await cli.RunAsync("run", "-d", "--name", "short", "-p", $"{port}:80", "--network", "shortnet", "localhost/layered:1", "sh", "-c", "sleep 1; exit 3");
            var ps = new CommandResult(0, "", "");
            await Eventually.TrueAsync(() => (ps = cli.RunAsync("ps", "-a").GetAwaiter().GetResult()).Stdout.Contains("Exited (3)", StringComparison.Ordinal));
            var killed = await cli.RunAsync("run", "-d", "--name", "killed", "localhost/layered:1", "sleep", "60");
            var kill = await cli.RunAsync("kill", "killed");
            var inspect = await cli.RunAsync("inspect", "killed");
            var reuse = await cli.RunAsync("run", "-d", "--name", "reuse", "-p", $"{port}:80", "--network", "shortnet", "localhost/layered:1", "sleep", "60");

            Assert.Equal(0, run.ExitCode);
            Assert.Contains("short", ps.Stdout);
            Assert.Equal(0, kill.ExitCode);
            Assert.Contains("\"ExitCode\": 137", inspect.Stdout);
            Assert.True(reuse.ExitCode == 0, reuse.Stderr); // the next engine found the port's holder dead and freed it
        }
    }

    [Theory]
    [InlineData(125, "run --bogus localhost/x", "minidocker: unknown flag: --bogus (see 'minidocker run --help')\n")]
    [InlineData(1, "stop nothing-here", "Error response from daemon: No such container: nothing-here\n")]
    [InlineData(1, "logs nothing-here", "Error response from daemon: No such container: nothing-here\n")]
    [InlineData(125, "frobnicate", "minidocker: 'frobnicate' is not a minidocker command. (see 'minidocker --help')\n")]
    [InlineData(1, "start nothing-here", "Error response from daemon: No such container: nothing-here\n")]
    public async Task A_wrong_flag_or_an_unknown_container_gets_dockers_exit_code_and_one_line(int exitCode, string command, string stderr)
    {
        var (cli, _) = await NewRootAsync(load: false);
        await using (cli)
        {
            var result = await cli.RunAsync(command.Split(' '));

            Assert.Equal((exitCode, stderr), (result.ExitCode, result.Stderr));
        }
    }

    [Fact]
    public async Task A_command_that_is_not_in_the_image_exits_127_as_with_docker()
    {
        var (cli, _) = await NewRootAsync();
        await using (cli)
        {
            var result = await cli.RunAsync("run", "--rm", "localhost/layered:1", "/bin/nope");
            var ok = await cli.RunAsync("run", "--rm", "localhost/layered:1", "/bin/sh", "-c", "exit 7");
            var tty = await cli.RunAsync("run", "--rm", "-t", "localhost/layered:1", "/bin/sh", "-c", "printf 'no newline'; test -t 1 && printf ' on a tty'");

            Assert.True(result.ExitCode == 127, $"exit {result.ExitCode}: {result.Stderr}");
            Assert.Contains("/bin/nope not found", result.Stderr);
            Assert.Equal(7, ok.ExitCode);
            Assert.Equal((0, "no newline on a tty"), (tty.ExitCode, tty.Stdout));
        }
    }
}
