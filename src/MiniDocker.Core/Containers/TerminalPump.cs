using System.Text;

namespace MiniDocker.Containers;

/// <summary>
/// Copies what a container's terminal shows into its json-file log, a line at a time. The pty
/// master is a blocking character device, so this is the one place with a thread of its own per
/// container (and the reason a terminal's log stops with the host, where a pipe's monitor does not).
/// </summary>
internal static class TerminalPump
{
    public static Task RunAsync(FileStream terminal, JsonLogWriter log, TerminalOutput output) =>
        Task.Factory.StartNew(() => Pump(terminal, log, output), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static void Pump(FileStream terminal, JsonLogWriter log, TerminalOutput output)
    {
        using var _ = log;
        var decoder = Encoding.UTF8.GetDecoder();
        var line = new StringBuilder();
        var bytes = new byte[4096];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        try
        {
            int n;
            while ((n = terminal.Read(bytes)) > 0)
            {
                output.Publish(bytes.AsSpan(0, n));
                int count = decoder.GetChars(bytes, 0, n, chars, 0);
                for (int i = 0; i < count; i++)
                {
                    line.Append(chars[i]);
                    if (chars[i] != '\n' && line.Length < 16 * 1024) continue;
                    log.Write(ContainerOutput.Stdout, line.ToString());
                    line.Clear();
                }
            }
        }
        catch (IOException)
        {
            // EIO: every holder of the terminal's other side has closed it; the output is complete.
        }
        catch (ObjectDisposedException)
        {
        }
        if (line.Length > 0) log.Write(ContainerOutput.Stdout, line.ToString());
        output.End();
    }
}
