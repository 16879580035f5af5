using System.Buffers.Binary;
using System.Text;

namespace MiniDocker.Server.Api;

/// <summary>
/// Docker's multiplexed stream: each chunk behind an 8-byte header, its stream (1 stdout, 2 stderr)
/// and its length big-endian, so one connection carries both outputs of a container without a terminal.
/// </summary>
internal static class StreamFrames
{
    public const string MultiplexedContentType = "application/vnd.docker.multiplexed-stream";
    public const string RawContentType = "application/vnd.docker.raw-stream";

    public static Task WriteAsync(Stream output, MiniDocker.Containers.ContainerOutput stream, string text, bool multiplexed, CancellationToken cancellationToken) =>
        WriteAsync(output, stream, Encoding.UTF8.GetBytes(text), multiplexed, cancellationToken);

    public static async Task WriteAsync(Stream output, MiniDocker.Containers.ContainerOutput stream, ReadOnlyMemory<byte> payload, bool multiplexed, CancellationToken cancellationToken)
    {
        if (multiplexed)
        {
            // Header and payload in one write: over chunked HTTP that is one chunk per frame, as
            // dockerd sends them, so no client has to join a frame from two chunks.
            var frame = new byte[8 + payload.Length];
            frame[0] = stream == MiniDocker.Containers.ContainerOutput.Stderr ? (byte)2 : (byte)1;
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
            payload.CopyTo(frame.AsMemory(8));
            await output.WriteAsync(frame, cancellationToken);
        }
        else
        {
            await output.WriteAsync(payload, cancellationToken);
        }
        await output.FlushAsync(cancellationToken);
    }
}
