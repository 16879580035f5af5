using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace MiniDocker.Containers;

/// <summary>
/// What a container's terminal shows, as it comes, to everyone attached (docker attach): bytes,
/// not lines, so prompts show. A newcomer first gets the last few KiB, so that attaching right
/// after the start does not miss the first prompt.
/// </summary>
internal sealed class TerminalOutput
{
    private const int ReplayBytes = 4096;
    private readonly Lock _lock = new();
    private readonly Queue<byte[]> _recent = new();
    private int _recentBytes;
    private readonly List<ChannelWriter<ReadOnlyMemory<byte>>> _attached = [];
    private bool _ended;

    public void Publish(ReadOnlySpan<byte> chunk)
    {
        var copy = chunk.ToArray();
        lock (_lock)
        {
            foreach (var writer in _attached) writer.TryWrite(copy);
            _recent.Enqueue(copy);
            _recentBytes += copy.Length;
            while (_recentBytes > ReplayBytes && _recent.Count > 1) _recentBytes -= _recent.Dequeue().Length;
        }
    }

    /// <summary>A new run (the restart policy's) shows its terminal to those who attach from now on.</summary>
    public void Reopen()
    {
        lock (_lock) _ended = false;
    }

    public void End()
    {
        lock (_lock)
        {
            _ended = true;
            foreach (var writer in _attached) writer.TryComplete();
            _attached.Clear();
        }
    }

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> AttachAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });
        lock (_lock)
        {
            foreach (var chunk in _recent) channel.Writer.TryWrite(chunk);
            if (_ended) channel.Writer.TryComplete();
            else _attached.Add(channel.Writer);
        }
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                while (channel.Reader.TryRead(out var chunk)) yield return chunk;
        }
        finally
        {
            lock (_lock) _attached.Remove(channel.Writer);
        }
    }
}
