using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MiniDocker.Tests.Infrastructure;

/// <summary>
/// Debian's chromium, headless, driven over the Chrome DevTools Protocol (a WebSocket of JSON
/// commands): navigate, evaluate JavaScript in the page, take a screenshot. Disposing it kills
/// the browser with all its helper processes and removes its profile.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly Task _reader;
    private int _nextId;

    private HeadlessChromium(Process process, string profile, ClientWebSocket socket)
    {
        _process = process;
        _profile = profile;
        _socket = socket;
        _reader = ReadAsync();
    }

    public static async Task<HeadlessChromium> LaunchAsync(string scratch, CancellationToken cancellationToken)
    {
        var executable = Require.Tool("chromium", "chromium");
        var profile = Path.Combine(scratch, "chromium-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(profile);
        var start = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        // As root chromium needs --no-sandbox; the rest keeps it from reaching out or waiting on a GPU.
        foreach (var arg in new[]
        {
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1360,900",
            "--remote-debugging-port=0", $"--user-data-dir={profile}", "about:blank",
        })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        try
        {
            var endpoint = await DevToolsEndpointAsync(process, cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            // Read on, or a chatty browser would block on a full pipe.
            _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
            _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            using var http = new HttpClient();
            var targets = JsonNode.Parse(await http.GetStringAsync($"http://{endpoint}/json/list", cancellationToken))!.AsArray();
            var page = targets.First(t => (string?)t!["type"] == "page")!;
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), cancellationToken);
            return new HeadlessChromium(process, profile, socket);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            process.Dispose();
            Directory.Delete(profile, recursive: true);
            throw;
        }
    }

    // Chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/<id>" once it listens.
    private static async Task<string> DevToolsEndpointAsync(Process process, CancellationToken cancellationToken)
    {
        var seen = new StringBuilder();
        while (await process.StandardError.ReadLineAsync(cancellationToken) is { } line)
        {
            seen.AppendLine(line);
            const string marker = "DevTools listening on ws://";
            if (line.IndexOf(marker, StringComparison.Ordinal) is var at and >= 0)
                return line[(at + marker.Length)..].Split('/')[0];
        }
        throw new InvalidOperationException($"chromium exited before it listened for DevTools:\n{seen}");
    }

    /// <summary>Sends one command and returns its result.</summary>
    public async Task<JsonElement> SendAsync(string method, object? parameters, CancellationToken cancellationToken)
    {
        int id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var message = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
        await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        return await answer.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
    }

    public async Task NavigateAsync(string url, CancellationToken cancellationToken)
    {
        await SendAsync("Page.enable", null, cancellationToken);
        await SendAsync("Page.navigate", new { url }, cancellationToken);
    }

    /// <summary>Evaluates a JavaScript expression in the page (awaiting a promise) and returns its value as JSON.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken cancellationToken)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true }, cancellationToken);
        if (result.TryGetProperty("exceptionDetails", out var error))
            throw new InvalidOperationException($"The page threw evaluating {expression}: {error}");
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    /// <summary>Polls <paramref name="expression"/> until it is true; fails with what it last was.</summary>
    public async Task UntilAsync(string expression, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement last = default;
        // Until the page has loaded, what the expression reads may not exist yet: that counts as false.
        var guarded = $"(() => {{ try {{ return !!({expression}); }} catch {{ return false; }} }})()";
        while (DateTime.UtcNow < deadline)
        {
            last = await EvaluateAsync(guarded, cancellationToken);
            if (last.ValueKind == JsonValueKind.True) return;
            await Task.Delay(100, cancellationToken);
        }
        var page = await EvaluateAsync("document.body.innerText", cancellationToken);
        Assert.Fail($"In the page, {expression} did not become true within {timeout.TotalSeconds} s (last {last.ValueKind}). The page shows:\n{page}");
    }

    public async Task<byte[]> ScreenshotAsync(CancellationToken cancellationToken)
    {
        var result = await SendAsync("Page.captureScreenshot", new { format = "png" }, cancellationToken);
        return Convert.FromBase64String(result.GetProperty("data").GetString()!);
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage) continue;
                using (var document = JsonDocument.Parse(message.ToArray()))
                {
                    // Events (no id) are not needed here; answers complete their command.
                    if (document.RootElement.TryGetProperty("id", out var id) && _pending.TryRemove(id.GetInt32(), out var answer))
                    {
                        if (document.RootElement.TryGetProperty("error", out var error)) answer.TrySetException(new InvalidOperationException($"DevTools refused: {error}"));
                        else answer.TrySetResult(document.RootElement.GetProperty("result").Clone());
                    }
                }
                message.SetLength(0);
            }
        }
        catch (WebSocketException)
        {
            // The browser went away; pending commands fail below.
        }
        foreach (var pending in _pending.Values) pending.TrySetException(new InvalidOperationException("chromium closed the DevTools connection."));
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);
        await _reader;
        _socket.Dispose();
        _process.Dispose();
        // Helper processes may hold the profile a moment after the browser is gone.
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Delete(_profile, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 20)
            {
                await Task.Delay(100);
            }
        }
    }
}
