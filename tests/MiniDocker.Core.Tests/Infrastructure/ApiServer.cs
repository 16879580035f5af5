using System.Diagnostics;

namespace MiniDocker.Tests.Infrastructure;

/// <summary>A server on an engine root of its own, with localhost/layered:1 in it; disposing it stops the server and removes the root.</summary>
public sealed class ApiServer : IAsyncDisposable
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly Process _process;
    private readonly TestEngine _engine;

    private ApiServer(Process process, TestEngine engine, string socket)
    {
        _process = process;
        _engine = engine;
        Socket = socket;
    }

    public string Socket { get; }

    /// <summary>Where the token-guarded TCP listener is, when started with <see cref="StartWithTcpAsync"/>.</summary>
    public Uri? TcpAddress { get; private set; }

    /// <summary>A server that also listens on a free loopback port, guarded by <paramref name="token"/>.</summary>
    public static async Task<ApiServer> StartWithTcpAsync(TestEnvironment env, string token)
    {
        int port = TestNet.FreePort();
        var server = await StartAsync(env, "--tcp", $"127.0.0.1:{port}", "--token", token);
        server.TcpAddress = new Uri($"http://127.0.0.1:{port}");
        return server;
    }

    /// <summary>The sockets the server process holds open: its listeners and every connection it still serves.</summary>
    public int OpenSockets() =>
        Directory.EnumerateFileSystemEntries($"/proc/{_process.Id}/fd").Count(fd => new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);

    /// <summary>An engine on the server's root, for what the test prepares besides the API.</summary>
    public MiniDocker.Containers.ContainerEngine Engine => _engine.Engine;

    public static async Task<ApiServer> StartAsync(TestEnvironment env, params string[] extra)
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
        return new ApiServer(process, test, socket);
    }

    // tests/MiniDocker.Core.Tests/bin/<configuration>/<framework>/ → samples/MiniDocker.Server/bin/<configuration>/<framework>/
    public static string ServerAssembly()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var repository = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(repository, "samples", "MiniDocker.Server", "bin", output.Parent.Name, output.Name, "minidocker-server.dll");
    }

    public Task<CommandResult> DockerAsync(params string[] args) => DockerWithInputAsync(null, args);

    /// <summary>The docker client with <paramref name="input"/> on its stdin (as <c>echo … | docker …</c>).</summary>
    public Task<CommandResult> DockerWithInputAsync(string? input, params string[] args) =>
        Command.RunAsync(Require.Tool("docker", "docker.io"), args, new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = "unix://" + Socket,
            ["DOCKER_CONFIG"] = Path.Combine(_engine.Root, "docker-config"), // no user's settings
        }, input);

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
