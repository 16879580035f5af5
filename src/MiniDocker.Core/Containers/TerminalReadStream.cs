namespace MiniDocker.Containers;

/// <summary>Reads a terminal master until the other side is gone: EIO there means end of output, not an error.</summary>
internal sealed class TerminalReadStream(Stream terminal) : IO.ReadOnlyStream
{
    public override int Read(Span<byte> buffer)
    {
        try
        {
            return terminal.Read(buffer);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await terminal.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
