using System.Text;

namespace MiniDocker.Server.Transport;

/// <summary>
/// Kestrel refuses an upgrade request that has a body, and the docker client sends one for
/// <c>POST /exec/{id}/start</c> (<c>{"Detach":false,"Tty":false}</c>) on a connection of its own.
/// The first request of a connection is looked at before Kestrel sees it: when it asks for an
/// upgrade and carries a body, the body moves into a header (<see cref="BodyHeader"/>, base64) and
/// the request goes on without one. Everything else passes through untouched.
/// </summary>
internal static class UpgradeBodyShim
{
    public const string BodyHeader = "X-MiniDocker-Upgrade-Body";

    private const int MaximumHead = 64 * 1024, MaximumBody = 64 * 1024;

    /// <summary>
    /// Given the bytes received so far, either the bytes to hand Kestrel (rewritten or not) and
    /// whether the request asks for an upgrade, or null when the first request's head and body
    /// are not complete yet.
    /// </summary>
    public static (byte[] Bytes, bool Upgrade)? TryRewrite(ReadOnlySpan<byte> received)
    {
        // Some clients (Docker.DotNet's own handler) end header lines with a bare LF.
        int crlf = received.IndexOf("\n\r\n"u8), lf = received.IndexOf("\n\n"u8);
        int end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf;
        if (end < 0) return received.Length > MaximumHead ? (received.ToArray(), false) : null;
        int bodyStart = end + (end == crlf ? 3 : 2);
        var head = Encoding.ASCII.GetString(received[..end]);
        var lines = head.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        bool upgrade = lines.Any(l => l.StartsWith("Upgrade:", StringComparison.OrdinalIgnoreCase));
        var lengthLine = lines.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (!upgrade || lengthLine is null || !int.TryParse(lengthLine["Content-Length:".Length..].Trim(), out var length) || length <= 0 || length > MaximumBody)
            return (received.ToArray(), upgrade);
        if (received.Length < bodyStart + length) return null;
        var body = Convert.ToBase64String(received.Slice(bodyStart, length));
        var rewritten = string.Join("\r\n", lines.Where(l => !ReferenceEquals(l, lengthLine))) + $"\r\n{BodyHeader}: {body}\r\n\r\n";
        return ([.. Encoding.ASCII.GetBytes(rewritten), .. received[(bodyStart + length)..]], true);
    }
}
