using System.Diagnostics;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>minidocker-server driven by the unchanged docker command line, on a unix socket of its own.</summary>
public sealed class DockerApiTests(TestEnvironment env)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;


    /// <summary>A server on an engine root of its own, with localhost/layered:1 in it; disposing it stops the server and removes the root.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly TestEngine _engine;

        private Server(Process process, TestEngine engine, string socket)
        {
            _process = process;
            _engine = engine;
            Socket = socket;
        }

        public string Socket { get; }

        /// <summary>An engine on the server's root, for what the test prepares besides the API.</summary>
        public MiniDocker.Containers.ContainerEngine Engine => _engine.Engine;

        public static async Task<Server> StartAsync(TestEnvironment env, params string[] extra)
        {
            Require.Root();
            var test = env.CreateEngine();
            await env.ImportBusyboxAsync(test);
            var socket = Path.Combine(test.Root, "docker.sock");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { ServerAssembly(), "--socket", socket, "--root", test.Root }.Concat(extra))
                start.ArgumentList.Add(arg);
            start.Environment["MINIDOCKER_CGROUP_PARENT"] = env.CgroupParent;
            var process = Process.Start(start)!;
            var line = await process.StandardOutput.ReadLineAsync(Cancel).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Cancel);
            if (line is null || !line.StartsWith("listening", StringComparison.Ordinal))
                Assert.Fail($"minidocker-server did not start: {line}{await process.StandardError.ReadToEndAsync(Cancel)}");
            return new Server(process, test, socket);
        }

        // tests/MiniDocker.Core.Tests/bin/<configuration>/<framework>/ → samples/MiniDocker.Server/bin/<configuration>/<framework>/
        public static string ServerAssembly()
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
            var repository = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(repository, "samples", "MiniDocker.Server", "bin", output.Parent.Name, output.Name, "minidocker-server.dll");
        }

        public Task<CommandResult> DockerAsync(params string[] args) =>
            Command.RunAsync(Require.Tool("docker", "docker.io"), args, new Dictionary<string, string>
            {
                ["DOCKER_HOST"] = "unix://" + Socket,
                ["DOCKER_CONFIG"] = Path.Combine(_engine.Root, "docker-config"), // no user's settings
            });

        public async Task<(int Status, string Body)> PostAsync(string path, string json)
        {
            using var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, token) =>
                {
                    var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                    await s.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(Socket), token);
                    return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
                },
            };
            using var client = new HttpClient(handler) { BaseAddress = new Uri("http://docker") };
            using var response = await client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Cancel);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Cancel));
        }

        /// <summary>Only the headers of a request whose body would be <paramref name="length"/> bytes: the server must answer from them.</summary>
        public async Task<string> HeadersOnlyAsync(string path, long length)
        {
            using var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            await s.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(Socket), Cancel);
            await s.SendAsync(System.Text.Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{"), Cancel);
            var buffer = new byte[4096];
            int n = await s.ReceiveAsync(buffer, Cancel).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Cancel);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, n);
        }

        public async ValueTask DisposeAsync()
        {
            _process.Kill(); // SIGKILL: its tied containers die with it, and the next engine cleans up
            await _process.WaitForExitAsync(CancellationToken.None);
            _process.Dispose();
            // What the commands left: containers, then the (persistent) networks they were on.
            foreach (var c in await Engine.Containers.ListAsync(all: true, CancellationToken.None))
                await Engine.Containers.RemoveAsync(c.Id, force: true, CancellationToken.None);
            foreach (var network in await Engine.Networks.ListAsync(CancellationToken.None))
                await Engine.Networks.RemoveAsync(network.Name, CancellationToken.None);
            await _engine.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_docker_client_runs_containers_reads_their_logs_stops_and_removes_them()
    {
        await using var server = await Server.StartAsync(env);

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
    public async Task Docker_run_pulls_an_image_it_does_not_have_from_a_registry_then_runs_it()
    {
        await using var server = await Server.StartAsync(env);
        await using var registry = await TestRegistry.StartAsync(env.Scratch);
        var reference = $"{registry.Host}/busybox:1";
        await server.Engine.Images.TagAsync("localhost/layered:1", reference, Cancel);
        await server.Engine.Images.PushAsync(reference, cancellationToken: Cancel);
        await server.Engine.Images.RemoveAsync(reference, cancellationToken: Cancel);
        await server.Engine.Images.RemoveAsync("localhost/layered:1", cancellationToken: Cancel);

        var run = await server.DockerAsync("run", "--rm", reference, "echo", "hello");
        var images = await server.DockerAsync("images", "--format", "{{.Repository}}:{{.Tag}}");
        var missing = await server.DockerAsync("pull", $"{registry.Host}/nothing:1");
        var rmi = await server.DockerAsync("rmi", reference);
        var after = await server.DockerAsync("images", "-q");

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
    public async Task Containers_on_a_network_made_through_the_api_reach_each_other_by_name()
    {
        await using var server = await Server.StartAsync(env);

        var create = await server.DockerAsync("network", "create", "--subnet", TestNet.UniqueSubnet(), "apinet");
        var alpha = await server.DockerAsync("run", "-d", "--name", "alpha", "--network", "apinet", "localhost/layered:1", "sleep", "60");
        var ping = await server.DockerAsync("run", "--rm", "--network", "apinet", "localhost/layered:1", "ping", "-c", "1", "-W", "2", "alpha");
        var ls = await server.DockerAsync("network", "ls", "--format", "{{.Name}} {{.Driver}}");
        var busy = await server.DockerAsync("network", "rm", "apinet");
        await server.DockerAsync("rm", "-f", "alpha");
        var rm = await server.DockerAsync("network", "rm", "apinet");
        var after = await server.DockerAsync("network", "ls", "-q");

        Assert.True(create.ExitCode == 0, create.Stderr);
        Assert.Matches("^[0-9a-f]{64}\n$", create.Stdout);
        Assert.True(alpha.ExitCode == 0, alpha.Stderr);
        Assert.True(ping.ExitCode == 0, $"ping by name failed: {ping.Stdout}{ping.Stderr}");
        Assert.Contains("1 packets received", ping.Stdout);
        Assert.Equal("apinet bridge\n", ls.Stdout);
        Assert.NotEqual(0, busy.ExitCode);
        Assert.Equal((0, "apinet\n"), (rm.ExitCode, rm.Stdout));
        Assert.Equal("", after.Stdout);
    }

    [Fact]
    public async Task Docker_DotNet_creates_starts_waits_for_and_removes_a_container()
    {
        await using var server = await Server.StartAsync(env);
        using var client = new Docker.DotNet.DockerClientConfiguration(new Uri("unix://" + server.Socket)).CreateClient();

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
        Assert.Equal(("/dotnet-client", "exited", 5L), (inspected.Name, inspected.State.Status, inspected.State.ExitCode));
        Assert.Equal("docker.dotnet", Assert.Single(listed).Labels["by"]);
        Assert.Empty(after);
    }

    [Fact]
    public async Task Over_tcp_only_a_client_with_the_token_gets_in_and_tcp_without_a_token_is_refused()
    {
        int port = TestNet.FreePort();
        const string token = "a-token-of-sixteen-or-more";
        await using var server = await Server.StartAsync(env, "--tcp", $"127.0.0.1:{port}", "--token", token);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

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
        var result = await Command.RunAsync("dotnet", [Server.ServerAssembly(), "--socket", Path.Combine(Path.GetTempPath(), "unused-" + Guid.NewGuid().ToString("N") + ".sock"), .. args]);
        Assert.Equal(2, result.ExitCode);
        return result.Stderr;
    }

    [Fact]
    public async Task Bad_requests_get_dockers_error_shape_and_status()
    {
        await using var server = await Server.StartAsync(env);

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
