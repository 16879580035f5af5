namespace MiniDocker.Server.Api;

/// <summary>What an attached client types, copied to a container's or an exec's stdin until the client closes its side.</summary>
internal static class AttachedInput
{
    /// <param name="from">The upgraded connection.</param>
    /// <param name="to">The stdin (a pipe, or a terminal).</param>
    /// <param name="closeAtEnd">Whether the client's end of input ends the program's (a pipe); a terminal stays open.</param>
    /// <param name="cancellationToken">Stops the copy.</param>
    public static async Task CopyAsync(Stream from, Stream to, bool closeAtEnd, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            if (closeAtEnd) await to.DisposeAsync();
        }
    }
}
