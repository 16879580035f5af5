namespace MiniDocker.Containers;

/// <summary>A read-only stream over a log file that waits for more while its container runs (like <c>tail -f</c>).</summary>
internal sealed class FollowingLogStream(string path, Task exited) : Stream
{
    // Log files are written by the container directly, with no host process to signal
    // new data, so a reader at the end polls; 20 ms keeps latency low at negligible cost.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private readonly FileStream _file = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _file.Position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            bool ended = exited.IsCompleted;
            int n = await _file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n > 0 || ended || buffer.Length == 0) return n;
            await Task.WhenAny(exited, Task.Delay(PollInterval, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _file.Dispose();
        base.Dispose(disposing);
    }
}
