using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MiniDocker.Benchmarks;

/// <summary>Debian's docker-registry on a free port of 127.0.0.1, with no authentication, for the image benchmarks.</summary>
internal sealed class LocalRegistry : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    public LocalRegistry(string scratch)
    {
        _directory = Path.Combine(scratch, "registry");
        Directory.CreateDirectory(_directory);
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        Host = $"127.0.0.1:{port}";
        var config = Path.Combine(_directory, "config.yml");
        File.WriteAllText(config, $"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {_directory}/data\nhttp:\n  addr: {Host}\n");
        _process = Process.Start(new ProcessStartInfo("docker-registry", ["serve", config]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("docker-registry did not start; install it: apt-get install docker-registry");
        _process.ErrorDataReceived += (_, _) => { };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        using var http = new HttpClient();
        for (var deadline = DateTime.UtcNow.AddSeconds(20); ; Thread.Sleep(50))
        {
            try
            {
                if (http.GetAsync($"http://{Host}/v2/").GetAwaiter().GetResult().IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    public string Host { get; }

    public void Dispose()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        Directory.Delete(_directory, recursive: true);
    }
}
