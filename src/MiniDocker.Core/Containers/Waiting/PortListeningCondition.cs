using System.Globalization;

namespace MiniDocker.Containers.Waiting;

/// <summary>A TCP socket in LISTEN state on the port, in the container's network namespace (<c>/proc/&lt;pid&gt;/net/tcp</c> and <c>tcp6</c>).</summary>
internal sealed class PortListeningCondition(int port) : IWaitCondition
{
    private const string Listen = "0A";

    public string Description => $"port {port}/tcp listening";

    public ValueTask<bool> IsReadyAsync(Container container, CancellationToken cancellationToken)
    {
        foreach (var table in new[] { "tcp", "tcp6" })
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines($"/proc/{container.Pid}/net/{table}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var line in lines.Skip(1))
            {
                // "  0: 00000000:1F90 00000000:0000 0A ..." : local address:port in hex, then remote, then state.
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4 || fields[3] != Listen) continue;
                var local = fields[1];
                if (int.TryParse(local[(local.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var p) && p == port)
                    return ValueTask.FromResult(true);
            }
        }
        return ValueTask.FromResult(false);
    }
}
