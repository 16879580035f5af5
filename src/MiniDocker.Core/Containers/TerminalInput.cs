namespace MiniDocker.Containers;

/// <summary>
/// <see cref="Container.Stdin"/> of a container with a terminal: writes go to the terminal of the
/// current run, so a caller keeps one stream while a restart policy gives each run a new terminal.
/// </summary>
internal sealed class TerminalInput : Stream
{
    private FileStream _current;

    public TerminalInput(FileStream first) => _current = first;

    /// <summary>Writes go to <paramref name="next"/> from now on; the previous run's terminal is closed.</summary>
    public void Switch(FileStream next) => Interlocked.Exchange(ref _current, next).Dispose();

    /// <summary>Sets the size of the run's terminal (the next run's starts at the default).</summary>
    public void Resize(int columns, int rows) => Interop.TerminalSize.Set(_current.SafeFileHandle, columns, rows);

    public override void Write(byte[] buffer, int offset, int count) => _current.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _current.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _current.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _current.WriteAsync(buffer, cancellationToken);

    public override void Flush() => _current.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _current.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _current.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
