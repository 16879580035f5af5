using System.Text.Json;
using System.Threading.Channels;
using MiniDocker.Registry;

namespace MiniDocker.Server.Api;

/// <summary>
/// A pull's progress as the JSON lines <c>docker pull</c> reads: one object per line, per layer
/// (<c>id</c> is the layer's short digest), ending with the digest and a status line, or with
/// <c>errorDetail</c> when the pull fails after the response has started.
/// </summary>
internal sealed class PullStream(Stream output) : IProgress<PullProgress>
{
    private readonly Channel<object> _lines = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });

    public void Report(PullProgress value) => _lines.Writer.TryWrite(value.Status switch
    {
        PullStatus.Downloading => new { status = "Downloading", progressDetail = new { current = value.Current, total = value.Total }, id = Short(value) },
        PullStatus.AlreadyExists => new { status = "Already exists", progressDetail = new { }, id = Short(value) },
        PullStatus.Waiting => new { status = "Waiting", progressDetail = new { }, id = Short(value) },
        PullStatus.Downloaded => new { status = "Download complete", progressDetail = new { }, id = Short(value) },
        PullStatus.Extracting => new { status = "Extracting", progressDetail = new { }, id = Short(value) },
        _ => new { status = "Pull complete", progressDetail = new { }, id = Short(value) },
    });

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

    private static string Short(PullProgress value) => value.Layer.ToString().Split(':')[^1][..12];
}
