using System.Text;

namespace MiniDocker.Containers;

/// <summary>Log lines read as one UTF-8 byte stream (what <see cref="Container.OpenLog"/> returns).</summary>
internal sealed class LogTextStream(IAsyncEnumerator<LogLine> lines) : IO.ReadOnlyStream
{
    private byte[] _current = [];
    private int _offset;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_offset == _current.Length)
        {
            if (!await lines.MoveNextAsync().ConfigureAwait(false)) return 0;
            _current = Encoding.UTF8.GetBytes(lines.Current.Text);
            _offset = 0;
        }
        int count = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsMemory(_offset, count).CopyTo(buffer);
        _offset += count;
        return count;
    }




    protected override void Dispose(bool disposing)
    {
        if (disposing) lines.DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }
}
