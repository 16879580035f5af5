namespace MiniDocker.Containers;

/// <summary>
/// Copies what a container's terminal shows into its stdout log. The pty master is a blocking
/// character device, so this is the one place with a thread of its own per container.
/// </summary>
internal static class TerminalPump
{
    public static Task RunAsync(FileStream terminal, string logPath) =>
        Task.Factory.StartNew(() => Pump(terminal, logPath), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static void Pump(FileStream terminal, string logPath)
    {
        using var log = new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1);
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = terminal.Read(buffer)) > 0) log.Write(buffer, 0, n);
        }
        catch (IOException)
        {
            // EIO: every holder of the terminal's other side has closed it; the output is complete.
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
