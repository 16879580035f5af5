using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>minidocker-server driven by the unchanged docker command line, on a unix socket of its own.</summary>
public sealed class DockerApiTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_docker_client_runs_containers_reads_their_logs_stops_and_removes_them()
    {
        await using var server = await ApiServer.StartAsync(env);

        var version = await server.DockerAsync("version", "--format", "{{.Server.APIVersion}}");
        var images = await server.DockerAsync("images", "--format", "{{.Repository}}:{{.Tag}}");
        var hello = await server.DockerAsync("run", "--rm", "localhost/layered:1", "echo", "hello");
        var failed = await server.DockerAsync("run", "--rm", "localhost/layered:1", "sh", "-c", "echo out; echo err >&2; exit 3");
        var missing = await server.DockerAsync("run", "--rm", "localhost/layered:1", "/bin/nope");
        var detached = await server.DockerAsync("run", "-d", "--name", "ticker", "localhost/layered:1", "sh", "-c", "echo started; exec sleep 60");
        string logs = "";
        await Eventually.TrueAsync(() => (logs = server.DockerAsync("logs", "ticker").GetAwaiter().GetResult().Stdout) == "started\n");
        var running = await server.DockerAsync("ps", "--format", "{{.Names}} {{.Status}}");
        var exec = await server.DockerAsync("exec", "-e", "WHO=exec", "ticker", "sh", "-c", "echo $WHO in $(hostname); echo oops >&2; exit 4");
        var stats = await server.DockerAsync("stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}} {{.MemUsage}}", "ticker");
        var stop = await server.DockerAsync("stop", "-t", "1", "ticker");
        var exited = await server.DockerAsync("ps", "-a", "--format", "{{.Names}} {{.Status}}");
        var rm = await server.DockerAsync("rm", "ticker");
        var after = await server.DockerAsync("ps", "-a", "-q");

        Assert.Equal((0, "1.41\n"), (version.ExitCode, version.Stdout));
        Assert.Equal("localhost/layered:1\n", images.Stdout);
        Assert.Equal((0, "hello\n"), (hello.ExitCode, hello.Stdout)); // attached output, through the hijacked connection
        Assert.Equal((3, "out\n", "err\n"), (failed.ExitCode, failed.Stdout, failed.Stderr)); // streams apart, the exit code through wait
        Assert.Equal(127, missing.ExitCode); // as docker: a program that is not there
        Assert.Contains("no such file or directory", missing.Stderr);
        Assert.Equal(0, detached.ExitCode);
        Assert.Matches("^[0-9a-f]{64}\n$", detached.Stdout);
        Assert.StartsWith("ticker Up ", running.Stdout);
        Assert.Equal((4, $"exec in {detached.Stdout[..12]}\n", "oops\n"), (exec.ExitCode, exec.Stdout, exec.Stderr));
        Assert.True(stats.ExitCode == 0, stats.Stderr);
        Assert.Matches(@"^ticker 1 [0-9.]+[KMG]?i?B / [0-9.]+[KMGT]iB\n$", stats.Stdout);
        Assert.Equal((0, "ticker\n"), (stop.ExitCode, stop.Stdout));
        Assert.StartsWith("ticker Exited (137)", exited.Stdout);
        Assert.Equal(0, rm.ExitCode);
        Assert.Equal("", after.Stdout); // --rm containers went too, the failed start included
    }

    [Fact]
    public async Task The_docker_client_follows_logs_lists_processes_pauses_restarts_filters_and_reads_events()
    {
        await using var server = await ApiServer.StartAsync(env);
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var run = await server.DockerAsync("run", "-d", "--name", "ev", "localhost/layered:1", "sh", "-c", "echo started; while true; do sleep 0.1; done");
        await Eventually.TrueAsync(() => server.DockerAsync("logs", "ev").GetAwaiter().GetResult().Stdout == "started\n");
        var top = await server.DockerAsync("top", "ev");
        var pause = await server.DockerAsync("pause", "ev");
        var paused = await server.DockerAsync("ps", "--format", "{{.Names}} {{.Status}}");
        var unpause = await server.DockerAsync("unpause", "ev");
        var restart = await server.DockerAsync("restart", "-t", "1", "ev");
        await Eventually.TrueAsync(() => server.DockerAsync("logs", "ev").GetAwaiter().GetResult().Stdout == "started\nstarted\n");
        var byName = await server.DockerAsync("ps", "-f", "name=ev", "--format", "{{.Names}}");
        var byOtherName = await server.DockerAsync("ps", "-f", "name=nothing-like-it", "--format", "{{.Names}}");
        var rm = await server.DockerAsync("rm", "-f", "ev");
        // logs -f ends when the container does, with everything it wrote.
        await server.DockerAsync("run", "-d", "--name", "follow", "localhost/layered:1", "sh", "-c", "echo a; sleep 1; echo b");
        var follow = await server.DockerAsync("logs", "-f", "follow");
        var until = DateTimeOffset.UtcNow.AddSeconds(2).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var events = await server.DockerAsync("events", "--since", since, "--until", until, "--filter", "container=ev", "--format", "{{.Action}}");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.True(top.ExitCode == 0, top.Stderr);
        Assert.StartsWith("UID", top.Stdout);
        Assert.Contains("sh -c echo started", top.Stdout);
        Assert.Equal(0, pause.ExitCode);
        Assert.Contains("ev Up", paused.Stdout);
        Assert.Contains("(Paused)", paused.Stdout);
        Assert.Equal(0, unpause.ExitCode);
        Assert.True(restart.ExitCode == 0, restart.Stderr);
        Assert.Equal("ev\n", byName.Stdout);
        Assert.Equal("", byOtherName.Stdout);
        Assert.Equal(0, rm.ExitCode);
        Assert.Equal("a\nb\n", follow.Stdout);
        Assert.True(events.ExitCode == 0, events.Stderr);
        Assert.Equal(["create", "start", "pause", "unpause", "die", "start", "die", "destroy"], events.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Docker_run_pipes_stdin_into_a_container_and_shows_a_terminals_output_raw()
    {
        await using var server = await ApiServer.StartAsync(env);

        var piped = await server.DockerWithInputAsync("first line\nsecond line\n", "run", "-i", "--rm", "localhost/layered:1", "sh", "-c", "wc -l; echo done >&2");
        var terminal = await server.DockerAsync("run", "-t", "--rm", "localhost/layered:1", "sh", "-c", "test -t 1 && echo on a tty; printf 'no newline'");
        var inspect = await server.DockerAsync("run", "-d", "-t", "--name", "tty-box", "localhost/layered:1", "sleep", "60");
        var tty = await server.DockerAsync("inspect", "--format", "{{.Config.Tty}}", "tty-box");

        Assert.True(piped.ExitCode == 0, piped.Stderr);
        Assert.Equal("2\n", piped.Stdout);
        Assert.Equal("done\n", piped.Stderr);
        Assert.True(terminal.ExitCode == 0, terminal.Stderr);
        Assert.Equal("on a tty\r\nno newline", terminal.Stdout); // the terminal's bytes, with no frame headers
        Assert.Equal(0, inspect.ExitCode);
        Assert.Equal("true\n", tty.Stdout);
    }

    [Fact]
    public async Task Docker_start_and_restart_run_an_exited_container_again_with_its_files()
    {
        await using var server = await ApiServer.StartAsync(env);
        var create = await server.DockerAsync("create", "--name", "again", "localhost/layered:1", "sh", "-c", "echo x >> /runs; echo runs $(wc -l < /runs)");

        var first = await server.DockerAsync("start", "-a", "again");
        var second = await server.DockerAsync("start", "-a", "again");
        var restart = await server.DockerAsync("restart", "again");
        await Eventually.TrueAsync(() => server.DockerAsync("logs", "again").GetAwaiter().GetResult().Stdout == "runs 1\nruns 2\nruns 3\n");
        await Eventually.TrueAsync(() => server.DockerAsync("inspect", "--format", "{{.State.Status}}", "again").GetAwaiter().GetResult().Stdout == "exited\n");
        var ps = await server.DockerAsync("ps", "-a", "--format", "{{.Names}}");

        Assert.Equal(0, create.ExitCode);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal("runs 1\n", first.Stdout);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal("runs 2\n", second.Stdout); // the container's writable layer is kept between runs
        Assert.True(restart.ExitCode == 0, restart.Stderr);
        Assert.Equal("again\n", ps.Stdout);
    }

    [Fact]
    public async Task Clients_that_hang_up_mid_stream_leave_no_stream_behind_in_the_server()
    {
        await using var server = await ApiServer.StartAsync(env);
        Assert.Equal(0, (await server.DockerAsync("run", "-d", "--name", "quiet", "localhost/layered:1", "sleep", "600")).ExitCode);
        await Task.Delay(500, Cancel); // the run's own connections closed
        int before = server.OpenSockets();

        // Streams that would otherwise never end: a silent container's log, its stats, the events.
        var environment = new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + server.Socket, ["DOCKER_CONFIG"] = Path.Combine(env.Scratch, "no-docker-config") };
        var clients = new[] { new[] { "logs", "-f", "quiet" }, ["stats", "quiet"], ["events"], ["attach", "--no-stdin", "quiet"] }
            .Select(args =>
            {
                var start = new System.Diagnostics.ProcessStartInfo(Require.Tool("docker", "docker.io")) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
                foreach (var arg in args) start.ArgumentList.Add(arg);
                foreach (var (name, value) in environment) start.Environment[name] = value;
                return System.Diagnostics.Process.Start(start)!;
            }).ToList();
        await Eventually.TrueAsync(() => server.OpenSockets() >= before + clients.Count);
        foreach (var client in clients)
        {
            client.Kill();
            await client.WaitForExitAsync(Cancel);
            client.Dispose();
        }

        await Eventually.TrueAsync(() => server.OpenSockets() == before);
        Assert.Equal("running\n", (await server.DockerAsync("inspect", "--format", "{{.State.Status}}", "quiet")).Stdout);
    }

    [Fact]
    public async Task Terminals_of_containers_and_execs_are_resized_through_the_api()
    {
        await using var server = await ApiServer.StartAsync(env);
        // A new terminal is 0x0; the program waits for a size, then shows it.
        const string waitForSize = "until s=$(stty size 2>/dev/null) && [ -n \"$s\" ] && [ \"$s\" != \"0 0\" ]; do sleep 0.05; done";
        Assert.Equal(0, (await server.DockerAsync("run", "-d", "-t", "--name", "term", "localhost/layered:1", "sh", "-c", waitForSize + "; echo size $s; sleep 60")).ExitCode);
        Assert.Equal(0, (await server.DockerAsync("run", "-d", "--name", "plain", "localhost/layered:1", "sleep", "60")).ExitCode);

        var container = await server.PostAsync("/v1.41/containers/term/resize?h=30&w=100", "");
        await Eventually.TrueAsync(() => server.DockerAsync("logs", "term").GetAwaiter().GetResult().Stdout.Contains("size 30 100", StringComparison.Ordinal));
        var (_, created) = await server.PostAsync("/v1.41/containers/term/exec",
            System.Text.Json.JsonSerializer.Serialize(new { Cmd = new[] { "sh", "-c", waitForSize + "; echo $s > /size" }, Tty = true }));
        var execId = System.Text.Json.JsonDocument.Parse(created).RootElement.GetProperty("Id").GetString();
        var started = await server.PostAsync($"/v1.41/exec/{execId}/start", """{"Detach":true,"Tty":true}""");
        var exec = await server.PostAsync($"/v1.41/exec/{execId}/resize?h=40&w=132", "");
        await Eventually.TrueAsync(() => server.DockerAsync("exec", "term", "cat", "/size").GetAwaiter().GetResult().Stdout == "40 132\n");
        var zero = await server.PostAsync("/v1.41/containers/term/resize?h=0&w=100", "");
        var noTerminal = await server.PostAsync("/v1.41/containers/plain/resize?h=30&w=100", "");

        Assert.Equal(200, container.Status);
        Assert.True(started.Status is 200 or 204, started.Body);
        Assert.Equal(200, exec.Status);
        Assert.Equal(400, zero.Status);
        Assert.Contains("h must be a terminal size", zero.Body);
        Assert.Equal(409, noTerminal.Status);
        Assert.Contains("has no terminal", noTerminal.Body);
    }

    [Fact]
    public async Task Docker_push_sends_an_image_to_a_registry_and_docker_run_pulls_it_back_then_runs_it()
    {
        await using var server = await ApiServer.StartAsync(env);
        await using var registry = await TestRegistry.StartAsync(env.Scratch);
        var reference = $"{registry.Host}/busybox:1";
        var tag = await server.DockerAsync("tag", "localhost/layered:1", reference);
        var push = await server.DockerAsync("push", reference);
        await server.Engine.Images.RemoveAsync(reference, cancellationToken: Cancel);
        await server.Engine.Images.RemoveAsync("localhost/layered:1", cancellationToken: Cancel);

        var run = await server.DockerAsync("run", "--rm", reference, "echo", "hello");
        var images = await server.DockerAsync("images", "--format", "{{.Repository}}:{{.Tag}}");
        var missing = await server.DockerAsync("pull", $"{registry.Host}/nothing:1");
        var rmi = await server.DockerAsync("rmi", reference);
        var after = await server.DockerAsync("images", "-q");

        Assert.Equal(0, tag.ExitCode);
        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.Contains($"The push refers to repository [{registry.Host}/busybox]", push.Stdout);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(push.Stdout, @"1: digest: sha256:[0-9a-f]{64}"), push.Stdout);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("hello\n", run.Stdout);
        Assert.Contains($"Unable to find image '{reference}' locally", run.Stderr);
        Assert.Equal(reference + "\n", images.Stdout);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("nothing", missing.Stderr);
        Assert.Equal(0, rmi.ExitCode);
        Assert.Contains($"Untagged: {reference}", rmi.Stdout);
        Assert.Equal("", after.Stdout);
    }

    [Fact]
    public async Task Containers_on_networks_made_through_the_api_reach_each_other_by_name_and_join_and_leave_them_while_running()
    {
        await using var server = await ApiServer.StartAsync(env);

        var create = await server.DockerAsync("network", "create", "--subnet", TestNet.UniqueSubnet(), "apinet");
        var alpha = await server.DockerAsync("run", "-d", "--name", "alpha", "--network", "apinet", "localhost/layered:1", "sleep", "60");
        var ping = await server.DockerAsync("run", "--rm", "--network", "apinet", "localhost/layered:1", "ping", "-c", "1", "-W", "2", "alpha");
        var ls = await server.DockerAsync("network", "ls", "--format", "{{.Name}} {{.Driver}}");
        var custom = await server.DockerAsync("network", "ls", "--filter", "type=custom", "--format", "{{.Name}}");
        var removeDefault = await server.DockerAsync("network", "rm", "bridge");
        // A running container joins and leaves a second network.
        await server.DockerAsync("network", "create", "--subnet", TestNet.UniqueSubnet(), "second");
        await server.DockerAsync("run", "-d", "--name", "beta", "--network", "second", "localhost/layered:1", "sleep", "60");
        var unreachable = await server.DockerAsync("exec", "alpha", "ping", "-c", "1", "-W", "1", "beta");
        var connect = await server.DockerAsync("network", "connect", "--alias", "alpha-two", "second", "alpha");
        var reached = await server.DockerAsync("exec", "alpha", "ping", "-c", "1", "-W", "2", "beta");
        var byAlias = await server.DockerAsync("exec", "beta", "ping", "-c", "1", "-W", "2", "alpha-two");
        var twice = await server.DockerAsync("network", "connect", "second", "alpha");
        var disconnect = await server.DockerAsync("network", "disconnect", "second", "alpha");
        var gone = await server.DockerAsync("exec", "beta", "ping", "-c", "1", "-W", "1", "alpha-two");
        var notThere = await server.DockerAsync("network", "disconnect", "second", "alpha");
        // A created container joins at its start.
        await server.DockerAsync("create", "--name", "gamma", "localhost/layered:1", "ping", "-c", "1", "-W", "2", "beta");
        var connectCreated = await server.DockerAsync("network", "connect", "second", "gamma");
        var gamma = await server.DockerAsync("start", "-a", "gamma");
        await server.DockerAsync("rm", "-f", "gamma");
        await server.DockerAsync("rm", "-f", "beta");
        await server.DockerAsync("network", "rm", "second");

        var busy = await server.DockerAsync("network", "rm", "apinet");
        await server.DockerAsync("rm", "-f", "alpha");
        var rm = await server.DockerAsync("network", "rm", "apinet");
        var after = await server.DockerAsync("network", "ls", "--format", "{{.Name}}");

        Assert.True(create.ExitCode == 0, create.Stderr);
        Assert.Matches("^[0-9a-f]{64}\n$", create.Stdout);
        Assert.True(alpha.ExitCode == 0, alpha.Stderr);
        Assert.True(ping.ExitCode == 0, $"ping by name failed: {ping.Stdout}{ping.Stderr}");
        Assert.Contains("1 packets received", ping.Stdout);
        Assert.Equal(["apinet bridge", "bridge bridge"], ls.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.Equal("apinet\n", custom.Stdout);
        Assert.Contains("bridge is a pre-defined network and cannot be removed", removeDefault.Stderr);
        Assert.NotEqual(0, unreachable.ExitCode);
        Assert.True(connect.ExitCode == 0, connect.Stderr);
        Assert.True(reached.ExitCode == 0, $"ping by name after connect failed: {reached.Stdout}{reached.Stderr}");
        Assert.True(byAlias.ExitCode == 0, $"ping by alias failed: {byAlias.Stdout}{byAlias.Stderr}");
        Assert.NotEqual(0, twice.ExitCode);
        Assert.Contains("already exists in network second", twice.Stderr);
        Assert.True(disconnect.ExitCode == 0, disconnect.Stderr);
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("is not connected to network second", notThere.Stderr);
        Assert.True(connectCreated.ExitCode == 0, connectCreated.Stderr);
        Assert.True(gamma.ExitCode == 0, $"a created container connected before its start did not reach beta: {gamma.Stdout}{gamma.Stderr}");
        Assert.NotEqual(0, busy.ExitCode);
        Assert.Equal((0, "apinet\n"), (rm.ExitCode, rm.Stdout));
        Assert.Equal("bridge\n", after.Stdout); // the default network stays
    }

    [Fact]
    public async Task Published_ports_answer_on_the_host_and_show_in_docker_port_and_inspect()
    {
        await using var server = await ApiServer.StartAsync(env);
        var subnet = TestNet.UniqueSubnet();
        await server.DockerAsync("network", "create", "--subnet", subnet, "webnet");
        int port = TestNet.FreePort();

        var web = await server.DockerAsync("run", "-d", "--name", "web", "--network", "webnet", "-p", $"{port}:80", "-p", "81",
            "localhost/layered:1", "sh", "-c", "mkdir -p /www && echo served > /www/index.html && exec httpd -f -p 80 -h /www");
        var mapped = await server.DockerAsync("port", "web");
        var address = await server.DockerAsync("inspect", "--format", "{{.NetworkSettings.Networks.webnet.IPAddress}} {{.HostConfig.NetworkMode}}", "web");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        string body = "", lastError = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(30); body.Length == 0 && DateTime.UtcNow < deadline; await Task.Delay(100, Cancel))
        {
            try
            {
                body = await http.GetStringAsync($"http://127.0.0.1:{port}/", Cancel);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                lastError = e.Message;
            }
        }
        if (body.Length == 0)
            Assert.Fail($"Nothing answered on 127.0.0.1:{port} ({lastError}); {(await server.DockerAsync("ps", "-a")).Stdout}{(await server.DockerAsync("logs", "web")).Stderr}");
        var noNetwork = await server.DockerAsync("run", "-d", "--network", "none", "-p", $"{TestNet.FreePort()}:80", "localhost/layered:1", "true");
        await server.DockerAsync("rm", "-f", "web");
        await server.DockerAsync("network", "rm", "webnet");

        Assert.True(web.ExitCode == 0, web.Stderr);
        Assert.Contains($"80/tcp -> 0.0.0.0:{port}", mapped.Stdout);
        Assert.Matches(@"81/tcp -> 0\.0\.0\.0:\d+", mapped.Stdout); // a free port chosen, as dockerd does for -p 81
        Assert.StartsWith(subnet[..subnet.LastIndexOf('.')], address.Stdout);
        Assert.EndsWith(" webnet\n", address.Stdout);
        Assert.Equal("served\n", body);
        Assert.NotEqual(0, noNetwork.ExitCode);
        Assert.Contains("it has --network none", noNetwork.Stderr);
    }

    [Fact]
    public async Task Docker_DotNet_creates_starts_waits_for_and_removes_a_container()
    {
        await using var server = await ApiServer.StartAsync(env);
        using var client = new Docker.DotNet.DockerClientBuilder().WithEndpoint(new Uri("unix://" + server.Socket)).Build();

        var created = await client.Containers.CreateContainerAsync(new Docker.DotNet.Models.CreateContainerParameters
        {
            Image = "localhost/layered:1",
            Name = "dotnet-client",
            Cmd = ["sh", "-c", "echo from docker.dotnet; exit 5"],
            Labels = new Dictionary<string, string> { ["by"] = "docker.dotnet" },
        }, Cancel);
        var started = await client.Containers.StartContainerAsync(created.ID, new Docker.DotNet.Models.ContainerStartParameters(), Cancel);
        var waited = await client.Containers.WaitContainerAsync(created.ID, Cancel);
        var inspected = await client.Containers.InspectContainerAsync(created.ID, Cancel);
        var listed = await client.Containers.ListContainersAsync(new Docker.DotNet.Models.ContainersListParameters { All = true }, Cancel);
        await client.Containers.RemoveContainerAsync(created.ID, new Docker.DotNet.Models.ContainerRemoveParameters(), Cancel);
        var after = await client.Containers.ListContainersAsync(new Docker.DotNet.Models.ContainersListParameters { All = true }, Cancel);

        Assert.Matches("^[0-9a-f]{64}$", created.ID);
        Assert.True(started);
        Assert.Equal(5, waited.StatusCode);
        Assert.Equal(("/dotnet-client", "exited", 5L), (inspected.Name, inspected.State!.Status, inspected.State.ExitCode));
        Assert.Equal("docker.dotnet", Assert.Single(listed).Labels["by"]);
        Assert.Empty(after);
    }

    [Fact]
    public async Task Testcontainers_starts_a_web_server_waits_for_it_reads_its_mapped_port_logs_and_exec_then_removes_it()
    {
        await using var server = await ApiServer.StartAsync(env);
        // Ryuk, Testcontainers' resource reaper, is an image this machine does not have; users without it set the same.
        Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
        // Testcontainers reads DOCKER_HOST once per process: its client is pointed at this server explicitly instead.
        var container = new DotNet.Testcontainers.Builders.ContainerBuilder("localhost/layered:1")
            .WithDockerEndpoint("unix://" + server.Socket)
            .WithImagePullPolicy(DotNet.Testcontainers.Images.PullPolicy.Never)
            .WithCommand("sh", "-c", "mkdir -p /www && echo served-by-testcontainers > /www/index.html && echo ready && exec httpd -f -p 80 -h /www")
            .WithPortBinding(80, assignRandomHostPort: true)
            .WithWaitStrategy(DotNet.Testcontainers.Builders.Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(request => request.ForPort(80)))
            .Build();
        string page, id;
        (string Stdout, string Stderr) logs;
        DotNet.Testcontainers.Containers.ExecResult exec;
        try
        {
            await container.StartAsync(Cancel);
            id = container.Id;
            using var http = new HttpClient();
            page = await http.GetStringAsync($"http://{container.Hostname}:{container.GetMappedPublicPort(80)}/", Cancel);
            logs = await container.GetLogsAsync(timestampsEnabled: false, ct: Cancel);
            exec = await container.ExecAsync(["sh", "-c", "echo from-exec; exit 3"], Cancel);
        }
        finally
        {
            await container.DisposeAsync();
        }
        var left = await server.DockerAsync("ps", "-a", "-q");

        Assert.Equal("served-by-testcontainers\n", page);
        Assert.Equal("ready\n", logs.Stdout);
        Assert.Equal(("from-exec\n", 3L), (exec.Stdout, exec.ExitCode));
        Assert.Matches("^[0-9a-f]{64}$", id);
        Assert.Equal("", left.Stdout);
    }

    [Fact]
    public async Task Over_tcp_only_a_client_with_the_token_gets_in_and_tcp_without_a_token_is_refused()
    {
        const string token = "a-token-of-sixteen-or-more";
        await using var server = await ApiServer.StartWithTcpAsync(env, token);
        using var client = new HttpClient { BaseAddress = server.TcpAddress };

        using var anonymous = await client.GetAsync("/v1.41/containers/json", Cancel);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1.41/containers/json") { Headers = { Authorization = new("Bearer", "not-the-token-at-all") } };
        using var refused = await client.SendAsync(wrong, Cancel);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/v1.41/containers/json") { Headers = { Authorization = new("Bearer", token) } };
        using var allowed = await client.SendAsync(right, Cancel);
        var unixStillOpen = await server.DockerAsync("ps", "-q");
        var noToken = await RefusedStartAsync("--tcp", $"127.0.0.1:{TestNet.FreePort()}");
        var notLoopback = await RefusedStartAsync("--tcp", $"0.0.0.0:{TestNet.FreePort()}", "--token", token);

        Assert.Equal(401, (int)anonymous.StatusCode);
        Assert.Contains("bearer token", await anonymous.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(401, (int)refused.StatusCode);
        Assert.Equal(200, (int)allowed.StatusCode);
        Assert.Equal(0, unixStillOpen.ExitCode);
        Assert.Contains("--tcp needs --token", noToken);
        Assert.Contains("--tcp-beyond-loopback", notLoopback);
    }

    /// <summary>What the server says when it refuses to start with these options.</summary>
    private static async Task<string> RefusedStartAsync(params string[] args)
    {
        var result = await Command.RunAsync("dotnet", [ApiServer.ServerAssembly(), "--socket", Path.Combine(Path.GetTempPath(), "unused-" + Guid.NewGuid().ToString("N") + ".sock"), .. args]);
        Assert.Equal(2, result.ExitCode);
        return result.Stderr;
    }

    [Fact]
    public async Task Bad_requests_get_dockers_error_shape_and_status()
    {
        await using var server = await ApiServer.StartAsync(env);

        var malformed = await server.PostAsync("/v1.41/containers/create", "{ not json");
        var wrongType = await server.PostAsync("/v1.41/containers/create", """{"Image": "localhost/layered:1", "Cmd": 42}""");
        var unsupported = await server.PostAsync("/v1.41/containers/create", """{"Image": "localhost/layered:1", "Healthcheck": {"Test": ["CMD", "true"]}}""");
        var noImage = await server.PostAsync("/v1.41/containers/create", """{"Image": "localhost/nothing:1"}""");
        var noContainer = await server.PostAsync("/v1.41/containers/0123456789ab/start", "");
        var privileged = await server.PostAsync("/v1.41/containers/create", """{"Image": "localhost/layered:1", "HostConfig": {"Privileged": true}}""");
        var tooLarge = await server.HeadersOnlyAsync("/v1.41/containers/create", 2 * 1024 * 1024);
        var unknownEndpoint = await server.PostAsync("/v1.41/swarm/init", "{}");

        Assert.Equal(400, malformed.Status);
        Assert.StartsWith("{\"message\":", malformed.Body);
        Assert.Equal((400, """{"message":"Cmd must be an array of strings."}"""), wrongType);
        Assert.Equal((400, """{"message":"Healthcheck is not supported by minidocker-server."}"""), unsupported);
        Assert.Equal((404, """{"message":"No such image: localhost/nothing:1"}"""), noImage);
        Assert.Equal(404, noContainer.Status);
        Assert.Equal(403, privileged.Status);
        Assert.Contains("--allow-privileged", privileged.Body);
        Assert.StartsWith("HTTP/1.1 413 ", tooLarge);
        Assert.Contains("{\"message\":", tooLarge);
        Assert.Equal((501, """{"message":"POST /swarm/init is not supported by minidocker-server."}"""), unknownEndpoint);
    }
}
