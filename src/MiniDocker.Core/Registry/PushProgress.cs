using MiniDocker.Storage;

namespace MiniDocker.Registry;

/// <summary>The progress of one blob of a push.</summary>
/// <param name="Blob">The blob's digest.</param>
/// <param name="Status">What happened to it.</param>
/// <param name="Current">Bytes sent so far.</param>
/// <param name="Total">Bytes in all.</param>
public sealed record PushProgress(Digest Blob, PushStatus Status, long Current, long Total);
