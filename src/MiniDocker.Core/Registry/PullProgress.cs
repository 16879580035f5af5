using MiniDocker.Storage;

namespace MiniDocker.Registry;

/// <summary>The progress of one layer of a pull.</summary>
/// <param name="Layer">The layer's (compressed) digest.</param>
/// <param name="Status">Where it is.</param>
/// <param name="Current">Bytes downloaded so far.</param>
/// <param name="Total">Bytes in all.</param>
public sealed record PullProgress(Digest Layer, PullStatus Status, long Current, long Total);
