using System.Text;

namespace MiniDocker.Containers;

public sealed partial class Container
{
    /// <summary>The container's json-file log (rotated files beside it get .1, .2...).</summary>
    public string LogPath => Path.Combine(StateDirectory, JsonLogFile.FileName);

    /// <summary>Reads everything the container has written so far, each stream as one text.</summary>
    public async Task<ContainerLogs> GetLogsAsync(CancellationToken cancellationToken = default)
    {
        var lines = await GetLogsAsync(new LogOptions(), cancellationToken).ConfigureAwait(false);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        foreach (var line in lines) (line.Stream == ContainerOutput.Stdout ? stdout : stderr).Append(line.Text);
        return new ContainerLogs(stdout.ToString(), stderr.ToString());
    }

    /// <summary>Reads the lines of the log that <paramref name="options"/> chooses (since, until, tail, streams), as <c>docker logs</c> does.</summary>
    public Task<IReadOnlyList<LogLine>> GetLogsAsync(LogOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(_removed, this);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<LogLine>>(options.Select(JsonLogFile.ReadAll(LogPath)));
    }

    /// <summary>
    /// The log's lines as they are written (<c>docker logs -f</c>): first those that exist (the last
    /// <see cref="LogOptions.Tail"/> of them, if given), then new ones, until the container has ended
    /// and everything is read, or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public IAsyncEnumerable<LogLine> FollowLogsAsync(LogOptions? options = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_removed, this);
        return JsonLogFollower.FollowAsync(LogPath, options ?? new LogOptions(), _exit, cancellationToken);
    }

    /// <summary>
    /// Opens one output stream of the container as text, from the start. Reads wait for more
    /// output while the container runs and end once it has exited and everything is read.
    /// </summary>
    public Stream OpenLog(ContainerOutput output)
    {
        ObjectDisposedException.ThrowIf(_removed, this);
        var options = new LogOptions { Stdout = output == ContainerOutput.Stdout, Stderr = output == ContainerOutput.Stderr };
        return new LogTextStream(FollowLogsAsync(options).GetAsyncEnumerator());
    }

    /// <summary>
    /// What the container's terminal shows from now on, as raw bytes as they come (<c>docker attach</c>
    /// to a <c>-t</c> container): prompts without a newline included, unlike the log's lines. Ends
    /// when the terminal closes. Write to <see cref="Stdin"/> to type.
    /// </summary>
    /// <exception cref="InvalidOperationException">The container has no terminal (<see cref="ContainerBuilder.WithTty"/>); follow its logs instead.</exception>
    public IAsyncEnumerable<ReadOnlyMemory<byte>> AttachTerminalAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_removed, this);
        var output = _terminalOutput ?? throw new InvalidOperationException($"Container {Name} has no terminal; follow its output with FollowLogsAsync.");
        return output.AttachAsync(cancellationToken);
    }

    /// <summary>Everything written reaches the log before the container counts as exited (bounded, in case something holds a pipe).</summary>
    private async Task WaitForLogsAsync()
    {
        var writers = new List<Task> { _terminalPump };
        if (_logMonitor is not null) writers.Add(_logMonitor.WaitForExitAsync(CancellationToken.None));
        await Task.WhenAny(Task.WhenAll(writers), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
    }
}
