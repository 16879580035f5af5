using System.Diagnostics;
using System.Net;

namespace MiniDocker.Tests.Infrastructure;

/// <summary>
/// A real OCI registry (Debian's docker-registry, the CNCF distribution server) on 127.0.0.1,
/// with no authentication, htpasswd basic authentication, or bearer tokens from a
/// <see cref="TokenServer"/>. Disposing it stops the server and deletes its storage.
/// </summary>
public sealed class TestRegistry : IAsyncDisposable
{
    public const string User = "tester";
    public const string Password = "s3cret-pass";

    private readonly Process _process;
    private readonly string _directory;
    private readonly TokenServer? _tokens;

    private TestRegistry(Process process, string directory, int port, TokenServer? tokens)
    {
        _process = process;
        _directory = directory;
        _tokens = tokens;
        Host = $"127.0.0.1:{port}";
    }

    public enum Auth { None, Basic, Token }

    /// <summary>The token service, with bearer authentication.</summary>
    public TokenServer? Tokens => _tokens;

    /// <summary>host:port, as image references name it.</summary>
    public string Host { get; }

    public static async Task<TestRegistry> StartAsync(string scratch, Auth auth = Auth.None)
    {
        var binary = Require.Tool("docker-registry", "docker-registry");
        var directory = Path.Combine(scratch, "registry-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(directory, "data"));
        int port = TestNet.FreePort();
        string authSection = "";
        TokenServer? tokens = null;
        if (auth == Auth.Basic)
        {
            var htpasswd = Require.Tool("htpasswd", "apache2-utils");
            var hash = Run(htpasswd, "-Bbn", User, Password).Trim();
            File.WriteAllText(Path.Combine(directory, "htpasswd"), hash + "\n");
            authSection = $"auth:\n  htpasswd:\n    realm: minidocker-test\n    path: {Path.Combine(directory, "htpasswd")}\n";
        }
        else if (auth == Auth.Token)
        {
            tokens = TokenServer.Start(directory, User, Password);
            authSection = $"auth:\n  token:\n    realm: {tokens.Realm}\n    service: {TokenServer.Service}\n    issuer: {TokenServer.Issuer}\n    rootcertbundle: {tokens.CertificatePath}\n";
        }
        var config = Path.Combine(directory, "config.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Path.Combine(directory, "data")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
            {authSection}
            """);
        var process = Process.Start(new ProcessStartInfo(binary, ["serve", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var registry = new TestRegistry(process, directory, port, tokens);
        using var http = new HttpClient();
        for (var deadline = DateTime.UtcNow.AddSeconds(20); ; await Task.Delay(50))
        {
            try
            {
                using var response = await http.GetAsync($"http://{registry.Host}/v2/");
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized) return registry;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await registry.DisposeAsync();
                throw new InvalidOperationException($"docker-registry did not start on {registry.Host} (exit {(process.HasExited ? process.ExitCode : -1)}).");
            }
        }
    }

    /// <summary>The files the registry stores for blobs, to count downloads and uploads by.</summary>
    public int BlobCount => Directory.Exists(Path.Combine(_directory, "data", "docker", "registry", "v2", "blobs"))
        ? Directory.EnumerateFiles(Path.Combine(_directory, "data", "docker", "registry", "v2", "blobs"), "data", SearchOption.AllDirectories).Count()
        : 0;

    private static string Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {process.StandardError.ReadToEnd()}");
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _tokens?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
