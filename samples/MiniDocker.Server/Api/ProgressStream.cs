using System.Text.Json;
using System.Threading.Channels;
using MiniDocker.Registry;

namespace MiniDocker.Server.Api;

/// <summary>
/// A pull's or a push's progress as the JSON lines <c>docker pull</c> and <c>docker push</c> read:
/// one object per line, per layer (<c>id</c> is the layer's short digest), ending with the digest
/// and a status line, or with <c>errorDetail</c> when it fails after the response has started.
/// </summary>
internal sealed class ProgressStream(Stream output) : IProgress<PullProgress>, IProgress<PushProgress>
{
    private readonly Channel<object> _lines = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>
    /// Answers a request with the progress of <paramref name="operation"/>: headers at once, then
    /// the lines as they come. A failure after the answer has started travels in the stream, as
    /// dockerd's does.
    /// </summary>
    public static async Task RespondAsync(HttpContext context, string firstStatus, Func<ProgressStream, Task> operation)
    {
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        var stream = new ProgressStream(context.Response.Body);
        var pump = stream.PumpAsync(context.RequestAborted);
        stream.Status(firstStatus);
        try
        {
            await operation(stream);
        }
        catch (Exception e) when (e is MiniDockerException or HttpRequestException or IOException or ArgumentException)
        {
            stream.Error(e.Message);
        }
        finally
        {
            stream.Complete();
        }
        await pump;
    }

    public void Report(PullProgress value) => _lines.Writer.TryWrite(value.Status switch
    {
        PullStatus.Downloading => new { status = "Downloading", progressDetail = new { current = value.Current, total = value.Total }, id = Short(value.Layer) },
        PullStatus.AlreadyExists => new { status = "Already exists", progressDetail = new { }, id = Short(value.Layer) },
        PullStatus.Waiting => new { status = "Waiting", progressDetail = new { }, id = Short(value.Layer) },
        PullStatus.Downloaded => new { status = "Download complete", progressDetail = new { }, id = Short(value.Layer) },
        PullStatus.Extracting => new { status = "Extracting", progressDetail = new { }, id = Short(value.Layer) },
        _ => new { status = "Pull complete", progressDetail = new { }, id = Short(value.Layer) },
    });

    public void Report(PushProgress value) => _lines.Writer.TryWrite(value.Status switch
    {
        PushStatus.Uploading => new { status = "Pushing", progressDetail = new { current = value.Current, total = value.Total }, id = Short(value.Blob) },
        PushStatus.AlreadyExists => new { status = "Layer already exists", progressDetail = new { }, id = Short(value.Blob) },
        PushStatus.Mounted => new { status = "Mounted from another repository", progressDetail = new { }, id = Short(value.Blob) },
        _ => new { status = "Pushed", progressDetail = new { }, id = Short(value.Blob) },
    });

    /// <summary>The closing record of a push, which the client shows as its digest line.</summary>
    public void Pushed(string tag, string digest)
    {
        // As dockerd: the line people read, then the record tools read (the client prints no line that has aux).
        Status($"{tag}: digest: {digest}");
        _lines.Writer.TryWrite(new { progressDetail = new { }, aux = new { Tag = tag, Digest = digest } });
    }

    public void Status(string status) => _lines.Writer.TryWrite(new { status });

    public void Error(string message) => _lines.Writer.TryWrite(new { errorDetail = new { message }, error = message });

    public void Complete() => _lines.Writer.TryComplete();

    /// <summary>Writes the lines as they come until <see cref="Complete"/>.</summary>
    public async Task PumpAsync(CancellationToken cancellationToken)
    {
        await foreach (var line in _lines.Reader.ReadAllAsync(cancellationToken))
        {
            await JsonSerializer.SerializeAsync(output, line, line.GetType(), cancellationToken: cancellationToken);
            await output.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
            await output.FlushAsync(cancellationToken);
        }
    }

    private static string Short(MiniDocker.Storage.Digest digest) => digest.ToString().Split(':')[^1][..12];
}
