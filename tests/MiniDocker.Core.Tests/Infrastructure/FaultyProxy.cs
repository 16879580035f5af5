using System.Net;

namespace MiniDocker.Tests.Infrastructure;

/// <summary>
/// An HTTP proxy in front of a registry that misbehaves on blob downloads as a broken registry
/// or network would: serving corrupted bytes, or dropping the connection halfway.
/// </summary>
public sealed class FaultyProxy : IDisposable
{
    private readonly HttpListener _listener;
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private readonly string _target;
    private int _cutsLeft;

    public enum Fault { None, CorruptBlobs, CutBlobs }

    private FaultyProxy(HttpListener listener, string target, string host)
    {
        _listener = listener;
        _target = target;
        Host = host;
        _ = LoopbackHttpListener.ServeAsync(listener, ForwardAsync);
    }

    public string Host { get; }

    public Fault Mode { get; set; }

    /// <summary>With <see cref="Fault.CutBlobs"/>: how many blob downloads are cut before they flow again (int.MaxValue: always).</summary>
    public int Cuts { get => _cutsLeft; set => _cutsLeft = value; }

    /// <summary>How many blob downloads were cut.</summary>
    public int CutCount { get; private set; }

    public static FaultyProxy Start(string registryHost)
    {
        var (listener, port) = LoopbackHttpListener.Start();
        return new FaultyProxy(listener, registryHost, $"127.0.0.1:{port}");
    }

    private async Task ForwardAsync(HttpListenerContext context)
    {
        try
        {
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), $"http://{_target}{context.Request.RawUrl}");
            if (context.Request.HasEntityBody)
            {
                var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                request.Content = new ByteArrayContent(body.ToArray());
                if (context.Request.ContentType is { } type) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
            foreach (var name in new[] { "Accept", "Authorization", "Range" })
                if (context.Request.Headers[name] is { } value) request.Headers.TryAddWithoutValidation(name, value);
            using var response = await _upstream.SendAsync(request);
            var content = await response.Content.ReadAsByteArrayAsync();
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (header.Key is "Content-Length" or "Transfer-Encoding" or "Connection") continue;
                context.Response.Headers[header.Key] = string.Join(",", header.Value);
            }
            bool blob = context.Request.HttpMethod == "GET" && context.Request.RawUrl!.Contains("/blobs/sha256:", StringComparison.Ordinal) && response.IsSuccessStatusCode;
            if (blob && Mode == Fault.CorruptBlobs && content.Length > 0) content[^1] ^= 0xff;
            context.Response.ContentLength64 = content.Length;
            if (blob && Mode == Fault.CutBlobs && content.Length > 1 && Interlocked.Decrement(ref _cutsLeft) >= 0)
            {
                CutCount++;
                await context.Response.OutputStream.WriteAsync(content.AsMemory(0, content.Length / 2));
                await context.Response.OutputStream.FlushAsync();
                context.Response.Abort();
                return;
            }
            await context.Response.OutputStream.WriteAsync(content);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or HttpRequestException or ObjectDisposedException)
        {
            context.Response.Abort();
        }
    }

    public void Dispose()
    {
        LoopbackHttpListener.Close(_listener);
        _upstream.Dispose();
    }
}
