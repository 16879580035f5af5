namespace MiniDocker.Containers;

public sealed partial class Container
{
    /// <summary>Reads everything the container has written so far.</summary>
    public async Task<ContainerLogs> GetLogsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_removed, this);
        var stdout = await ReadShared(Path.Combine(StateDirectory, StdoutFileName), cancellationToken).ConfigureAwait(false);
        var stderr = await ReadShared(Path.Combine(StateDirectory, StderrFileName), cancellationToken).ConfigureAwait(false);
        return new ContainerLogs(stdout, stderr);
    }

    /// <summary>
    /// Opens one output stream of the container for reading from the start. Reads wait for more
    /// output while the container runs and end once it has exited and everything is read.
    /// </summary>
    public Stream OpenLog(ContainerOutput output)
    {
        ObjectDisposedException.ThrowIf(_removed, this);
        var path = Path.Combine(StateDirectory, output == ContainerOutput.Stdout ? StdoutFileName : StderrFileName);
        return new FollowingLogStream(path, _exit);
    }

    private static async Task<string> ReadShared(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, useAsync: false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream);
            return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
